#!/usr/bin/env python3
"""Server-side cost of the benchmark's requests, measured in-process (no HTTP, no gunicorn).

Calls the WSGI application directly, through the whole middleware stack and with production
settings, for the same requests `bench/run.py` times over HTTP: the baseline, the live preview of
the large per-class plan, the step POST, the share page and the zip. Prints the p50 and p90 in
microseconds and each one's ratio to the baseline, which is the part of `make bench`'s ratios the
app controls. `--profile NAME` prints a cProfile of that request instead.

    .venv/bin/python bench/inprocess.py [--requests 2000] [--profile preview [--sort tottime]]
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_server import server_env  # noqa: E402
from run import LARGE_PLAN, FormFields  # noqa: E402  (bench/run.py)


def setup_django(workdir: Path):
    os.environ.clear()
    os.environ.update(server_env(f"sqlite:///{workdir / 'inprocess.sqlite3'}"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


class App:
    """A cookie jar around the WSGI callable."""

    def __init__(self, application):
        self.application = application
        self.cookies: dict[str, str] = {}

    def call(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else "HTTP_" + key] = value
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status_headers = []
        chunks = self.application(environ, lambda s, h, *_: status_headers.append((s, h)))
        data = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        status, hdrs = status_headers[0]
        for name, value in hdrs:
            if name.lower() == "set-cookie":
                cname, _, rest = value.partition("=")
                self.cookies[cname.strip()] = rest.split(";", 1)[0]
        return int(status.split()[0]), data

    def form_post(self, path: str, body: bytes, extra: dict | None = None):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "Referer": "http://127.0.0.1:8000/",
            "Origin": "http://127.0.0.1:8000",
            **(extra or {}),
        }
        return self.call("POST", path, body, headers)


def scenarios(app: App, count: int) -> dict:
    status, body = app.call(
        "POST", "/api/plans", json.dumps(LARGE_PLAN).encode(), {"Content-Type": "application/json"}
    )
    assert status == 201, (status, body[:300])
    created = json.loads(body)
    app.call("GET", "/")
    edit = urlsplit(created["edit_url"]).path
    token = app.cookies["csrftoken"]
    status, _ = app.form_post(edit + "open/", urlencode({"csrfmiddlewaretoken": token}).encode())
    assert status in (302, 303), status
    status, html = app.call("GET", "/step/scheduling/")
    form = FormFields()
    form.feed(html.decode())
    field = "core-labels-1-value"

    def bodies(extra, drop=()):
        return iter(
            [
                urlencode(
                    [(k, f"{v}-{n}" if k == field else v) for k, v in form.fields if k not in drop]
                    + extra
                ).encode()
                for n in range(count + 50)
            ]
        )

    # As the browser sends them: the preview's CSRF token only in the header (wizard.js).
    typed, stepped = bodies([], ("csrfmiddlewaretoken",)), bodies([("next", "1")])
    return {
        "baseline": lambda: app.call("GET", "/healthz")[0] == 200,
        "preview": lambda: app.form_post(form.hx, next(typed), {"HX-Request": "true"})[0] == 200,
        "step POST": lambda: app.form_post("/step/scheduling/", next(stepped))[0] == 302,
        "share page": lambda: app.call("GET", f"/p/{created['id']}/")[0] == 200,
        "zip": lambda: app.call("GET", "/download/bundle.zip")[0] == 200,
    }


def timings(call, count: int) -> list[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter()
        ok = call()
        out.append((time.perf_counter() - start) * 1e6)
        assert ok
    return sorted(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", metavar="NAME", help="cProfile one scenario instead")
    parser.add_argument("--sort", default="cumulative", help="pstats order of --profile")
    parser.add_argument("--top", type=int, default=45, help="rows of --profile")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="wizard-inprocess-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    app = App(setup_django(workdir))
    calls = scenarios(app, args.requests * 2 + 100)
    for call in calls.values():  # warm every cache a worker would have warm
        for _ in range(20):
            call()
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [calls[args.profile]() for _ in range(args.requests)])
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
        return 0
    base = None
    print(f"{'request':<12} {'p50 µs':>8} {'p90 µs':>8} {'ratio':>6}")
    for name, call in calls.items():
        t = timings(call, args.requests)
        p50, p90 = t[len(t) // 2], t[len(t) * 9 // 10]
        base = base or p50
        print(f"{name:<12} {p50:8.0f} {p90:8.0f} {p50 / base:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
