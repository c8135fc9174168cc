"""Whole pages that are the same for every visitor, rendered once per process.

A share page of a revision never changes: only the CSRF token and the CSP nonce differ between two
requests. Such a page is rendered once with per-process random stand-ins for both, kept (bounded,
least recently used first out), and each request gets a copy with its own token and nonce put in.
A request with flash messages is rendered normally, since messages are for one visitor only.

The key must name everything the page shows (e.g. share id, revision number, latest number).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string

# Unguessable, so no text on a page can contain them by chance or on purpose.
_TOKEN = "t" + secrets.token_hex(24)
_NONCE = "n" + secrets.token_hex(12)
_PAGES: OrderedDict[Hashable, str] = OrderedDict()
MAX_PAGES = 128


def render_same_for_all(
    request: HttpRequest, key: Hashable, template: str, context: Callable[[], dict]
) -> HttpResponse:
    """The page of `template` with `context()`; `context` is only called to render it anew."""
    if len(get_messages(request)):
        return render(request, template, context())
    html = _PAGES.get(key)
    if html is None:
        html = render_to_string(template, {**context(), "csrf_token": _TOKEN, "csp_nonce": _NONCE})
        _PAGES[key] = html
        if len(_PAGES) > MAX_PAGES:
            _PAGES.popitem(last=False)
    else:
        _PAGES.move_to_end(key)
    page = html.replace(_TOKEN, get_token(request)).replace(_NONCE, str(request.csp_nonce))
    return HttpResponse(page)
