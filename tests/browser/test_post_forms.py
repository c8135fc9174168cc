"""Every POST form of the app, in Chromium, on Django's live server and on gunicorn in production
settings over HTTPS. A real browser sends Origin and Referer (the test client does not), so these
are the tests that see a CSRF refusal: none of them may answer 403."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
EDIT_URL = re.compile(r".*/e/[^/]+/$")


def refused(page: Page) -> list:
    return [(path, status) for path, status in page.posts if status == 403]


def start(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    page.wait_for_url("**/step/scheduling/")


def save_plan(page: Page) -> str:
    """Start a plan, save it from the review page; the owner page's path."""
    start(page)
    page.goto("/review/")
    page.locator("#save-actions").get_by_role("button", name="Save and get links").click()
    page.wait_for_url(EDIT_URL)
    return owner_path(page)


def owner_path(page: Page) -> str:
    return "/" + page.url.split("/", 3)[-1]


def test_start_next_back_and_step_list_are_accepted(site_page):
    page = site_page()
    start(page)
    page.locator("#step-form button.primary[name=next]").click()
    page.wait_for_url("**/step/database/")
    page.locator("#step-nav").get_by_role("button", name="Storage").click()
    page.wait_for_url("**/step/storage/")
    page.locator("#step-form button[name=back]").click()
    page.wait_for_url("**/step/components/")
    assert page.posts and refused(page) == []


def test_enter_in_a_text_field_means_next(site_page):
    page = site_page()
    start(page)
    page.goto("/step/database/")
    page.locator("#id_host").fill("pg.example.com")
    page.locator("#id_host").press("Enter")
    page.wait_for_url("**/step/components/")
    assert refused(page) == []


def test_enter_in_a_text_field_without_javascript_means_next(site_page):
    page = site_page(java_script_enabled=False)
    start(page)
    page.goto("/step/database/")
    page.locator("#id_host").fill("pg.example.com")
    page.locator("#id_host").press("Enter")
    page.wait_for_url("**/step/components/")
    assert refused(page) == []


def test_adding_and_removing_rows_is_accepted(site_page):
    page = site_page()
    start(page)
    add = page.locator("#step-form button[name=add]").first
    group = add.get_attribute("value")
    before = page.locator(f"#step-form [name^='{group}-'][name$='-key']").count()
    add.click()
    expect(page.locator(f"#step-form [name^='{group}-'][name$='-key']")).to_have_count(before + 1)
    page.locator(f"#step-form button[name=remove][value='{group}-{before}']").click()
    expect(page.locator(f"#step-form [name^='{group}-'][name$='-key']")).to_have_count(before)
    assert page.posts and refused(page) == []


def test_live_preview_is_accepted(site_page):
    page = site_page()
    start(page)
    page.goto("/step/database/")
    with page.expect_response("**/preview/database/") as answer:
        page.locator("#id_host").fill("pg.live.example.com")
    assert answer.value.status == 200
    expect(page.locator("#values-preview")).to_contain_text("pg.live.example.com")
    assert refused(page) == []


def test_save_from_a_step_gives_the_owner_page(site_page):
    page = site_page()
    start(page)
    page.locator("#step-form").get_by_role("button", name="Save and get links").click()
    page.wait_for_url(EDIT_URL)
    assert page.posts and refused(page) == []


def test_save_from_the_review_gives_the_owner_page(site_page):
    page = site_page()
    save_plan(page)
    expect(page.locator("#edit-link")).to_contain_text("/e/")
    assert refused(page) == []


def test_edit_in_the_wizard_from_the_owner_page_is_accepted(site_page):
    page = site_page()
    save_plan(page)
    page.get_by_role("button", name="Edit in the wizard").click()
    page.wait_for_url("**/review/")
    assert refused(page) == []


def test_a_new_share_link_from_the_owner_page_is_accepted(site_page):
    page = site_page()
    save_plan(page)
    old = page.locator("#share-link").get_attribute("href")
    page.get_by_role("button", name="New share link").click()
    page.wait_for_url(EDIT_URL)
    assert page.locator("#share-link").get_attribute("href") != old
    assert refused(page) == []


def test_delete_asks_first_then_deletes(site_page):
    page = site_page()
    save_plan(page)
    owner = page.url
    page.get_by_role("link", name="Delete this plan…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete")
    page.get_by_role("button", name="Delete the plan for good").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan deleted")
    assert page.goto(owner).status == 404
    assert page.posts and refused(page) == []


def test_a_copy_from_the_share_page_is_accepted(site_page):
    page = site_page()
    save_plan(page)
    owner = page.url
    page.locator("#share-link").click()
    page.get_by_role("button", name="Make my own copy").click()
    page.wait_for_url(EDIT_URL)
    assert page.url != owner
    assert refused(page) == []


def _edit_and_save(page: Page, host: str | None = None) -> None:
    if host is not None:
        page.goto("/step/database/")
        page.locator("#id_host").fill(host)
        page.locator("#step-form").get_by_role("button", name="Save and get links").click()
    else:
        page.locator("#save-actions button").click()


def _conflict(site_page, theirs_host=None, my_host=None) -> Page:
    """Two browsers open one saved plan; the second saves first: the first sees the conflict."""
    mine = site_page()
    save_plan(mine)
    owner = mine.url
    mine.get_by_role("button", name="Edit in the wizard").click()
    mine.wait_for_url("**/review/")
    theirs = site_page()
    theirs.goto(owner)
    theirs.get_by_role("button", name="Edit in the wizard").click()
    theirs.wait_for_url("**/review/")
    _edit_and_save(theirs, theirs_host)
    theirs.wait_for_url("**/r/2/")
    assert refused(theirs) == []
    _edit_and_save(mine, my_host)
    expect(mine.get_by_role("heading", level=1)).to_contain_text("changed while you were editing")
    return mine


def test_keep_mine_on_the_conflict_page_is_accepted(site_page):
    page = _conflict(site_page)
    page.locator("#conflict-actions form[action$='/keep-mine/'] button").click()
    page.wait_for_url("**/r/3/")
    assert refused(page) == []


def test_saving_both_from_the_conflict_page_is_accepted(site_page):
    page = _conflict(site_page)
    page.get_by_role("button", name="Save both as revision 3").click()
    page.wait_for_url("**/r/3/")
    assert refused(page) == []


def test_a_field_both_changed_is_chosen_on_the_conflict_page(site_page):
    page = _conflict(site_page, theirs_host="theirs.example.com", my_host="mine.example.com")
    page.get_by_label("Theirs:").check()
    page.get_by_role("button", name="Save both as revision 3").click()
    page.wait_for_url("**/r/3/")
    expect(page.locator("main")).to_contain_text("theirs.example.com")
    assert refused(page) == []


def test_start_from_the_latest_on_the_conflict_page_is_accepted(site_page):
    page = _conflict(site_page)
    page.locator("#conflict-actions form[action$='/take-latest/'] button").click()
    page.wait_for_url("**/review/")
    assert refused(page) == []


def test_import_is_accepted(site_page):
    page = site_page()
    page.goto("/import/")
    page.locator("#id_file").set_input_files(str(GOLDEN / "v2-two-pool-aws.values.yaml"))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/review/")
    assert page.posts and refused(page) == []


def test_an_import_error_is_summarised_and_focused(site_page):
    page = site_page()
    page.goto("/import/")
    page.locator("#id_text").fill("a:\n\tb: 1\n")
    page.get_by_role("button", name="Import").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("tab")
    described = page.locator("#id_text").get_attribute("aria-describedby")
    assert described and all(page.locator(f"#{i}").count() == 1 for i in described.split())
    assert page.posts == [("import/", 400)]


def test_uploading_and_forgetting_the_nodes_on_the_review_is_accepted(site_page):
    page = site_page()
    start(page)
    page.goto("/review/")
    nodes = GOLDEN.parent.parent / "examples" / "inventories" / "bare-metal.nodes.yaml"
    page.locator("#id_file").set_input_files(str(nodes))
    page.get_by_role("button", name="Check the plan against these nodes").click()
    page.wait_for_url("**/review/#placement")
    page.get_by_role("button", name="Forget the nodes").click()
    page.wait_for_url("**/review/#nodes")
    assert [p for p in page.posts if p[0] == "review/nodes/"] == [("review/nodes/", 302)] * 2
    assert refused(page) == []


def test_the_production_logs_never_record_an_edit_key(browser, https_server):
    context = browser.new_context(base_url=https_server.url, ignore_https_errors=True)
    page = context.new_page()
    page.posts = []
    key = save_plan(page).split("/")[2]
    page.get_by_role("button", name="New share link").click()
    page.wait_for_url(EDIT_URL)
    page.goto(f"/e/{key}/nope/")  # a 404 under the key
    context.close()
    logs = https_server.logs()
    assert '"POST" 302' in logs  # the access log is written, without paths
    assert key not in logs
