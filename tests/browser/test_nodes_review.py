"""In Chromium: paste a cluster's nodes on the review, see the grid and the finding, fix the plan's
label on the scheduling step, come back and watch the finding go; axe on the review with the grid."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import unexpected_errors

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
GKE_NODES = (ROOT / "examples" / "inventories" / "gke.nodes.json").read_text()


@pytest.fixture
def shots(tmp_path) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        return ROOT / "docs" / "screenshots"
    return tmp_path


def _open_gke_plan(page) -> None:
    plan = json.loads((ROOT / "examples" / "v2-per-class-gke.json").read_text())
    created = page.request.post(
        "/api/plans", data=json.dumps(plan), headers={"Content-Type": "application/json"}
    ).json()
    page.goto(urlsplit(created["edit_url"]).path)
    page.get_by_role("button", name="Edit in the wizard").click()
    page.wait_for_url("**/review/")


def _audit(page) -> list:
    page.wait_for_load_state("networkidle")
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result]


def test_paste_nodes_see_the_grid_fix_the_label_and_the_finding_goes(make_page, shots):
    page = make_page(viewport={"width": 1280, "height": 900})
    page.context.add_init_script(path=str(AXE))
    _open_gke_plan(page)
    findings = page.locator("#findings")
    expect(findings.locator('[data-code="class_lands_nowhere"]')).to_have_count(0)

    page.locator("#id_text").fill('{"kind": "List", "items": []}')
    page.get_by_role("button", name="Check the plan against these nodes").click()
    expect(page.locator("#id_text_error [data-code='nodes_invalid']")).to_be_visible()
    assert _audit(page) == []  # the error state

    page.locator("#id_text").fill(GKE_NODES)
    page.get_by_role("button", name="Check the plan against these nodes").click()
    page.wait_for_url("**/review/#placement")
    grid = page.get_by_role("table", name="Nodes (rows) × pods of the plan (columns)")
    expect(grid).to_be_visible()
    expect(grid.locator("tbody tr[data-node]")).to_have_count(10)
    builds = page.locator('.nowhere [data-workload="runs:builds"]')
    expect(builds).to_contain_text("polyaxon.com/pool=builds")
    expect(findings.locator('[data-code="class_lands_nowhere"]')).to_have_count(1)
    expect(grid.locator('tfoot [data-workload="runs:builds"]')).to_have_text("0")
    assert _audit(page) == []
    page.set_viewport_size({"width": 1600, "height": 900})
    page.locator("#placement").screenshot(path=str(shots / "light-1600-review-nodes.png"))
    page.set_viewport_size({"width": 390, "height": 800})  # the grid scrolls, not the page
    sideways = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(sideways) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/step/scheduling/")
    # builds share the untainted cpu pool with jobs (a taint there would keep jobs off it)
    page.locator("[name='builds-labels-0-value']").fill("cpu")
    page.locator("[name='builds-taint']").uncheck()
    page.get_by_role("button", name="Next: Database →").click()
    page.wait_for_url("**/step/database/")
    page.goto("/review/")
    expect(findings.locator('[data-code="class_lands_nowhere"]')).to_have_count(0)
    expect(page.locator('[data-nowhere="none"]')).to_be_visible()
    # builds now share a column with jobs (same scheduling): the cpu nodes
    expect(grid.locator('tfoot [data-workload*="builds"]')).to_have_text("2")

    page.get_by_role("button", name="Forget the nodes").click()
    page.wait_for_url("**/review/#nodes")
    expect(page.locator("#placement")).to_have_count(0)
    assert [e for e in unexpected_errors(page.errors) if "400" not in e] == []


def test_a_bad_inventory_shows_its_path_next_to_the_field_without_javascript(make_page):
    page = make_page(java_script_enabled=False, viewport={"width": 1024, "height": 800})
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    page.goto("/review/")
    page.locator("#id_text").fill('{"kind": "List", "items": [{"metadata": {"name": 7}}]}')
    page.get_by_role("button", name="Check the plan against these nodes").click()
    error = page.locator("#id_text_error [data-code='nodes_invalid']")
    expect(error).to_have_attribute("data-path", "items[0].metadata.name")
    expect(page.locator("#id_text")).to_have_attribute("aria-invalid", "true")
