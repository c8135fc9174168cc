"""Sessions hold at most SESSION_MAX_BYTES: a request that would store more is refused (413) and
the session keeps what it held."""

from __future__ import annotations

import hashlib

import pytest
import yaml
from django.contrib.sessions.models import Session

pytestmark = pytest.mark.django_db


def big_values_file(entries: int) -> str:
    # hex digests: sessions are stored compressed, so the values must not compress away
    annotations = {
        f"example.com/key-{i}": hashlib.sha256(str(i).encode()).hexdigest() * 2
        for i in range(entries)
    }
    return yaml.safe_dump(
        {"gateway": {"annotations": annotations}, "postgresql": {"enabled": False}}
    )


def stored_sizes() -> list[int]:
    return [len(s.session_data) for s in Session.objects.all()]


def test_an_import_that_would_overfill_the_session_is_refused(client, settings):
    settings.SESSION_MAX_BYTES = 64 * 1024
    response = client.post("/import/", {"text": big_values_file(2000), "target": "v2"})
    assert response.status_code == 413
    assert all(size <= settings.SESSION_MAX_BYTES for size in stored_sizes())


def test_a_refused_request_keeps_what_the_session_held(client, settings):
    settings.SESSION_MAX_BYTES = 64 * 1024
    assert client.post("/import/", {"text": big_values_file(10), "target": "v2"}).status_code == 302
    before = Session.objects.get().session_data
    client.post("/import/", {"text": big_values_file(2000), "target": "v2"})
    assert Session.objects.get().session_data == before


def test_an_ordinary_import_fits(client, settings):
    response = client.post("/import/", {"text": big_values_file(50), "target": "v2"})
    assert response.status_code == 302
    assert stored_sizes() and max(stored_sizes()) <= settings.SESSION_MAX_BYTES
