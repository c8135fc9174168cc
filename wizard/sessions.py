"""Django's database sessions, read and updated with one plain SQL statement each.

Every wizard request reads the session, and the live preview does little else: the ORM's query
building cost more than the query itself. Same table, same encoding, same expiry rules as
`django.contrib.sessions.backends.db`; creating a session (rare) is left to Django.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _sql(self, for_write: bool):
        using = (router.db_for_write if for_write else router.db_for_read)(self.model)
        connection = connections[using]
        return connection, connection.ops.quote_name(self.model._meta.db_table)

    def load(self) -> dict:
        connection, table = self._sql(for_write=False)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

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
