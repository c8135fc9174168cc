"""Django's database sessions, read and updated with one plain SQL statement each.

Every wizard request reads the session, and the live preview does little else: the ORM's query
building cost more than the query itself. Same table, same encoding, same expiry rules as
`django.contrib.sessions.backends.db`; creating a session (rare) is left to Django.

Decoding checks the row's signature, inflates it and parses the JSON; the first two are pure
functions of the stored string and cost most of it, so the verified JSON is kept per process by
that string (a keystroke of the live preview reads the same row as the one before it). Every
decode still parses its own fresh copy: nothing is shared between requests.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.core import signing
from django.db import connections, router
from django.utils import timezone

# signed row -> (the keys it was verified with, its JSON)
_VERIFIED: OrderedDict[str, tuple[tuple, bytes]] = OrderedDict()
_VERIFIED_MAX = 256
# A bigger session (an imported file's kept keys) is not kept: an entry holds at most 32 KiB
# (the signed row and its JSON), so at most 8 MiB in all.
_VERIFIED_ENTRY_MAX = 32 * 1024


class _Keeper:
    """A serializer for `signing.loads` that keeps the verified JSON it is handed."""

    payload: bytes | None = None

    def __call__(self) -> _Keeper:  # signing instantiates its serializer
        return self

    def loads(self, data: bytes) -> object:
        self.payload = data
        return json.loads(data.decode("latin-1"))  # as Django's JSONSerializer


class SessionStore(db.SessionStore):
    def _sql(self, for_write: bool):
        using = (router.db_for_write if for_write else router.db_for_read)(self.model)
        connection = connections[using]
        return connection, connection.ops.quote_name(self.model._meta.db_table)

    def load(self) -> dict:
        connection, table = self._sql(for_write=False)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"
        if connection.vendor == "sqlite" and not connection.queries_logged:
            # The DB-API connection itself, as Django's cursor would run it (its wrappers cost
            # more than the query); errors are still Django's.
            connection.ensure_connection()
            with connection.wrap_database_errors:
                row = connection.connection.execute(
                    sql.replace("%s", "?"), (self.session_key, now)
                ).fetchone()
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, [self.session_key, now])
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def decode(self, session_data: str) -> dict:
        keys = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
        found = _VERIFIED.get(session_data)
        if found is not None and found[0] == keys:
            _VERIFIED.move_to_end(session_data)
            return json.loads(found[1].decode("latin-1"))
        if self.serializer is not signing.JSONSerializer:
            return super().decode(session_data)
        keeper = _Keeper()
        try:
            session = signing.loads(session_data, salt=self.key_salt, serializer=keeper)
        except Exception:
            return super().decode(session_data)  # logs a bad signature, answers {}
        payload = keeper.payload
        if payload is not None and len(session_data) + len(payload) <= _VERIFIED_ENTRY_MAX:
            _VERIFIED[session_data] = (keys, payload)
            if len(_VERIFIED) > _VERIFIED_MAX:
                _VERIFIED.popitem(last=False)
        return session

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        connection, table = self._sql(for_write=True)
        data = self.encode(self._get_session(no_load=False))
        expiry = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
        with connection.cursor() as cursor:  # one statement: atomic on its own
            cursor.execute(
                f"UPDATE {table} SET session_data = %s, expire_date = %s WHERE session_key = %s",
                [data, expiry, self.session_key],
            )
            if cursor.rowcount != 1:
                raise UpdateError  # the row is gone (e.g. flushed): SessionMiddleware says so
