"""The /import/ page: upload or paste a values file, and the wizard opens on its plan."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.import_files import SECRET_MARKER, V06_GUIDE, V2_REALISTIC
from wizard.core import values
from wizard.state import WizardState
from wizard.views.api import import_cap

pytestmark = pytest.mark.django_db
URL = "/import/"


@pytest.fixture
def client() -> Client:
    return Client()


def test_the_page_is_served_at_import(client):
    assert reverse("importer:import_page") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert b'type="file"' in response.content and b"<textarea" in response.content


def test_a_pasted_file_loads_the_plan_into_the_wizard(client):
    response = client.post(URL, {"text": V2_REALISTIC, "target": "auto"})
    assert response.status_code == 302 and response["Location"] == reverse("wizard:review")
    state = WizardState(client.session)
    assert state.target == "v2"
    meta = state.meta["import"]
    assert "gateway" in meta["kept_keys"]
    assert "secret_removed" in {f["code"] for f in meta["findings"]}


def test_an_uploaded_file_loads_the_plan(client):
    upload = SimpleUploadedFile("values.yaml", V06_GUIDE.encode(), "application/yaml")
    response = client.post(URL, {"file": upload, "target": "v2"})
    assert response.status_code == 302
    state = WizardState(client.session)
    assert state.target == "v2" and state.meta["import"]["migration"]


def test_the_wizard_exports_the_imported_values(client):
    client.post(URL, {"text": V2_REALISTIC, "target": "auto"})
    plan = WizardState(client.session).build_plan()
    assert plan.kept["gateway"]["replicas"] == 3
    assert values.to_values(plan)["externalServices"]["postgresql"]["host"] == (
        "pg.internal.example.com"
    )


def test_no_secret_reaches_the_session(client):
    client.post(URL, {"text": V06_GUIDE, "target": "v2"})
    assert SECRET_MARKER not in str(dict(client.session))


def test_a_refused_file_shows_the_error_and_line_next_to_the_field(client):
    response = client.post(URL, {"text": "a: 1\nb: !Custom x\n", "target": "auto"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.has_error("text", "refused")
    assert "Line 2" in form.errors["text"][0]


def test_an_oversized_upload_is_refused_before_parsing(client):
    upload = SimpleUploadedFile("values.yaml", b"#" * (import_cap() + 1))
    response = client.post(URL, {"file": upload, "target": "auto"})
    assert response.status_code in (400, 413)
    assert response.context["form"].errors


def test_an_ambiguous_file_asks_for_the_target(client):
    response = client.post(
        URL, {"text": "gateway: {replicas: 1}\napi: {replicas: 1}\n", "target": "auto"}
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("target", "ambiguous")


def test_nothing_given_is_an_error_not_a_crash(client):
    response = client.post(URL, {"target": "auto"})
    assert response.status_code == 400
    assert response.context["form"].has_error("file", "missing")


@pytest.mark.parametrize(
    "text", ["a: " + "[" * 3000 + "]" * 3000, "a: &a [*a]\n", "- 1\n", "a: .nan\n"]
)
def test_hostile_pastes_never_500(client, text):
    assert client.post(URL, {"text": text, "target": "auto"}).status_code == 400


@pytest.mark.parametrize(
    "text,target",
    [(V2_REALISTIC, "auto"), (V06_GUIDE, "auto"), (V06_GUIDE, "v2")],
    ids=["v2", "v0.6", "migrated"],
)
def test_the_wizard_session_renders_exactly_what_the_import_planned(client, text, target):
    from wizard.core import safeyaml
    from wizard.core.importer import import_values

    client.post(URL, {"text": text, "target": target})
    in_session = WizardState(client.session).build_plan()
    imported = import_values(safeyaml.load_values(text), None if target == "auto" else target).plan
    assert values.to_values(in_session) == values.to_values(imported)


def test_the_review_page_reports_what_the_import_found(client):
    client.post(URL, {"text": V2_REALISTIC, "target": "auto"})
    page = client.get(reverse("wizard:review")).content.decode()
    assert 'id="import-report"' in page
    assert 'data-kept="gateway"' in page and 'data-code="secret_removed"' in page
    assert SECRET_MARKER not in page


def test_a_migrated_06_file_lists_what_did_not_carry_over_in_review_and_runbook(client):
    client.post(URL, {"text": V06_GUIDE, "target": "v2"})
    state = WizardState(client.session)
    assert state.build_plan().migration
    page = client.get(reverse("wizard:review")).content.decode()
    assert "Not carried over to v2" in page and "Migrating from Polyaxon 0.6" in page


def test_the_start_page_offers_the_import(client):
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_a_pasted_wizard_export_keeps_its_release_and_namespace(client):
    from dataclasses import replace

    from tests.plans import example

    plan = replace(example("v2-two-pool-aws"), release="prod-plx", namespace="ml-platform")
    client.post(URL, {"text": values.to_yaml(plan), "target": "auto"})
    got = WizardState(client.session).build_plan()
    assert (got.release, got.namespace) == ("prod-plx", "ml-platform")
