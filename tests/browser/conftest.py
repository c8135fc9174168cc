"""Playwright on Debian's Chromium (never a downloaded browser) against Django's live server."""

import os
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
