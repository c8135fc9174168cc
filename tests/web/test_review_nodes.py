"""The review's node inventory: paste or upload, errors at their path, the session keeps only the
trimmed document, forget, the grid and placement findings, downloads with real nodes, and saved
or shared plans never carry or show the nodes."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.conftest import example, load
from wizard.core import bundle, inventory
from wizard.models import Revision
from wizard.state import NODES_KEY, WizardState

pytestmark = pytest.mark.django_db
INVENTORIES = Path(__file__).resolve().parents[2] / "examples" / "inventories"
GKE = (INVENTORIES / "gke.nodes.json").read_text()
BARE_METAL = (INVENTORIES / "bare-metal.nodes.yaml").read_bytes()
BAD_EFFECT = (
    '{"kind": "List", "items": [{"kind": "Node", "metadata": {"name": "n1"},'
    ' "spec": {"taints": [{"key": "k", "effect": "Sometimes"}]}}]}'
)


def codes(html: str) -> set[str]:
    return set(re.findall(r'data-code="([^"]+)"', html))


def field_errors(html: str, field: str) -> list[tuple[str, str]]:
    """(code, path) of each error shown next to the field."""
    m = re.search(rf'<div class="field-msgs" id="id_{field}_error">(.*?)</div>', html, re.S)
    assert m, f"no errors next to {field}"
    return re.findall(r'data-code="([^"]+)"(?: data-path="([^"]*)")?', m.group(1))


@pytest.fixture
def gke(client):
    load(client, example("v2-per-class-gke"))
    return client


def test_pasted_nodes_are_kept_as_the_trimmed_document_not_the_text(gke):
    response = gke.post("/review/nodes/", {"text": GKE})
    assert response.status_code == 302 and response["Location"] == "/review/#placement"
    kept = gke.session[NODES_KEY]
    assert kept == inventory.to_document(inventory.parse_inventory(GKE))
    assert "providerID" in GKE and "providerID" not in str(dict(gke.session.items()))


def test_an_uploaded_yaml_file_is_read_like_pasted_text(client):
    load(client, example("v06-legacy"))
    upload = SimpleUploadedFile("nodes.yaml", BARE_METAL, content_type="application/yaml")
    assert client.post("/review/nodes/", {"file": upload}).status_code == 302
    assert WizardState(client.session).nodes == inventory.parse_inventory(BARE_METAL)


def test_a_bad_inventory_is_an_error_next_to_the_field_with_its_path(gke):
    response = gke.post("/review/nodes/", {"text": BAD_EFFECT})
    html = response.content.decode()
    assert response.status_code == 400
    assert field_errors(html, "text") == [("nodes_invalid", "items[0].spec.taints[0].effect")]
    assert NODES_KEY not in gke.session


def test_unreadable_yaml_names_its_line(gke):
    response = gke.post("/review/nodes/", {"text": "kind: List\nitems:\n  - a: [\n"})
    assert response.status_code == 400
    error = response.context["nodes_form"].errors.as_data()["text"][0]
    assert error.code == "nodes_invalid" and error.params["line"] > 0


def test_a_bad_upload_is_an_error_next_to_the_file_field(gke):
    upload = SimpleUploadedFile("nodes.json", BAD_EFFECT.encode())
    response = gke.post("/review/nodes/", {"file": upload})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "file")[0][0] == "nodes_invalid"


def test_nothing_given_is_an_error_and_both_given_is_another(gke):
    assert field_errors(gke.post("/review/nodes/", {"text": " "}).content.decode(), "text") == [
        ("nodes_missing", "")
    ]
    upload = SimpleUploadedFile("nodes.json", GKE.encode())
    both = gke.post("/review/nodes/", {"text": GKE, "file": upload})
    assert field_errors(both.content.decode(), "text") == [("nodes_twice", "")]


def test_an_upload_over_the_inventory_cap_is_refused_without_parsing(gke):
    big = SimpleUploadedFile("nodes.json", b" " * (inventory.MAX_INVENTORY_BYTES + 1))
    response = gke.post("/review/nodes/", {"file": big})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "file")[0][0] == "nodes_invalid"


def test_nodes_too_big_for_the_session_are_refused_and_the_session_kept(gke, settings):
    session = gke.session
    plan_only = len(session.encode(dict(session.items())))
    settings.SESSION_MAX_BYTES = plan_only + 100  # room for the plan, not for these nodes
    response = gke.post("/review/nodes/", {"text": GKE})
    assert response.status_code == 400
    assert 'id="nodes-errors"' in response.content.decode()
    errors = response.context["nodes_form"].non_field_errors().as_data()
    assert [e.code for e in errors] == ["nodes_too_many"]
    assert NODES_KEY not in gke.session


def test_forget_the_nodes_removes_them_from_the_session(gke):
    gke.post("/review/nodes/", {"text": GKE})
    response = gke.post("/review/nodes/", {"forget": "1"})
    assert response.status_code == 302 and response["Location"] == "/review/#nodes"
    assert NODES_KEY not in gke.session
    assert 'id="placement"' not in gke.get("/review/").content.decode()


def test_the_nodes_door_takes_only_post(gke):
    assert gke.get("/review/nodes/").status_code == 405


def test_the_nodes_form_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    load(client, example("v2-per-class-gke"))
    assert client.post("/review/nodes/", {"text": GKE}).status_code == 403


def test_the_review_with_nodes_shows_placement_findings_and_the_grid(gke):
    assert "class_lands_nowhere" not in codes(gke.get("/review/").content.decode())
    gke.post("/review/nodes/", {"text": GKE})
    html = gke.get("/review/").content.decode()
    assert "class_lands_nowhere" in codes(html)
    assert re.search(r'<ul class="nowhere"[^>]*>\s*<li [^>]*data-workload="runs:builds"', html)
    assert '<caption id="placement-caption">' in html
    assert '<th scope="col" data-workload="runs:builds">' in html
    row = re.search(r'<tr data-node="gke-acme-ml-core-2b7d41c3-k9zm">(.*?)</tr>', html, re.S)
    cells = re.findall(r'<td class="fit fit-(\w+)">([^<]*)</td>', row.group(1))
    assert cells[0] == ("lands", "lands")
    assert all(text.startswith("no: ") for state, text in cells if state == "no")


def test_downloads_name_the_real_nodes(client):
    plan = example("v06-legacy")
    load(client, plan)
    client.post("/review/nodes/", {"text": BARE_METAL.decode()})
    nodes = inventory.parse_inventory(BARE_METAL)
    runbook = client.get("/download/RUNBOOK.md").content.decode()
    assert runbook == bundle.render_files(plan, nodes)[bundle.RUNBOOK_FILE]
    assert "srv-build-01.lab.acme.internal" in runbook
    archive = zipfile.ZipFile(io.BytesIO(client.get("/download/bundle.zip").content))
    assert archive.read(f"polyaxon-{plan.release}/RUNBOOK.md").decode() == runbook


def test_saved_and_shared_plans_never_carry_or_show_the_nodes(gke):
    gke.post("/review/nodes/", {"text": GKE})
    owner = gke.post("/plans/save/")["Location"]
    share_id = re.search(r'href="/p/([^/"]+)/', gke.get(owner).content.decode()).group(1)
    share = f"/p/{share_id}/"
    visitor = Client()
    pages = [visitor.get(share).content.decode(), gke.get(owner).content.decode()]
    for html in pages:
        assert "gke-acme-ml-core" not in html and 'id="placement"' not in html
    saved = Revision.objects.get().data
    assert "gke-acme-ml" not in str(saved)
    runbook = visitor.get(share + "files/RUNBOOK.md")
    assert runbook.status_code == 200 and "gke-acme-ml" not in runbook.content.decode()


def test_a_bad_inventory_keeps_the_nodes_already_given(gke):
    gke.post("/review/nodes/", {"text": GKE})
    kept = gke.session[NODES_KEY]
    assert gke.post("/review/nodes/", {"text": BAD_EFFECT}).status_code == 400
    assert gke.session[NODES_KEY] == kept


def test_starting_a_new_plan_keeps_the_nodes(gke):
    gke.post("/review/nodes/", {"text": GKE})
    gke.post("/", {"target": "v2"})
    assert WizardState(gke.session).nodes == inventory.parse_inventory(GKE)


def test_a_damaged_stored_inventory_counts_as_none(gke):
    session = gke.session
    session[NODES_KEY] = {"kind": "List", "items": "nope"}
    session.save()
    response = gke.get("/review/")
    assert response.status_code == 200 and 'id="placement"' not in response.content.decode()


def test_a_large_inventory_shows_the_first_rows_of_the_grid_and_says_so(gke, monkeypatch):
    monkeypatch.setattr("wizard.views.wizard.GRID_ROWS", 3)
    gke.post("/review/nodes/", {"text": GKE})
    html = gke.get("/review/").content.decode()
    assert len(re.findall(r"<tr data-node=", html)) == 3
    assert 'data-grid-rows="3"' in html
    assert 'data-workload="gateway" data-count="3"' in html  # the counts cover every node
