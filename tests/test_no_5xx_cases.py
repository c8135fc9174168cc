"""The 500s issue 12 found, each now a 4xx (or a clean page)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from tests.plans import example
from wizard import plans
from wizard.state import WizardState

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture
def saved(db):
    return plans.create(example("v2-two-pool-aws"))


def test_an_unknown_store_kind_is_refused_by_the_api(quiet):
    doc = json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text())
    doc["storage"]["artifacts"]["kind"] = "bogus"
    response = quiet.post("/api/plans", doc, content_type="application/json")
    assert response.status_code == 400
    assert [p["path"] for p in response.json()["problems"]] == ["storage.artifacts.kind"]


def test_a_forged_store_kind_never_reaches_the_plan(quiet):
    quiet.post("/", {"target": "v2"})
    quiet.post("/step/storage/", {"artifacts-kind": "bogus", "artifacts-bucket": "b"})
    assert WizardState(quiet.session).build_plan().storage.artifacts.kind == "s3"
    for url in ("/review/", "/download/values.yaml", "/download/RUNBOOK.md"):
        assert quiet.get(url).status_code < 500, url


@pytest.mark.parametrize("number", ["²", "١", "9" * 30, "9" * 5000])
def test_an_api_revision_that_is_no_ascii_number_is_404_json(quiet, saved, number):
    response = quiet.get(f"/api/plans/{saved.saved.share_id}", {"revision": number})
    assert response.status_code == 404 and response.json()["error"] == "not_found"


@pytest.mark.parametrize("number", ["²", "9" * 30, "9" * 5000])
def test_a_diff_of_no_ascii_number_shows_the_default_revisions(quiet, saved, number):
    assert quiet.get(f"/p/{saved.saved.share_id}/diff/", {"a": number}).status_code == 200


def test_a_revision_page_past_the_column_range_is_404(quiet, saved):
    assert quiet.get(f"/p/{saved.saved.share_id}/r/{'9' * 30}/").status_code == 404


@pytest.mark.parametrize("url", ["/step/scheduling/", "/preview/scheduling/"])
def test_a_row_index_of_4300_digits_is_no_500(quiet, url):
    quiet.post("/", {"target": "v2"})
    response = quiet.post(url, {f"core-labels-{'9' * 4300}-key": "x", "add": "core-labels"})
    assert response.status_code < 500


def test_an_api_bug_still_answers_json(quiet, monkeypatch):
    from wizard.views import api

    monkeypatch.setattr(api.bundle, "render_files", lambda plan: 1 / 0)
    doc = json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text())
    response = quiet.post("/api/render", doc, content_type="application/json")
    assert response.status_code == 500
    assert response.json()["error"] == "server_error"
