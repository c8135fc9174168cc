"""The affinity editor in a real browser: a required node affinity expression added with and
without JavaScript shows up in the values preview."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import unexpected_errors


@pytest.mark.parametrize("js", [True, False])
def test_a_required_expression_reaches_the_values_preview(make_page, js):
    page = make_page(java_script_enabled=js, viewport={"width": 1280, "height": 900})
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    page.locator("#id_core-affinity > summary").click()
    page.locator("button[name=add][value='core-affinity-required']").click()
    page.locator("[name='core-affinity-required-0-key']").fill("topology.kubernetes.io/zone")
    page.locator("[name='core-affinity-required-0-operator']").select_option("In")
    page.locator("[name='core-affinity-required-0-values']").fill("eu-west-1a, eu-west-1b")
    preview = page.locator("#values-preview")
    if not js:
        # Without JavaScript the preview follows the saved answers: any button saves them.
        page.locator("button[name=add][value='core-labels']").click()
        expect(page.locator("#id_core-affinity")).to_have_attribute("open", "")
    expect(preview).to_contain_text("requiredDuringSchedulingIgnoredDuringExecution")
    expect(preview).to_contain_text('"eu-west-1b"')
    expect(preview).to_contain_text("podAffinity: null")
    assert unexpected_errors(page.errors) == []
