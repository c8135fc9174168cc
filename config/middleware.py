"""Cross-cutting HTTP behaviour: one structured log line per request, and the privacy headers.

The log line names the URL *pattern* (`/e/<str:key>/`), never the path, so a capability key in a
URL cannot reach a log; nothing from the body or the query string is logged either.
"""

from __future__ import annotations

import json
import logging
import re
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

request_log = logging.getLogger("wizard.request")

# Route names whose pages or files are private to whoever holds the link.
_PRIVATE_NAMESPACES = {"share", "api", "importer"}


def route_of(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is None:
        return "<unmatched>"
    return "/" + str(match.route).lstrip("^").rstrip("$")


class RequestLogMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        request_log.info(
            json.dumps(
                {
                    "method": request.method,
                    "route": route_of(request),
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - start) * 1000, 2),
                    "htmx": bool(request.headers.get("HX-Request")),
                },
                separators=(",", ":"),
            )
        )
        return response


# The wizard uses no powerful browser feature: deny them all to itself and to any frame.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)


class PrivacyHeadersMiddleware:
    """Dynamic responses are never cached or indexed; share/edit/API/import answers are private."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/static/"):
            return response
        response.setdefault("X-Robots-Tag", "noindex, nofollow")
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        match = request.resolver_match
        if match is not None and (
            match.namespace in _PRIVATE_NAMESPACES or response.has_header("Content-Disposition")
        ):
            response["Cache-Control"] = "no-store"
        else:
            response.setdefault("Cache-Control", "no-store")
        return response


class RedactPathFilter(logging.Filter):
    """Django's own request log lines print the raw path (and runserver the request line); swap a
    routed path for its pattern, and blank the key of any edit link (`/e/<key>/`) that is left."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None) if isinstance(request, HttpRequest) else None
        if isinstance(record.args, tuple):
            record.args = tuple(self._redact(a, request, path) for a in record.args)
        return True

    @staticmethod
    def _redact(arg: object, request, path: str | None) -> object:
        if path is not None and arg == path:
            return route_of(request)
        return _EDIT_KEY.sub("/e/<key>", arg) if isinstance(arg, str) else arg


_EDIT_KEY = re.compile(r"/e/[^/\s?#]+")


class SessionCapMiddleware:
    """A session holds at most SESSION_MAX_BYTES (encoded): a request that would store more is
    answered 413 and its changes are dropped, so the session keeps what it held before. It sits
    right after SessionMiddleware, so it sees the session after every other middleware wrote."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.modified or session.is_empty():
            return response
        size = len(session.encode(dict(session.items())))
        if size <= settings.SESSION_MAX_BYTES:
            return response
        session.modified = False  # SessionMiddleware saves nothing: the stored session stands
        message = (
            f"This would make your wizard session {size:,} bytes; it may hold "
            f"{settings.SESSION_MAX_BYTES:,}. Import a smaller values file (fewer unmanaged keys)."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"error": "too_large", "message": message}, status=413)
        # Plain text: the page templates need a CSP nonce, written by now.
        text = f"{message}\nWhat you had before this request is still there: go back.\n"
        return HttpResponse(text, content_type="text/plain; charset=utf-8", status=413)
