"""The pool editor: a toleration's Value hides under the Exists operator (CSS, with or without JS)."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("js", [True, False])
def test_a_toleration_value_hides_when_the_operator_is_exists(make_page, js):
    page = make_page(java_script_enabled=js, viewport={"width": 1280, "height": 900})
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    page.locator("button[name=add][value='core-tolerations']").click()
    value = page.locator("[name='core-tolerations-0-value']")
    operator = page.locator("[name='core-tolerations-0-operator']")
    operator.select_option("Equal")
    expect(value).to_be_visible()
    operator.select_option("Exists")
    expect(value).to_be_hidden()


def test_a_label_key_input_fits_a_gke_node_pool_key(make_page):
    page = make_page(viewport={"width": 1280, "height": 900})
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    key = page.locator("[name='core-labels-0-key']")
    key.fill("cloud.google.com/gke-nodepool")
    assert key.evaluate("e => e.scrollWidth <= e.clientWidth")
