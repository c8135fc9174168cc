"""Whole-wizard walks as a new user, one per example plan; downloads equal the engine's output."""

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import unexpected_errors
from tests.browser.walk import walk
from wizard.core import bundle, codec

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 900}


def _plan(name: str):
    return codec.from_dict(json.loads((ROOT / "examples" / f"{name}.json").read_text()))


def _download(page, href: str) -> bytes:
    with page.expect_download() as info:
        page.locator(f"a[href='{href}']").click()
    return Path(info.value.path()).read_bytes()


def _check_downloads(page, plan) -> None:
    assert page.locator("[data-code=downloads_blocked]").count() == 0
    for path, text in bundle.render_files(plan).items():
        assert _download(page, f"/download/{path}") == text.encode(), path
    data = _download(page, "/download/bundle.zip")
    assert data == bundle.render_zip(plan)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert json.loads(archive.read(f"polyaxon-{plan.release}/plan.json")) == codec.to_dict(plan)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_two_pool_aws_plan_walk_with_screenshots(make_page, scheme, tmp_path):
    # Tracked screenshots change only when asked: UPDATE_SCREENSHOTS=1.
    shots = (
        ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    )
    plan = _plan("v2-two-pool-aws")
    page = make_page(color_scheme=scheme, viewport=VIEWPORT)
    walk(page, plan, shots=str(shots / f"{scheme}"))
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / f"{scheme}-8-review.png"))
    _check_downloads(page, plan)
    assert unexpected_errors(page.errors) == []


def test_per_class_gke_plan_walk_with_tolerations(make_page):
    plan = _plan("v2-per-class-gke")
    page = make_page(viewport=VIEWPORT)
    walk(page, plan)
    assert page.locator("[data-recommendation=tainted_core][data-followed=yes]").count() == 1
    _check_downloads(page, plan)
    assert unexpected_errors(page.errors) == []


def test_legacy_06_plan_walk_without_javascript(make_page):
    plan = _plan("v06-legacy")
    page = make_page(java_script_enabled=False, viewport=VIEWPORT)
    walk(page, plan)
    _check_downloads(page, plan)
    assert unexpected_errors(page.errors) == []


def test_copy_buttons_show_only_with_javascript(make_page):
    page = make_page(viewport=VIEWPORT)
    page.goto("/review/")
    assert page.locator("button.copy").first.is_visible()
    no_js = make_page(java_script_enabled=False, viewport=VIEWPORT)
    no_js.goto("/review/")
    assert not no_js.locator("button.copy").first.is_visible()
    assert unexpected_errors(page.errors) == []


def test_live_preview_follows_typing_and_shows_findings_by_the_field(make_page):
    page = make_page(viewport=VIEWPORT)
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    page.goto("/step/database/")
    host = page.locator("#id_host")
    with page.expect_request("**/preview/database/") as sent:
        host.fill("pg.live.example.com")
    page.locator("#values-preview", has_text="pg.live.example.com").wait_for()
    # The form is sent as it is, its CSRF field included (as Django reads it from request.POST).
    assert "csrfmiddlewaretoken=" in (sent.value.post_data or "")
    host.fill("")
    page.locator("#msgs-host [data-code=db_host_missing]").wait_for()
    expect(host).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.activeElement.id") == "id_host"
    host.fill("db")
    page.locator("#msgs-host [data-code=db_host_missing]").wait_for(state="detached")
    expect(host).not_to_have_attribute("aria-invalid", "true")
    page.locator("#id_kind_1").check()  # in-cluster: the external group hides
    assert not host.is_visible()
    assert unexpected_errors(page.errors) == []


def test_live_preview_keeps_what_other_steps_saved(make_page):
    # A keystroke's preview applies only its own step to the plan the session kept at the last
    # save (wizard/state.py): what earlier steps saved, and a row added since, must stay in it.
    page = make_page(viewport={"width": 390, "height": 844})
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    page.goto("/step/database/")
    page.locator("#id_host").fill("pg.saved.example.com")
    page.locator("#step-form button.primary[name=next]").click()
    page.wait_for_url("**/step/components/")
    page.goto("/step/storage/")
    page.locator("#step-form button[name=add][value=data]").click()
    page.locator("#id_data-0-name").wait_for()
    with page.expect_response("**/preview/storage/") as answer:
        page.locator("#id_data-0-name").fill("datasets")
    assert answer.value.status == 200
    preview = page.locator("#values-preview")
    expect(preview).to_contain_text("datasets")
    expect(preview).to_contain_text("pg.saved.example.com")
    assert unexpected_errors(page.errors) == []


def test_a_credential_hidden_by_a_control_character_is_refused_and_not_kept(make_page):
    page = make_page(viewport=VIEWPORT)
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    page.goto("/step/database/")
    page.locator("#id_host").fill("postgres://polyaxon:hunter2\x1f@db.example.com/p")
    page.locator("#step-form button.primary[name=next]").click()
    page.locator("#msgs-host [data-code=secret_in_field]").wait_for()
    page.goto("/step/database/")  # what the session kept
    assert "hunter2" not in page.locator("#id_host").input_value()
    page.goto("/review/")
    assert "hunter2" not in page.content()
    assert unexpected_errors(page.errors) == []


def _audit(page) -> list:
    page.wait_for_load_state("networkidle")
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result]


def test_every_page_passes_axe(make_page):
    page = make_page(viewport=VIEWPORT)
    page.context.add_init_script(path=str(AXE))  # init scripts are not subject to the CSP
    page.goto("/")
    assert _audit(page) == []
    page.get_by_role("button", name="Start a new plan").click()
    problems = {}
    for slug in (
        "scheduling",
        "database",
        "components",
        "storage",
        "ssl",
        "security-context",
        "secrets",
    ):
        page.goto(f"/step/{slug}/")
        problems[slug] = _audit(page)
    # An error state: Next with a missing host keeps the page with errors by the field.
    page.goto("/step/database/")
    page.locator("#step-form button.primary[name=next]").click()
    page.locator("#msgs-host [data-code=db_host_missing]").wait_for()
    expect(page.locator("#step-findings .summary")).to_be_focused()
    problems["database-errors"] = _audit(page)
    page.goto("/review/")
    problems["review"] = _audit(page)
    page.goto("/download/values.yaml")
    problems["download-refused"] = _audit(page)
    page.goto("/nope/")
    problems["404"] = _audit(page)
    assert {k: v for k, v in problems.items() if v} == {}
    assert [e for e in unexpected_errors(page.errors) if "404" not in e and "409" not in e] == []


def test_a_csrf_failure_during_live_preview_is_told_in_the_page(make_page):
    page = make_page(viewport=VIEWPORT)
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    page.goto("/step/database/")
    page.context.clear_cookies()  # the CSRF cookie is gone: the next preview request is refused
    page.locator("#id_host").fill("db.example.com")
    problem = page.locator("#request-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("security token")
    csp = [e for e in page.errors if e.startswith("csp:")]
    assert csp == []
