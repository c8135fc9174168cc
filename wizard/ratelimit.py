"""A small fixed-window rate limit on the views that write (save, import, share, API).

Counts live in Django's cache: per process with the default local-memory cache, so N workers allow
up to N times the limit; point CACHES at a shared cache to make it global (docs/deploy.md).
"""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limited(bucket: str):
    """Decorate a view: past the limit it answers 429 (JSON for the API, a page otherwise)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            limit = settings.RATE_LIMIT_PER_MINUTE
            if limit and request.method not in ("GET", "HEAD", "OPTIONS"):
                window = int(time.time() // 60)
                key = f"rl:{bucket}:{client_address(request)}:{window}"
                cache.add(key, 0, timeout=90)
                try:
                    count = cache.incr(key)
                except ValueError:  # evicted between add and incr
                    count = 1
                if count > limit:
                    return too_many(request, 60 - int(time.time()) % 60)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = f"Too many requests from your address; try again in {retry_after} seconds."
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
