"""Rate limits per client address on the views that write (save, import, share, API) and on the
CPU-heavy ones anyone may call (render, step, live preview, session creation).

A sliding window (this minute's count plus the share of last minute's still in the window), kept
in Django's cache alias `ratelimit`: the database cache by default, so every worker process of
every host shares one count. The client address is the one the outermost of
`WIZARD_TRUSTED_PROXIES` proxies saw (X-Forwarded-For), so behind the documented TLS proxy each
client has its own bucket (docs/deploy.md).
"""

from __future__ import annotations

import functools
import ipaddress
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

# Limit of each bucket, in multiples of RATE_LIMIT_PER_MINUTE (0 turns every limit off). The
# preview follows typing, so it allows many more requests than a save.
BUCKET_FACTORS = {
    "api": 1,
    "save": 1,
    "import": 1,
    "session": 1,
    "render": 2,
    "step": 10,
    "preview": 20,
}
WINDOW = 60


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with N trusted proxies in front, the address the
    outermost one saw (X-Forwarded-For entries further left are the client's to forge)."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
    candidate = chain[max(len(chain) - 1 - proxies, 0)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def over_limit(bucket: str, address: str, limit: int, now: float | None = None) -> int | None:
    """Count one request; seconds to wait when it is over `limit` per minute, else None."""
    cache = caches[settings.RATE_LIMIT_CACHE]
    now = time.time() if now is None else now
    window, elapsed = divmod(now, WINDOW)
    key = f"rl:{bucket}:{address}:{int(window)}"
    cache.add(key, 0, timeout=WINDOW * 2 + 30)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        count = 1
    previous = cache.get(f"rl:{bucket}:{address}:{int(window) - 1}", 0)
    weighted = count + previous * (1 - elapsed / WINDOW)
    if weighted <= limit:
        return None
    return max(1, int(WINDOW - elapsed))


def rate_limited(bucket: str):
    """Decorate a view: past the limit a POST/PUT/DELETE answers 429 (JSON for the API)."""
    factor = BUCKET_FACTORS[bucket]

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            limit = settings.RATE_LIMIT_PER_MINUTE * factor
            if limit and request.method not in ("GET", "HEAD", "OPTIONS"):
                wait = over_limit(bucket, client_address(request), limit)
                if wait is not None:
                    return too_many(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = f"Too many requests from your address; try again in {retry_after} seconds."
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": "rate_limited", "message": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
