"""wizard.sessions: Django's database sessions, read and updated with plain SQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

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
