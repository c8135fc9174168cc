"""Rate limits: the client address behind a configured number of proxies, counts shared by every
worker (the database cache), a sliding window, and limits on the CPU-heavy unauthenticated views."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import RequestFactory

from wizard.ratelimit import client_address, over_limit

pytestmark = pytest.mark.django_db


def address(settings, proxies: int, remote: str, forwarded: str | None = None) -> str:
    settings.TRUSTED_PROXIES = proxies
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_a_forwarded_header_changes_nothing(settings):
    assert address(settings, 0, "10.0.0.1", "203.0.113.9") == "10.0.0.1"


def test_behind_one_proxy_each_client_has_its_own_address(settings):
    assert address(settings, 1, "10.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert address(settings, 1, "10.0.0.1", "198.51.100.7") == "198.51.100.7"


def test_a_client_cannot_forge_entries_left_of_what_the_proxy_saw(settings):
    assert address(settings, 1, "10.0.0.1", "1.2.3.4, 203.0.113.9") == "203.0.113.9"


def test_two_proxies_take_the_address_the_outer_one_saw(settings):
    assert address(settings, 2, "10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1") == "203.0.113.9"


def test_a_garbage_forwarded_entry_falls_back_to_the_peer(settings):
    assert address(settings, 1, "10.0.0.1", "not-an-ip") == "10.0.0.1"


def test_counts_live_in_the_database_cache_every_worker_shares(settings):
    assert isinstance(caches[settings.RATE_LIMIT_CACHE], DatabaseCache)
    # a second connection stands for another worker process: it sees the first one's counts
    other = caches.create_connection(settings.RATE_LIMIT_CACHE)
    now = 1_000_000 * 60 + 10.0
    assert over_limit("api", "192.0.2.1", 2, now) is None
    assert over_limit("api", "192.0.2.1", 2, now) is None
    assert other.get("rl:api:192.0.2.1:1000000") == 2


def test_the_window_slides_over_a_minute_boundary():
    end_of_minute = 2_000_000 * 60 + 59.0
    for _ in range(3):
        assert over_limit("api", "192.0.2.2", 3, end_of_minute) is None
    # one second into the next minute nearly all of the previous minute still counts
    assert over_limit("api", "192.0.2.2", 3, end_of_minute + 2) is not None


@pytest.mark.parametrize(
    ("url", "kwargs"),
    [
        ("/api/render", {"data": "{}", "content_type": "application/json"}),
        ("/", {"data": {"target": "v2"}}),
        ("/step/database/", {"data": {"host": "x"}}),
        ("/preview/database/", {"data": {"host": "x"}}),
    ],
)
def test_cpu_heavy_unauthenticated_views_are_limited(client, settings, url, kwargs):
    from wizard.ratelimit import BUCKET_FACTORS

    settings.RATE_LIMIT_PER_MINUTE = 1
    client.post("/", {"target": "v2"})  # a session for the step views
    bucket_limit = max(BUCKET_FACTORS.values())
    statuses = [client.post(url, **kwargs).status_code for _ in range(bucket_limit + 2)]
    assert statuses[-1] == 429
