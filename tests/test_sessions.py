"""wizard.sessions: Django's database sessions, read and updated with plain SQL."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from wizard import sessions
from wizard.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_session_saved_by_either_backend_reads_the_same_in_the_other():
    ours = SessionStore()
    ours["wizard"] = {"target": "v2", "steps": {"ssl": {"host": ["é x"]}}}
    ours.save()
    assert DjangoStore(ours.session_key).load() == dict(ours.items())
    theirs = DjangoStore()
    theirs["n"] = [1, 2]
    theirs.save()
    assert SessionStore(theirs.session_key).load() == {"n": [1, 2]}


def test_saving_again_updates_the_row_and_its_expiry():
    store = SessionStore()
    store["a"] = 1
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=5)
    )
    again = SessionStore(store.session_key)
    again["a"] = 2
    again.save()
    row = Session.objects.get(pk=store.session_key)
    assert SessionStore(store.session_key).load() == {"a": 2}
    assert row.expire_date > timezone.now() + timedelta(days=1)
    assert Session.objects.count() == 1


def test_unknown_and_expired_sessions_load_empty_and_drop_their_key():
    assert SessionStore("x" * 32).load() == {}
    store = SessionStore()
    store["a"] = 1
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None


def test_saving_a_session_whose_row_is_gone_raises_update_error():
    store = SessionStore()
    store["a"] = 1
    store.save()
    Session.objects.all().delete()
    store["a"] = 2
    with pytest.raises(UpdateError):
        store.save()


def test_a_tampered_row_loads_empty():
    store = SessionStore()
    store["a"] = 1
    store.save()
    Session.objects.filter(pk=store.session_key).update(session_data="not signed data")
    assert SessionStore(store.session_key).load() == {}


def test_decoding_a_row_again_gives_a_fresh_copy_of_the_same_session():
    store = SessionStore()
    store["wizard"] = {"steps": {"ssl": "host=a"}, "visited": ["ssl"]}
    store.save()
    first = SessionStore(store.session_key).load()
    first["wizard"]["visited"].append("tampered in memory")
    second = SessionStore(store.session_key).load()
    assert second == {"wizard": {"steps": {"ssl": "host=a"}, "visited": ["ssl"]}}
    assert second["wizard"] is not first["wizard"]


def test_a_row_verified_once_is_refused_after_its_key_is_retired(settings):
    store = SessionStore()
    store["a"] = 1
    store.save()
    assert SessionStore(store.session_key).load() == {"a": 1}  # verified and kept
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert SessionStore(store.session_key).load() == {"a": 1}  # the old key is a fallback
    settings.SECRET_KEY_FALLBACKS = []
    assert SessionStore(store.session_key).load() == {}


def test_a_row_whose_payload_is_not_json_loads_empty():
    from django.core import signing

    store = SessionStore()
    store["a"] = 1
    store.save()
    bad = signing.TimestampSigner(salt=store.key_salt).sign("bm90IGpzb24")  # "not json"
    Session.objects.filter(pk=store.session_key).update(session_data=bad)
    assert SessionStore(store.session_key).load() == {}
    assert SessionStore(store.session_key).load() == {}


def test_a_big_session_is_decoded_each_time_and_not_kept():
    store = SessionStore()
    store["blob"] = secrets.token_hex(20_000)  # 40 KB that does not compress
    store.save()
    row = Session.objects.get(pk=store.session_key).session_data
    assert SessionStore(store.session_key).load() == {"blob": store["blob"]}
    assert row not in sessions._VERIFIED
    small = SessionStore()
    small["a"] = 1
    small.save()
    SessionStore(small.session_key).load()
    assert Session.objects.get(pk=small.session_key).session_data in sessions._VERIFIED
