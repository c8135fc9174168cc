"""The affinity editor in the scheduling step: rows without JavaScript, with htmx, findings on
the rows, and an imported affinity surviving a save of the step."""

from dataclasses import replace

import pytest

from tests.web.conftest import example, load, slot_codes, state_of, step_post
from wizard.core.plan import (
    Affinity,
    Label,
    MatchExpression,
    NodeSelectorTerm,
    PreferredTerm,
    SpreadTerm,
)

pytestmark = pytest.mark.django_db


def test_add_required_expression_without_js_adds_a_row_with_in_and_term_one(v2):
    response = step_post(v2, "scheduling", {}, "add", value="core-affinity-required")
    assert response.status_code == 302
    assert response.url == "/step/scheduling/#id_core-affinity-required-0-key"
    html = v2.get("/step/scheduling/").content.decode()
    assert 'name="core-affinity-required-0-operator"' in html
    raw = state_of(v2).raw("scheduling")
    assert raw["core-affinity-required-0-operator"] == ["In"] and raw[
        "core-affinity-required-0-term"
    ] == ["1"]


def test_rows_with_the_same_term_number_form_one_term(v2):
    data = {
        "core-affinity-required-0-key": "topology.kubernetes.io/zone",
        "core-affinity-required-0-operator": "In",
        "core-affinity-required-0-values": "eu-west-1a, eu-west-1b",
        "core-affinity-required-0-term": "1",
        "core-affinity-required-1-key": "gpu",
        "core-affinity-required-1-operator": "DoesNotExist",
        "core-affinity-required-1-values": "",
        "core-affinity-required-1-term": "1",
        "core-affinity-required-2-key": "spot",
        "core-affinity-required-2-operator": "Exists",
        "core-affinity-required-2-values": "",
        "core-affinity-required-2-term": "2",
    }
    step_post(v2, "scheduling", data, "add", value="core-labels")
    required = state_of(v2).build_plan().scheduling.core.affinity.required
    assert [len(t.expressions) for t in required] == [2, 1]
    assert required[0].expressions[0].values == ("eu-west-1a", "eu-west-1b")


def test_add_preferred_expression_with_htmx_returns_the_row_focused(v2):
    response = step_post(
        v2, "scheduling", {}, "add", value="workloads-affinity-preferred", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'name="workloads-affinity-preferred-0-weight"' in html
    assert "autofocus" in html.split('name="workloads-affinity-preferred-0-key"')[1].split(">")[0]


def test_a_spread_row_is_refused_on_a_workload_pool(v2):
    step_post(v2, "scheduling", {}, "add", value="workloads-affinity-spread")
    assert not any("spread" in k for k in state_of(v2).raw("scheduling"))


def test_an_in_expression_without_values_shows_its_finding_on_its_values_field(v2):
    data = {
        "core-affinity-required-0-key": "disktype",
        "core-affinity-required-0-operator": "In",
        "core-affinity-required-0-values": "",
        "core-affinity-required-0-term": "1",
    }
    html = step_post(v2, "scheduling", data).content.decode()
    assert "affinity_values_missing" in slot_codes(html, "core-affinity-required-0-values")


def test_a_finding_lands_on_the_row_of_its_term_not_the_plan_index(v2):
    data = {
        "core-affinity-preferred-0-key": "zone",
        "core-affinity-preferred-0-operator": "Exists",
        "core-affinity-preferred-0-values": "",
        "core-affinity-preferred-0-weight": "10",
        "core-affinity-preferred-0-term": "1",
        "core-affinity-preferred-1-key": "ssd",
        "core-affinity-preferred-1-operator": "Exists",
        "core-affinity-preferred-1-values": "",
        "core-affinity-preferred-1-weight": "10",
        "core-affinity-preferred-1-term": "2",
        "core-affinity-preferred-2-key": "gpu",
        "core-affinity-preferred-2-operator": "Gt",
        "core-affinity-preferred-2-values": "many",
        "core-affinity-preferred-2-weight": "10",
        "core-affinity-preferred-2-term": "1",
    }
    html = step_post(v2, "scheduling", data).content.decode()
    assert "affinity_value_not_integer" in slot_codes(html, "core-affinity-preferred-2-values")


def test_an_imported_affinity_survives_saving_the_step(client):
    plan = example("v2-two-pool-aws")
    affinity = Affinity(
        required=(
            NodeSelectorTerm(
                (MatchExpression("zone", "In", ("a", "b")), MatchExpression("gpu", "Exists"))
            ),
            NodeSelectorTerm((MatchExpression("cores", "Gt", ("8",)),)),
        ),
        preferred=(PreferredTerm(30, NodeSelectorTerm((MatchExpression("ssd", "Exists"),))),),
        spread=(
            SpreadTerm(
                40,
                "topology.kubernetes.io/zone",
                (Label("app.kubernetes.io/part-of", "polyaxon-core"),),
            ),
        ),
    )
    plan = replace(
        plan,
        scheduling=replace(plan.scheduling, core=replace(plan.scheduling.core, affinity=affinity)),
    )
    load(client, plan)
    step_post(client, "scheduling", {}, "next")
    assert state_of(client).build_plan().scheduling.core.affinity == affinity
