"""Keystroke to preview, in the browser: Debian's Chromium (Playwright) on the real wizard page.

For each keystroke, the page itself records performance.now() at keydown and a MutationObserver
resolves when #values-preview shows the field's new value; the difference is the latency a person
typing sees. The fields are found on the pages, not named here: a text field takes part when a
first keystroke of calibration shows up in the preview. Each field gets a tag of its own so its
value is found nowhere else in the preview; then letters are typed and deleted again (both are
keystrokes), at a human pace, with the answer of one keystroke awaited before the next.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 3000  # a keystroke whose value never shows within this counts as an error
FIELDS_PER_STEP = 2
WORD = 6  # letters typed, then deleted, per round on a field

# Armed before a keystroke: keydown in the field starts the clock, the first mutation after
# which the preview's text holds the expected value stops it.
ARM = """([name, pattern, timeout]) => {
  const re = new RegExp(pattern);
  const shows = () => {
    const p = document.getElementById("values-preview");
    return !!p && re.test(p.textContent);
  };
  window.__keystroke = new Promise((resolve) => {
    if (shows()) { resolve({error: "value already in the preview"}); return; }
    let t0 = null;
    const finish = (result) => {
      observer.disconnect(); clearTimeout(timer);
      document.removeEventListener("keydown", onKey, true);
      resolve(result);
    };
    const onKey = (event) => {
      if (t0 === null && event.target.name === name) t0 = performance.now();
    };
    document.addEventListener("keydown", onKey, true);
    const observer = new MutationObserver(() => {
      if (t0 !== null && shows()) finish({ms: performance.now() - t0});
    });
    observer.observe(document.documentElement, {childList: true, subtree: true, characterData: true});
    const timer = setTimeout(() => finish({error: t0 === null ? "no keydown" : "timeout"}), timeout);
  });
}"""

# The steps, from the navigator: links without a form, submit buttons (name=goto) inside one.
STEP_PATHS = """els => els.map(e => e.tagName === "A" ? e.getAttribute("href")
  : e.value === "review" ? null : `/step/${e.value}/`).filter(Boolean)"""

TEXT_FIELDS = """els => els
  .filter(e => !e.disabled && e.offsetParent !== null && ["text", "search"].includes(e.type))
  .map(e => ({name: e.name, value: e.value}))"""


def pattern(value: str) -> str:
    """The value as a whole word of the preview (so `abc` is not found inside `abcd`)."""
    return rf"(^|[^A-Za-z0-9._-]){re.escape(value)}($|[^A-Za-z0-9._-])"


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # "step/field" that took part
    origins: set[str] = field(default_factory=set)  # every origin the page requested


def _press(page, name: str, key: str, expected: str) -> dict:
    page.evaluate(ARM, [name, pattern(expected), TIMEOUT_MS])
    page.keyboard.press(key)
    return page.evaluate("window.__keystroke")


def _focus_end(page, name: str) -> None:
    page.focus(f"form[hx-post] [name='{name}']")
    page.keyboard.press("End")


def _calibrate(page, name: str, value: str, tag: str) -> bool:
    """Type the tag; the field takes part when the preview shows value+tag. Restore it if not."""
    _focus_end(page, name)
    for i, ch in enumerate(tag):
        outcome = _press(page, name, ch, value + tag[: i + 1])
        if "ms" not in outcome:
            page.fill(f"form[hx-post] [name='{name}']", value)
            page.wait_for_timeout(300)
            return False
    return True


def run(base_url: str, keystrokes: int, pause_ms: tuple[int, int], seed: int = 14) -> Result:
    from playwright.sync_api import sync_playwright

    rng = random.Random(seed)
    result = Result()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_context(base_url=base_url).new_page()
            page.on(
                "request",
                lambda r: result.origins.add("{0.scheme}://{0.netloc}".format(urlsplit(r.url))),
            )
            page.goto("/")
            page.click("form[method=post] [type=submit]")  # start a new plan (default target)
            page.wait_for_selector("form[hx-post]")
            steps = page.eval_on_selector_all("a[href^='/step/'], button[name=goto]", STEP_PATHS)
            steps = list(dict.fromkeys(steps)) or [urlsplit(page.url).path]
            tags = iter(
                "".join(rng.choice(string.ascii_lowercase) for _ in range(3)) for _ in range(999)
            )
            chosen: list[tuple[str, str, str]] = []  # (step path, field name, base value)
            for path in steps:
                page.goto(path)
                page.wait_for_selector("#values-preview")
                found = 0
                for f in page.eval_on_selector_all("form[hx-post] input[name]", TEXT_FIELDS):
                    tag = next(tags)
                    if _calibrate(page, f["name"], f["value"], tag):
                        chosen.append((path, f["name"], f["value"] + tag))
                        found += 1
                        if found == FIELDS_PER_STEP:
                            break
            if not chosen:
                result.errors.append("no text field of any step shows in the preview")
                return result
            result.fields = [f"{p.strip('/').split('/')[-1]}/{n}" for p, n, _ in chosen]
            share, extra = divmod(keystrokes, len(chosen))
            current = None
            for i, (path, name, base) in enumerate(chosen):
                if path != current:
                    page.goto(path)
                    page.wait_for_selector("#values-preview")
                    current = path
                    # Re-apply every chosen field's tag on this step (the page shows the saved
                    # values again): not measured, these keystrokes only set the stage.
                    here = [b for p, _, b in chosen if p == path]
                    for p, n, b in chosen:
                        if p == path:
                            page.fill(f"form[hx-post] [name='{n}']", b)
                    page.wait_for_function(
                        "res => res.every(re => new RegExp(re).test("
                        "document.getElementById('values-preview').textContent))",
                        arg=[pattern(b) for b in here],
                        timeout=TIMEOUT_MS,
                    )
                _focus_end(page, name)
                value = base
                for k in range(share + (1 if i < extra else 0)):
                    if (k // WORD) % 2 == 0:
                        key = rng.choice(string.ascii_lowercase)
                        value += key
                    else:
                        key, value = "Backspace", value[:-1]
                    outcome = _press(page, name, key, value)
                    if "ms" in outcome:
                        result.latencies.append(outcome["ms"])
                    else:
                        result.errors.append(f"{name}: {outcome['error']}")
                    page.wait_for_timeout(rng.randint(*pause_ms))
                # Leave the field as it started, so a later step sees the same plan.
                page.fill(f"form[hx-post] [name='{name}']", base)
        finally:
            browser.close()
    return result
