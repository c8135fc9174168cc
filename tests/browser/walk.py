"""Drive the wizard like a new user: fill each step from a plan, through the real controls."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from wizard.forms import normalize_rows, row_count
from wizard.steps import STEPS

_ROW_GROUP = re.compile(r"(?P<group>.+)-(?P<row>\d+)-[a-z_]+\Z")


def desired_raw(plan, slug: str) -> dict[str, list[str]]:
    step = next(s for s in STEPS if s.slug == slug)
    return normalize_rows(step.form_class.raw_from_plan(plan))


def _controls(page: Page) -> list[dict]:
    return page.eval_on_selector_all(
        "#step-form input[name], #step-form select[name]",
        "els => els.filter(e => e.type !== 'hidden' && e.type !== 'submit')"
        ".map(e => ({name: e.name, type: e.type, value: e.value}))",
    )


def _row_groups(page: Page) -> set[str]:
    return set(
        page.eval_on_selector_all("#step-form button[name=add]", "els => els.map(e => e.value)")
    )


def _page_rows(page: Page, group: str) -> int:
    names = page.eval_on_selector_all("#step-form [name]", "els => els.map(e => e.name)")
    return row_count({n: [""] for n in names}, group)


def set_rows(page: Page, want: dict[str, list[str]], screenshot=None) -> None:
    for group in sorted(_row_groups(page)):
        target = row_count(want, group)
        if not page.locator(f"#step-form button[name=add][value='{group}']").is_visible():
            assert _page_rows(page, group) == target, f"hidden list {group} differs"
            continue
        while (n := _page_rows(page, group)) < target:
            page.locator(f"#step-form button[name=add][value='{group}']").click()
            expect(page.locator(f"#step-form [name^='{group}-{n}-']").first).to_be_attached()
        while (n := _page_rows(page, group)) > target:
            page.locator(f"#step-form button[name=remove][value='{group}-{n - 1}']").click()
            expect(page.locator(f"#step-form [name^='{group}-{n - 1}-']")).to_have_count(0)


def fill_step(page: Page, plan, slug: str) -> None:
    """Set every control of the step to the plan's value; hidden (irrelevant) ones must
    already hold it."""
    want = desired_raw(plan, slug)
    # Choices first: they decide which groups are shown.
    set_choices(page, want)
    set_rows(page, want)
    set_choices(page, want)
    for c in _controls(page):
        name, kind = c["name"], c["type"]
        if kind in ("radio", "checkbox") or kind.startswith("select"):
            continue
        value = want.get(name, [""])[-1]
        locator = page.locator(f"#step-form [name='{name}']")
        if locator.is_visible():
            if locator.input_value() != value:
                locator.fill(value)
        else:
            assert locator.input_value() == value, f"hidden {name} holds a different value"


def set_choices(page: Page, want: dict[str, list[str]]) -> None:
    for c in _controls(page):
        name, kind = c["name"], c["type"]
        value = want.get(name, [""])[-1]
        locator = page.locator(f"#step-form [name='{name}']")
        if kind == "radio":
            radio = page.locator(f"#step-form input[name='{name}'][value='{value}']")
            if radio.is_visible():
                radio.check()
        elif kind == "checkbox":
            if locator.is_visible():
                locator.set_checked(name in want)
        elif kind.startswith("select"):
            if locator.is_visible():
                locator.select_option(value)


def next_step(page: Page, expected_path: str) -> None:
    page.locator("#step-form button.primary[name=next]").click()
    page.wait_for_url(f"**{expected_path}")


def walk(page: Page, plan, shots: str | None = None) -> None:
    """From the start page to the review page, answering with `plan`."""
    page.goto("/")
    page.locator(f"input[name=target][value='{plan.target}']").check()
    page.get_by_role("button", name="Start a new plan").click()
    page.wait_for_url("**/step/scheduling/")
    for i, step in enumerate(STEPS):
        fill_step(page, plan, step.slug)
        if shots:
            page.wait_for_load_state("networkidle")
            page.screenshot(path=f"{shots}-{i + 1}-{step.slug}.png")
        after = STEPS[i + 1].slug if i + 1 < len(STEPS) else None
        next_step(page, f"/step/{after}/" if after else "/review/")
