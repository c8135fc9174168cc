"""Fuzz: random and hostile values into every field of every wizard form, with and without htmx.
Never a 5xx, every answer within a second, and a step post never touches another step's data."""

import copy
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.plans import example
from tests.strategies import hostile_text
from wizard import steps
from wizard.state import WizardState

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAME = re.compile(r'name="([^"]+)"')
values = st.one_of(
    hostile_text,
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["", "on", "-1", "1e309", "NaN", "\x00", "9" * 5000]),
)
actions = st.sampled_from(
    [{}, {"next": "1"}, {"back": "1"}, {"save": "1"}, {"goto": "review"}, {"goto": "x"}]
)
row_actions = st.builds(
    lambda verb, arg: {verb: arg}, st.sampled_from(["add", "remove"]), hostile_text
)


@pytest.fixture
def wizard_client(client, db):
    client.post("/", {"target": "v2"})
    session = client.session
    WizardState(session).load_plan(example("v2-per-class-gke"))
    session.save()
    return client


def field_names(client, slug: str) -> list[str]:
    html = client.get(f"/step/{slug}/").content.decode()
    return sorted(set(NAME.findall(html)) - {"csrfmiddlewaretoken"})


def other_steps(client, slug: str) -> dict:
    stored = copy.deepcopy(client.session.get("wizard", {}).get("steps", {}))
    stored.pop(slug, None)
    return stored


@pytest.fixture
def names(wizard_client, slug):
    """The step's field names as first served (fixed for the whole test: hypothesis needs that)."""
    return field_names(wizard_client, slug)


@pytest.mark.parametrize("slug", steps.SLUGS)
@FUZZ
@given(data=st.data())
def test_step_posts_never_fail_and_touch_only_their_step(wizard_client, slug, names, data):
    post = {
        name: data.draw(st.one_of(values, st.lists(values, max_size=3)), label=name)
        for name in data.draw(st.lists(st.sampled_from(names), unique=True), label="fields")
    }
    post.update(data.draw(st.dictionaries(hostile_text, values, max_size=3), label="extra"))
    post.update(data.draw(st.one_of(actions, row_actions), label="action"))
    htmx = data.draw(st.booleans(), label="htmx")
    before = other_steps(wizard_client, slug)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = wizard_client.post(f"/step/{slug}/", post, **headers)
    assert response.status_code < 500
    assert other_steps(wizard_client, slug) == before


@pytest.mark.parametrize("slug", steps.SLUGS)
@FUZZ
@given(
    post=st.dictionaries(
        st.one_of(
            hostile_text, st.sampled_from(["host", "port", "kind", "labels-0-key", "mode", "uid"])
        ),
        st.one_of(values, st.lists(values, max_size=3)),
        max_size=8,
    )
)
def test_preview_never_fails_and_never_writes(wizard_client, slug, post):
    session_before = copy.deepcopy(dict(wizard_client.session.items()))
    response = wizard_client.post(f"/preview/{slug}/", post, HTTP_HX_REQUEST="true")
    assert response.status_code < 500
    assert dict(wizard_client.session.items()) == session_before


@FUZZ
@given(target=values)
def test_start_form_refuses_unknown_targets_cleanly(client, db, target):
    response = client.post("/", {"target": target})
    assert response.status_code in (200, 302, 400)
