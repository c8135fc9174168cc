"""Every width from 320 px up: the step list never covers the form, nothing scrolls sideways, and
screenshots at 390, 768, 1024 and 1440 px, light and dark (docs/screenshots/ with
UPDATE_SCREENSHOTS=1, a temporary directory otherwise)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import unexpected_errors

ROOT = Path(__file__).resolve().parents[2]
STEPS = ["scheduling", "database", "components", "storage", "ssl", "security-context", "secrets"]

_OVERLAP = """() => {
  const nav = document.querySelector("#step-nav").getBoundingClientRect();
  const form = document.querySelector("#step-form").getBoundingClientRect();
  const overlapX = Math.min(nav.right, form.right) - Math.max(nav.left, form.left);
  const overlapY = Math.min(nav.bottom, form.bottom) - Math.max(nav.top, form.top);
  return overlapX > 0 && overlapY > 0;
}"""

_SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        return ROOT / "docs" / "screenshots"
    return tmp_path_factory.mktemp("screenshots")


def _started(make_page, width: int, **options) -> Page:
    page = make_page(viewport={"width": width, "height": 800}, **options)
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    page.wait_for_url("**/step/scheduling/")
    return page


@pytest.mark.parametrize("width", [390, 1024])
def test_the_step_list_never_overlaps_the_form(make_page, width):
    page = _started(make_page, width)
    for slug in ("scheduling", "database", "storage"):
        page.goto(f"/step/{slug}/")
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height, 200):
            page.evaluate(f"window.scrollTo(0, {y})")
            assert not page.evaluate(_OVERLAP), (slug, y)


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_scrolls_sideways_on_a_narrow_screen(make_page, width):
    page = _started(make_page, width)
    sideways = {}
    for path in [*(f"/step/{s}/" for s in STEPS), "/review/", "/import/", "/"]:
        page.goto(path)
        sideways[path] = page.evaluate(_SIDEWAYS)
    page.goto("/review/")
    page.locator("#save-actions button").click()
    page.wait_for_url("**/e/*/")
    owner = page.url
    sideways["owner"] = page.evaluate(_SIDEWAYS)
    page.locator("#share-link").click()
    sideways["share"] = page.evaluate(_SIDEWAYS)
    page.goto(owner.rstrip("/") + "/delete/")
    sideways["delete"] = page.evaluate(_SIDEWAYS)
    assert {k: v for k, v in sideways.items() if v > 0} == {}


def test_save_and_get_links_is_in_view_at_390_px(make_page):
    page = _started(make_page, 390)
    button = page.locator("#step-form").get_by_role("button", name="Save and get links")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def _example_plan(page: Page) -> dict:
    """The AWS example saved through the API (the API's answer)."""
    plan = json.loads((ROOT / "examples" / "v2-two-pool-aws.json").read_text())
    created = page.request.post(
        "/api/plans", data=json.dumps(plan), headers={"Content-Type": "application/json"}
    ).json()
    return created


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 768, 1024, 1440])
def test_screenshots_at_four_widths(make_page, shots, width, scheme):
    page = _started(make_page, width, color_scheme=scheme)
    created = _example_plan(page)
    owner = urlsplit(created["edit_url"]).path
    page.goto(owner)
    page.get_by_role("button", name="Edit in the wizard").click()
    page.wait_for_url("**/review/")
    for name, path in (("database", "/step/database/"), ("review", "/review/")):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(shots / f"{scheme}-{width}-{name}.png"))
    page.goto(owner)
    page.screenshot(path=str(shots / f"{scheme}-{width}-owner.png"))
    assert (shots / f"{scheme}-{width}-owner.png").stat().st_size > 0
    assert unexpected_errors(page.errors) == []
