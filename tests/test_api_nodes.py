"""/api/render with a node inventory: placement findings and the placement, nothing kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from wizard.core import bundle, codec, inventory
from wizard.models import Revision, SavedPlan

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def plan_dict(name: str = "examples/v2-per-class-gke.json") -> dict:
    return json.loads((ROOT / name).read_text())


def gke_nodes() -> dict:
    return json.loads((ROOT / "examples/inventories/gke.nodes.json").read_text())


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


def render(api: Client, data: object):
    return api.post("/api/render", json.dumps(data), content_type="application/json")


def test_render_with_nodes_adds_placement_findings_and_the_placement(api):
    response = render(api, {**plan_dict(), "nodes": gke_nodes()})
    assert response.status_code == 200
    body = response.json()
    assert "class_lands_nowhere" in {f["code"] for f in body["findings"]}
    gateway = next(w for w in body["placement"] if w["key"] == "gateway")
    assert len(gateway["nodes"]) == 3


def test_nodes_may_be_sent_as_yaml_text(api):
    text = (ROOT / "examples/inventories/bare-metal.nodes.yaml").read_text()
    response = render(api, {**plan_dict("examples/v06-legacy.json"), "nodes": text})
    assert response.status_code == 200
    assert "nodes_unused" in {f["code"] for f in response.json()["findings"]}


def test_render_without_nodes_has_no_placement(api):
    assert "placement" not in render(api, plan_dict()).json()


def test_a_malformed_inventory_is_400_with_its_path(api):
    nodes = {
        "kind": "List",
        "items": [{"metadata": {"name": "a"}, "spec": {"unschedulable": "no"}}],
    }
    response = render(api, {**plan_dict(), "nodes": nodes})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_nodes" and body["path"] == "items[0].spec.unschedulable"


def test_invalid_yaml_nodes_text_is_400_with_its_line(api):
    response = render(api, {**plan_dict(), "nodes": "items:\n  - [unclosed\n"})
    assert response.status_code == 400
    assert response.json()["line"] >= 2


def test_a_core_component_that_lands_nowhere_is_a_warning_not_a_422(api):
    nodes = {
        "kind": "List",
        "items": [
            {
                "metadata": {"name": "w1", "labels": {"x": "y"}},
                "status": {"conditions": [{"type": "Ready", "status": "True"}]},
            }
        ],
    }
    response = render(api, {**plan_dict(), "nodes": nodes})
    assert response.status_code == 200
    found = [f for f in response.json()["findings"] if f["code"] == "component_lands_nowhere"]
    assert found and {f["severity"] for f in found} == {"warning"}


def test_a_saved_plan_refuses_a_nodes_key_so_no_inventory_is_stored(api):
    response = api.post(
        "/api/plans",
        json.dumps({**plan_dict(), "nodes": gke_nodes()}),
        content_type="application/json",
    )
    assert response.status_code in (400, 413)
    assert SavedPlan.objects.count() == 0 and Revision.objects.count() == 0


def test_render_does_not_write_the_database(api):
    render(api, {**plan_dict(), "nodes": gke_nodes()})
    assert SavedPlan.objects.count() == 0


def test_render_with_nodes_gives_the_runbook_with_the_real_nodes(api):
    text = (ROOT / "examples/inventories/bare-metal.nodes.yaml").read_text()
    data = plan_dict("examples/v06-legacy.json")
    body = render(api, {**data, "nodes": text}).json()
    expected = bundle.render_files(codec.from_dict(data), inventory.parse_inventory(text))
    assert body["runbook_md"] == expected[bundle.RUNBOOK_FILE]
    assert "srv-build-01.lab.acme.internal" in body["runbook_md"]
