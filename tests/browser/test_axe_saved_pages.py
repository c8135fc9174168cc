"""axe-core on the pages of saved plans and the import page, including their error states."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from tests.browser.conftest import unexpected_errors

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _audit(page) -> list:
    page.wait_for_load_state("networkidle")
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result]


def test_saved_plan_and_import_pages_pass_axe(make_page):
    page = make_page(viewport={"width": 1280, "height": 900})
    page.context.add_init_script(path=str(AXE))
    plan = json.loads((ROOT / "examples" / "v2-two-pool-aws.json").read_text())
    created = page.request.post(
        "/api/plans", data=json.dumps(plan), headers={"Content-Type": "application/json"}
    ).json()
    owner = urlsplit(created["edit_url"]).path
    problems = {}
    for name, path in (("owner", owner), ("delete-confirm", owner + "delete/")):
        page.goto(path)
        problems[name] = _audit(page)
    # A second revision, saved from the wizard: history and diff have something to show.
    page.goto(owner)
    page.get_by_role("button", name="Edit in the wizard").click()
    page.goto("/step/database/")
    page.locator("#id_host").fill("pg2.example.com")
    page.locator("#step-form").get_by_role("button", name="Save and get links").click()
    page.wait_for_url("**/r/2/")
    problems["shared"] = _audit(page)
    share = urlsplit(page.url).path.rsplit("r/", 1)[0]
    page.goto(share + "history/")
    problems["history"] = _audit(page)
    page.goto(share + "diff/?a=1&b=2")
    problems["diff"] = _audit(page)
    # A conflict: another browser saves revision 3 first.
    other = make_page()
    other.goto(owner)
    other.get_by_role("button", name="Edit in the wizard").click()
    other.wait_for_url("**/review/")
    other.locator("#save-actions button").click()
    other.wait_for_url("**/r/3/")
    page.goto("/review/")
    page.locator("#save-actions button").click()
    page.get_by_role("heading", name="The plan changed while you were editing").wait_for()
    problems["conflict"] = _audit(page)
    page.goto("/review/")
    problems["review-with-saved-plan"] = _audit(page)
    page.goto("/import/")
    problems["import"] = _audit(page)
    page.locator("#id_text").fill("a:\n\tb: 1\n")
    page.get_by_role("button", name="Import").click()
    page.locator("#error-summary").wait_for()
    problems["import-error"] = _audit(page)
    page.goto(owner + "delete/")
    page.get_by_role("button", name="Delete the plan for good").click()
    page.get_by_role("heading", name="Plan deleted").wait_for()
    problems["deleted"] = _audit(page)
    assert {k: v for k, v in problems.items() if v} == {}
    assert [e for e in unexpected_errors(page.errors) if "409" not in e and "400" not in e] == []
