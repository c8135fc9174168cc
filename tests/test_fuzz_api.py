"""Fuzz: random and hostile bodies into every API endpoint. Never a 5xx, never slow, and nothing
half-saved (a refused request leaves the database exactly as it was)."""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.plans import example
from tests.strategies import hostile_text
from wizard import plans
from wizard.core import codec
from wizard.models import Revision, SavedPlan

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text
)
json_any = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=20,
)
plan_keys = [
    "target",
    "release",
    "namespace",
    "scheduling",
    "database",
    "components",
    "storage",
    "tls",
    "security",
    "secrets",
    "kept",
    "version",
]
plan_like = st.fixed_dictionaries({}, optional={k: json_any for k in plan_keys})
bodies = st.one_of(
    json_any.map(lambda v: json.dumps(v).encode()),
    plan_like.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"{",
            b"[" * 5000 + b"]" * 5000,
            b'{"version": 1e999}',
            b"\xff\xfe",
            b'{"a":' * 3000 + b"1" + b"}" * 3000,
        ]
    ),
)
content_types = st.sampled_from(
    ["application/json", "text/plain", "application/json; charset=utf-8", ""]
)


def snapshot():
    return (
        sorted(SavedPlan.objects.values_list("share_id", "latest_number")),
        Revision.objects.count(),
    )


def timed(call):
    start = time.perf_counter()
    response = call()
    return response, time.perf_counter() - start


@pytest.fixture
def saved(db):
    created = plans.create(example("v2-two-pool-aws"))
    return created


@pytest.mark.django_db
@FUZZ
@given(body=bodies, ctype=content_types)
def test_render_never_fails_or_lingers(client, body, ctype):
    response, seconds = timed(lambda: client.post("/api/render", data=body, content_type=ctype))
    assert response.status_code < 500 and seconds < 1.0
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@FUZZ
@given(body=bodies, ctype=content_types)
def test_create_saves_exactly_when_it_says_201(client, body, ctype):
    before = snapshot()
    response, seconds = timed(lambda: client.post("/api/plans", data=body, content_type=ctype))
    assert response.status_code < 500 and seconds < 1.0
    after = snapshot()
    if response.status_code == 201:
        assert after[1] == before[1] + 1
    else:
        assert after == before


@pytest.mark.django_db
@FUZZ
@given(
    body=bodies,
    ctype=content_types,
    revision=st.one_of(st.just("1"), hostile_text),
    auth=st.booleans(),
)
def test_put_changes_nothing_unless_it_says_200(client, saved, body, ctype, revision, auth):
    before = snapshot()
    headers = {"HTTP_IF_MATCH": revision}
    if auth:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {saved.edit_key}"
    response, seconds = timed(
        lambda: client.put(
            f"/api/plans/{saved.saved.share_id}", data=body, content_type=ctype, **headers
        )
    )
    assert response.status_code < 500 and seconds < 1.0
    if response.status_code != 200:
        assert snapshot() == before


@pytest.mark.django_db
@FUZZ
@given(path=hostile_text)
def test_any_plan_id_is_a_clean_404(client, path):
    response = client.get(
        "/api/plans/" + path.replace("/", "_").replace("?", "_").replace("#", "_")
    )
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_plan_codec_is_what_the_api_round_trips(client, db):
    plan = example("v2-per-class-gke")
    created = client.post(
        "/api/plans", data=json.dumps(codec.to_dict(plan)), content_type="application/json"
    ).json()
    got = client.get(f"/api/plans/{created['id']}").json()
    assert codec.from_dict(got["plan"]) == plan
