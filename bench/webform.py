"""HTTP the way the browser does it, for the benchmark's load: a cookie jar, the wizard's step
form read from the page (its fields, choices, hx-post and the CSRF headers of <body>), and the
live preview's request built from that form as htmx builds it. Nothing here knows a field name:
whatever the page renders is what gets posted."""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from bench_server import HOST

STEP_LINK = re.compile(r'href="(/step/([a-z0-9-]+)/)"')
ROW_FIELD = re.compile(r"\A(?P<group>.+)-(?P<row>\d+)-(?P<part>[A-Za-z_]+)\Z")


class Client:
    """One connection at a time with a cookie jar (enough for sessions and CSRF). A new
    connection is opened when the server closed the last one (gunicorn's sync workers do)."""

    def __init__(self, port: int, timeout: float = 30.0):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        hdrs = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        if resp.will_close:
            self.conn.close()
            self.conn = None
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, resp.headers, data

    def post_form(self, path: str, fields: list[tuple[str, str]], extra=None, referer="/"):
        """A plain form submission (JavaScript off): urlencoded body with Origin and Referer."""
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + referer,
            **(extra or {}),
        }
        return self.request("POST", path, urlencode(fields).encode(), headers)

    def follow(self, status: int, headers, limit: int = 3):
        """GET the Location of a redirect (relative to this server)."""
        while status in (301, 302, 303) and limit:
            status, headers, body = self.request("GET", urlsplit(headers["Location"]).path)
            limit -= 1
        return status, headers, body


@dataclass
class Form:
    """The first post form of a page with its successful controls, in document order."""

    action: str = ""
    hx_post: str = ""
    form_id: str = ""
    hx_target: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio and select options
    checkboxes: dict[str, str] = field(default_factory=dict)  # name -> value when checked
    text: list[str] = field(default_factory=list)  # names of text-like inputs
    adds: list[str] = field(default_factory=list)  # values of the add-a-row buttons
    hx_headers: dict[str, str] = field(default_factory=dict)  # <body hx-headers>
    step_paths: list[str] = field(default_factory=list)  # /step/<slug>/ links of the page


class _FormParser(HTMLParser):
    def __init__(self, want_hx: bool):
        super().__init__(convert_charrefs=True)
        self.want_hx = want_hx
        self.form = Form()
        self._in = self._done = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "body" and a.get("hx-headers"):
            try:
                self.form.hx_headers = json.loads(unescape(a["hx-headers"]))
            except ValueError:
                pass
        if tag == "a" and (m := STEP_LINK.match(f'href="{a.get("href", "")}"')):
            if m.group(1) not in self.form.step_paths:
                self.form.step_paths.append(m.group(1))
        if (
            tag == "button"
            and a.get("name") == "goto"
            and a.get("value") not in (None, "", "review")
        ):
            if (path := f"/step/{a['value']}/") not in self.form.step_paths:
                self.form.step_paths.append(path)
        if self._done:
            return
        if tag == "form" and not self._in and a.get("method", "").lower() == "post":
            if self.want_hx and "hx-post" not in a:
                return
            self._in = True
            self.form.action, self.form.hx_post = a.get("action", ""), a.get("hx-post", "")
            self.form.form_id, self.form.hx_target = a.get("id", ""), a.get("hx-target", "")
            return
        if not self._in:
            return
        if tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
            return
        name = a.get("name")
        if not name or "disabled" in a:
            return
        if tag == "button" or tag == "input" and a.get("type") in ("submit", "image"):
            if name == "add":
                self.form.adds.append(a.get("value", ""))
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("button", "file", "reset"):
                return
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind == "radio":
                self.form.choices.setdefault(name, []).append(value)
            if kind == "checkbox":
                self.form.checkboxes[name] = value
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("text", "email", "search", "url", "tel", "number", "password"):
                self.form.text.append(name)
            self.form.fields.append((name, value))
        elif tag == "textarea":
            self._textarea = name
            self.form.text.append(name)
            self.form.fields.append((name, ""))
        elif tag == "select":
            self._select, self._options = name, []

    def handle_data(self, data):
        if self._textarea:
            name, value = self.form.fields[-1]
            self.form.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options[:1]]
            self.form.fields += [(self._select, v) for v in chosen]
            self.form.choices[self._select] = [v for v, _ in self._options]
            self._select = None
        elif tag == "form" and self._in:
            self._in, self._done = False, True


def read_form(html: bytes | str, want_hx: bool = True) -> Form:
    """The page's first post form (with hx-post when `want_hx`), as a browser would submit it."""
    parser = _FormParser(want_hx)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.form


def start_plan(client: Client, target: str) -> str:
    """Start a new plan on the start page's form for `target` (v2 or v0.6); the first step's path."""
    status, _, html = client.request("GET", "/")
    assert status == 200, f"GET / answered {status}"
    form = read_form(html, want_hx=False)
    fields = [(k, v) for k, v in form.fields if k != "target"] + [("target", target)]
    assert target in form.choices.get("target", []), f"the start form offers no target {target}"
    status, headers, _ = client.post_form(form.action or "/", fields)
    assert status in (302, 303), f"starting a plan answered {status}"
    return urlsplit(headers["Location"]).path


def step_form(client: Client, path: str) -> Form:
    status, _, html = client.request("GET", path)
    assert status == 200, f"GET {path} answered {status}"
    form = read_form(html)
    assert form.hx_post and form.fields, f"no live-preview form on {path}"
    return form


def preview_headers(client: Client, form: Form, page_path: str) -> dict[str, str]:
    """What htmx adds to the live preview's POST: its own headers and <body hx-headers>."""
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": client.origin,
        "Referer": client.origin + page_path,
        "HX-Request": "true",
        "HX-Current-URL": client.origin + page_path,
        **({"HX-Target": form.hx_target.lstrip("#")} if form.hx_target.startswith("#") else {}),
        **({"HX-Trigger": form.form_id} if form.form_id else {}),
        **form.hx_headers,
    }
