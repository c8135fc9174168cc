"""Playwright on Debian's Chromium (never a downloaded browser) against Django's live server."""

import os
import socket
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in the test thread; Django would then refuse
# ORM calls from fixtures and tests as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Reports CSP violations to the test; Playwright's init scripts are not subject to the page's CSP.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh page whose relative URLs go to the live server.

    `page.errors` collects console errors, uncaught exceptions and CSP violations, so a test
    can end with `assert page.errors == []`.
    """
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.errors = []
    page.expose_function("__reportCspViolation", lambda text: page.errors.append(f"csp: {text}"))
    page.add_init_script(_CSP_LISTENER)
    page.on(
        "console",
        lambda msg: page.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: page.errors.append(f"pageerror: {exc}"))
    yield page
    context.close()


@pytest.fixture
def make_page(browser: Browser, live_server):
    """Like `page`, with context options (color_scheme, java_script_enabled, viewport...)."""
    contexts = []

    def make(**options) -> Page:
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        if options.get("java_script_enabled", True):
            page.expose_function(
                "__reportCspViolation", lambda text: page.errors.append(f"csp: {text}")
            )
            page.add_init_script(_CSP_LISTENER)
        page.on(
            "console",
            lambda msg: page.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: page.errors.append(f"pageerror: {exc}"))
        return page

    yield make
    for context in contexts:
        context.close()


def unexpected_errors(errors: list[str]) -> list[str]:
    """`page.errors` without the console noise of htmx's hx-sync="this:replace": each newer
    keystroke aborts the preview request in flight, and htmx 2 logs every abort with
    console.error ("htmx:afterRequest" then "htmx:sendAbort"). CSP violations always count."""
    aborts = sum(1 for e in errors if e.startswith("console: htmx:sendAbort"))
    out = []
    for error in errors:
        if error.startswith("console: htmx:sendAbort"):
            continue
        if error.startswith("console: htmx:afterRequest") and aborts:
            aborts -= 1
            continue
        out.append(error)
    return out


# --- production settings over HTTPS ------------------------------------------------------------

_ROOT = _HERE.parents[1]
_PYTHON = _ROOT / ".venv" / "bin" / "python"


class HttpsServer:
    """gunicorn with config/gunicorn.py, production settings (debug off, SECURE_* on), a
    self-signed certificate and its own SQLite file; `url` is https://localhost:<port>."""

    def __init__(self, url: str, access_log: Path, error_log: Path) -> None:
        self.url = url
        self.access_log = access_log
        self.error_log = error_log

    def logs(self) -> str:
        return self.access_log.read_text() + self.error_log.read_text()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def https_server(tmp_path_factory) -> Iterator[HttpsServer]:
    tmp = tmp_path_factory.mktemp("https")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "browser-test-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
    }
    manage = [str(_PYTHON), str(_ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=_ROOT, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=_ROOT, check=True)
    access_log, error_log = tmp / "access.log", tmp / "error.log"
    server = subprocess.Popen(
        [str(_ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi",
         "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--certfile", str(cert), "--keyfile", str(key),
         "--access-logfile", str(access_log), "--error-logfile", str(error_log)],
        env=env, cwd=_ROOT,
    )  # fmt: skip
    url = f"https://localhost:{port}"
    context = ssl.create_default_context(cafile=str(cert))
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", context=context, timeout=2).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"gunicorn did not start: {error_log.read_text()}", pytrace=False)
            time.sleep(0.2)
    try:
        yield HttpsServer(url, access_log, error_log)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(params=["debug", "production"])
def site(request, live_server) -> str:
    """The base URL of a server: Django's live server (test settings, plain HTTP), then gunicorn
    in production settings over HTTPS."""
    if request.param == "debug":
        return live_server.url
    return request.getfixturevalue("https_server").url


@pytest.fixture
def site_page(browser: Browser, site: str):
    """Pages on `site` (a self-signed certificate is accepted); each records the status of every
    POST it sends in `page.posts` as (path, status)."""
    contexts = []

    def make(**options) -> Page:
        context = browser.new_context(base_url=site, ignore_https_errors=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.posts = []
        page.errors = []
        page.on(
            "response",
            lambda r: (
                page.posts.append((r.request.url.split("/", 3)[-1], r.status))
                if r.request.method == "POST"
                else None
            ),
        )
        page.on("pageerror", lambda exc: page.errors.append(f"pageerror: {exc}"))
        return page

    yield make
    for context in contexts:
        context.close()
