"""Fuzz every door for 5xx (issue 12): the API (render, plans, revisions, import, any method),
the share pages' numbers (`?revision=`, `diff?a=`, forks), and forged wizard posts (unknown
choices, huge row indexes, hostile values) followed by every page and download that reads the
session. Each test counts its requests; `-s` prints the figures. Run it on PostgreSQL with
DATABASE_URL set for the second database."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.plans import example
from tests.strategies import hostile_text
from wizard import plans, steps
from wizard.core import codec
from wizard.state import WizardState

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SENT: Counter = Counter()
SERVER_ERRORS: Counter = Counter()

numbers = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["²", "١٢", "٣", "0", "-1", "1e3", " 1", "1 ", "9" * 4300, "9" * 5000, ""]),
    hostile_text,
)
choice_values = st.one_of(st.sampled_from(["bogus", "", "S3", "s3 ", "\x00", "²"]), hostile_text)
form_values = st.one_of(hostile_text, numbers, st.sampled_from(["a\x00b", "\x1b[31m", "%ED%A0%80"]))
# JSON may carry a lone surrogate as an escape; a form post cannot (the client encodes UTF-8).
text_values = st.one_of(form_values, st.just("\ud800"))


def _document() -> dict:
    return codec.to_dict(example("v2-two-pool-aws"))


@st.composite
def plan_documents(draw) -> bytes:
    """A valid plan document with one hostile change: an unknown enum, a control character or
    lone surrogate in a string, a huge number, a wrong type, or a secret in kept."""
    doc = _document()
    section = draw(st.sampled_from(["database", "tls", "storage", "components", "scheduling"]))
    change = draw(st.integers(0, 6))
    if change == 0:
        doc["storage"]["artifacts"]["kind"] = draw(choice_values)
    elif change == 1:
        doc["database"]["kind"] = draw(choice_values)
    elif change == 2:
        doc["tls"]["host"] = draw(text_values)
    elif change == 3:
        doc["database"]["port"] = draw(st.integers(-(2**80), 2**80))
    elif change == 4:
        doc[section] = draw(st.one_of(st.none(), st.integers(), hostile_text, st.just([])))
    elif change == 5:
        doc["kept"] = {draw(hostile_text): {"password": draw(hostile_text)}}
    else:
        doc["scheduling"]["core"]["labels"] = [{"key": draw(text_values), "value": "x"}] * draw(
            st.integers(0, 40)
        )
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


def send(client: Client, method: str, url: str, **kwargs):
    response = getattr(client, method)(url, **kwargs)
    SENT[method] += 1
    if response.status_code >= 500:
        SERVER_ERRORS[(method, url.split("?")[0][:40], response.status_code)] += 1
    return response


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(f"\nfuzz: {sum(SENT.values())} requests {dict(SENT)}, 5xx: {dict(SERVER_ERRORS)}")


@pytest.fixture
def quiet() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture
def saved(db):
    return plans.create(example("v2-two-pool-aws"))


@pytest.mark.django_db
@FUZZ
@given(body=plan_documents(), url=st.sampled_from(["/api/render", "/api/plans"]))
def test_the_api_answers_hostile_plans_with_4xx_json(quiet, body, url):
    response = send(quiet, "post", url, data=body, content_type="application/json")
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


@FUZZ
@given(body=plan_documents(), if_match=st.one_of(numbers.map(lambda n: f'"{n}"'), hostile_text))
def test_a_revision_put_answers_4xx_never_5xx(quiet, saved, body, if_match):
    response = send(
        quiet,
        "put",
        f"/api/plans/{saved.saved.share_id}",
        data=body,
        content_type="application/json",
        headers={"authorization": f"Bearer {saved.edit_key}", "if-match": if_match},
    )
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


@FUZZ
@given(number=numbers, which=st.sampled_from(["revision", "a", "b"]))
def test_revision_numbers_in_urls_never_5xx(quiet, saved, number, which):
    share = saved.saved.share_id
    if which == "revision":
        response = send(quiet, "get", f"/api/plans/{share}", data={"revision": number})
        assert response["Content-Type"].startswith("application/json")
    else:
        response = send(quiet, "get", f"/p/{share}/diff/", data={which: number})
    assert response.status_code < 500
    assert send(quiet, "post", f"/p/{share}/fork/", data={"revision": number}).status_code < 500


@pytest.mark.django_db
@FUZZ
@given(
    method=st.sampled_from(["get", "put", "delete", "patch", "head", "options"]),
    url=st.sampled_from(["/api/render", "/api/plans", "/api/import", "/api/nope", "/api/plans/x"]),
)
def test_every_api_method_answers_json(quiet, method, url):
    response = send(quiet, method, url)
    assert response.status_code < 500
    if method != "head":
        assert response["Content-Type"].startswith("application/json")


@pytest.fixture
def wizard(quiet, db) -> Client:
    quiet.post("/", {"target": "v2"})
    session = quiet.session
    WizardState(session).load_plan(example("v2-per-class-gke"))
    session.save()
    return quiet


@pytest.mark.parametrize("slug", steps.SLUGS)
@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_forged_step_posts_never_poison_a_page(wizard, slug, data):
    field = data.draw(
        st.sampled_from(
            ["artifacts-kind", "data-0-kind", "kind", "mode", "redis-kind", "issuer_kind", "target"]
        )
        | st.builds(
            lambda group, row, part: f"{group}-{row}-{part}",
            st.sampled_from(["core-labels", "data", "workloads-tolerations"]),
            st.sampled_from(["0", "9" * 4300, "9" * 40, "²", "١"]),
            st.sampled_from(["key", "kind", "value", "name"]),
        ),
        label="field",
    )
    value = data.draw(st.one_of(choice_values, form_values), label="value")
    post = {field: value}
    post.update(data.draw(st.sampled_from([{}, {"next": "1"}, {"add": "data"}]), label="action"))
    assert send(wizard, "post", f"/step/{slug}/", data=post).status_code < 500
    assert send(wizard, "post", f"/preview/{slug}/", data=post).status_code < 500
    for url in ("/review/", f"/step/{slug}/", "/download/values.yaml", "/download/RUNBOOK.md"):
        assert send(wizard, "get", url).status_code < 500, url
