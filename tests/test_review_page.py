"""The review page tells the truth: readiness follows the findings and the visited steps."""

import re

import pytest

from wizard.core.checks import check
from wizard.state import WizardState

pytestmark = pytest.mark.django_db


def _fresh_review(client):
    client.post("/", {"target": "v2"})
    return client.get("/review/")


def _error_codes(client) -> list[str]:
    plan = WizardState(client.session).build_plan()
    return sorted(f.code for f in check(plan) if f.severity == "error")


def test_a_fresh_plan_follows_nothing_on_steps_not_yet_visited(client):
    response = _fresh_review(client)
    items = response.context["readiness"].items
    assert [i.code for i in items if i.followed] == []
    assert {i.reason for i in items} <= {"unvisited", "errors", ""}


def test_the_top_of_the_review_lists_every_error_that_blocks_downloads(client):
    response = _fresh_review(client)
    errors = _error_codes(client)
    assert errors, "a fresh plan has errors to fix"
    top = re.search(rb'<div id="blocking-errors".*?</div>', response.content, re.S).group(0)
    assert sorted(re.findall(rb'data-code="([a-z_]+)"', top)) == [e.encode() for e in errors]
    assert response.context["readiness"].errors == len(errors)


def test_an_unvisited_step_with_errors_shows_its_badge_on_the_review(client):
    response = _fresh_review(client)
    nav = {item.slug: item for item in response.context["nav"]}
    erring = {
        f.step for f in check(WizardState(client.session).build_plan()) if f.severity == "error"
    }
    assert erring and all(nav[slug].status == "error" for slug in erring)
