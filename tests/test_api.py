"""The JSON API (docs/api.md): status codes, JSON bodies and what reaches the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from wizard import plans
from wizard.core import codec
from wizard.core.checks import check
from wizard.models import Revision, SavedPlan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.django_db


def example_dict(name: str = "v2-two-pool-aws") -> dict:
    return codec.to_dict(codec.from_dict(json.loads((EXAMPLES / f"{name}.json").read_text())))


def broken_dict() -> dict:
    data = example_dict()
    data["database"]["host"] = ""
    return data


@pytest.fixture
def api() -> Client:
    # enforce_csrf_checks proves the API needs no CSRF token (it uses no cookies).
    return Client(enforce_csrf_checks=True)


def post(api: Client, url: str, data: object, **extra):
    return api.post(url, json.dumps(data), content_type="application/json", **extra)


def put(api: Client, share_id: str, data: object, key: str | None, if_match: str | None):
    headers = {}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if if_match is not None:
        headers["If-Match"] = if_match
    return api.put(
        f"/api/plans/{share_id}", json.dumps(data), content_type="application/json", headers=headers
    )


def create(api: Client, data: dict | None = None) -> dict:
    response = post(api, "/api/plans", data or example_dict())
    assert response.status_code == 201, response.content
    return response.json()


# --- /api/render ------------------------------------------------------------------------------


def test_render_returns_values_runbook_and_findings(api):
    response = post(api, "/api/render", example_dict())
    assert response.status_code == 200
    body = response.json()
    assert body["values_yaml"].strip() and body["runbook_md"].strip()
    assert isinstance(body["findings"], list)


def test_render_of_a_plan_with_errors_is_422_with_its_findings(api):
    data = broken_dict()
    response = post(api, "/api/render", data)
    assert response.status_code == 422
    body = response.json()
    expected = {(f.code, f.path, f.step) for f in check(codec.from_dict(data))}
    assert {(f["code"], f["path"], f["step"]) for f in body["findings"]} == expected
    assert any(f["severity"] == "error" for f in body["findings"])
    assert body["message"] and body["error"] == "plan_has_errors"


def test_findings_json_has_severity_code_path_step_message(api):
    finding = post(api, "/api/render", broken_dict()).json()["findings"][0]
    assert set(finding) == {"severity", "code", "path", "step", "message"}


def test_render_of_a_document_that_is_not_a_plan_is_400_with_problems(api):
    response = post(api, "/api/render", {"database": {"port": "five"}, "colour": "red"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_plan" and body["message"]
    assert {p["path"] for p in body["problems"]} == {"database.port", "colour"}


def test_a_json_array_is_not_a_plan(api):
    assert post(api, "/api/render", [1, 2]).status_code == 400


def test_invalid_json_is_400(api):
    response = api.post("/api/render", b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"


def test_non_json_content_type_is_415(api):
    response = api.post(
        "/api/render", "target=v2", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["message"]


def test_body_over_the_limit_is_413(api):
    data = example_dict()
    data["release"] = "x" * (300 * 1024)
    response = post(api, "/api/render", data)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_body_over_django_upload_limit_is_still_413(api):
    response = api.post("/api/plans", b" " * (2 * 1024 * 1024), content_type="application/json")
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/render"),
        ("put", "/api/render"),
        ("get", "/api/plans"),
        ("post", "/api/plans/x"),
    ],
)
def test_wrong_method_is_405_json_with_allow(api, method, url):
    response = getattr(api, method)(url)
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert response["Allow"]


def test_unknown_api_path_is_json_404(api):
    response = api.get("/api/nothing/here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


# --- /api/plans -------------------------------------------------------------------------------


def test_create_returns_201_with_ids_links_and_key(api):
    body = create(api)
    assert set(body) >= {"id", "revision", "share_url", "edit_url", "edit_key"}
    assert body["revision"] == 1
    assert body["share_url"].endswith(f"/p/{body['id']}/")
    assert body["edit_key"] in body["edit_url"]
    assert body["id"] not in body["edit_url"]
    assert len(body["edit_key"]) >= 43  # 256 bits, urlsafe base64


def test_create_stores_only_the_hash_of_the_edit_key(api):
    body = create(api)
    saved = SavedPlan.objects.get()
    assert saved.edit_key_hash == plans.hash_key(body["edit_key"])
    assert body["edit_key"] not in json.dumps(list(SavedPlan.objects.values()), default=str)


def test_ids_are_random_and_not_database_ids(api):
    first, second = create(api), create(api)
    assert first["id"] != second["id"] and first["edit_key"] != second["edit_key"]
    pks = {str(pk) for pk in SavedPlan.objects.values_list("pk", flat=True)}
    assert not pks & {first["id"], second["id"]}


def test_a_plan_with_errors_can_be_saved(api):
    assert create(api, broken_dict())["revision"] == 1


def test_get_returns_the_plan(api):
    body = create(api)
    response = api.get(f"/api/plans/{body['id']}")
    assert response.status_code == 200
    got = response.json()
    assert got["plan"] == example_dict()
    assert got["revision"] == 1 and got["id"] == body["id"]
    assert "edit_key" not in got and body["edit_key"] not in response.content.decode()


def test_get_of_an_older_revision(api):
    body = create(api)
    changed = {**example_dict(), "release": "second"}
    assert put(api, body["id"], changed, body["edit_key"], "1").status_code == 200
    old = api.get(f"/api/plans/{body['id']}?revision=1").json()
    assert old["plan"]["release"] == example_dict()["release"] and old["latest_revision"] == 2


@pytest.mark.parametrize("bad", ["nope", "00000000-0000-0000-0000-000000000000", "MANGLE"])
def test_unknown_or_mistyped_ids_all_give_the_same_404(api, bad):
    body = create(api)
    if bad == "MANGLE":
        bad = body["id"].upper()
    response = api.get(f"/api/plans/{bad}")
    assert response.status_code == 404
    assert response.json() == api.get("/api/plans/unknown").json()


def test_put_with_key_and_current_revision_saves_revision_two(api):
    body = create(api)
    changed = {**example_dict(), "release": "second"}
    response = put(api, body["id"], changed, body["edit_key"], "1")
    assert response.status_code == 200
    assert response.json()["revision"] == 2
    assert [r.data["release"] for r in Revision.objects.order_by("number")] == [
        "polyaxon",
        "second",
    ]


def test_put_accepts_a_quoted_etag_as_if_match(api):
    body = create(api)
    assert put(api, body["id"], example_dict(), body["edit_key"], '"1"').status_code == 200


@pytest.mark.parametrize("key", [None, "wrong-key", ""])
def test_put_without_a_valid_key_is_403(api, key):
    body = create(api)
    response = put(api, body["id"], example_dict(), key, "1")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert Revision.objects.count() == 1


def test_put_with_another_plans_key_is_403(api):
    mine, other = create(api), create(api)
    assert put(api, mine["id"], example_dict(), other["edit_key"], "1").status_code == 403


def test_put_without_if_match_is_428(api):
    body = create(api)
    response = put(api, body["id"], example_dict(), body["edit_key"], None)
    assert response.status_code == 428
    assert Revision.objects.count() == 1


def test_put_on_an_outdated_revision_is_409_and_writes_nothing(api):
    body = create(api)
    first = {**example_dict(), "release": "first-writer"}
    late = {**example_dict(), "release": "late-writer"}
    assert put(api, body["id"], first, body["edit_key"], "1").status_code == 200
    response = put(api, body["id"], late, body["edit_key"], "1")
    assert response.status_code == 409
    conflict = response.json()
    assert conflict["latest_revision"] == 2 and conflict["plan"]["release"] == "first-writer"
    assert [r.data["release"] for r in Revision.objects.order_by("number")] == [
        "polyaxon",
        "first-writer",
    ]


def test_put_of_a_non_plan_is_400(api):
    body = create(api)
    response = put(api, body["id"], {"tls": {"mode": 3}}, body["edit_key"], "1")
    assert response.status_code == 400
    assert response.json()["problems"][0]["path"] == "tls.mode"


def test_put_to_an_unknown_plan_is_404(api):
    body = create(api)
    assert put(api, "unknown", example_dict(), body["edit_key"], "1").status_code == 404


def test_delete_with_the_key_removes_plan_and_revisions(api):
    body = create(api)
    response = api.delete(
        f"/api/plans/{body['id']}", headers={"Authorization": f"Bearer {body['edit_key']}"}
    )
    assert response.status_code == 200
    assert not SavedPlan.objects.exists() and not Revision.objects.exists()
    assert api.get(f"/api/plans/{body['id']}").status_code == 404


def test_delete_without_the_key_is_403(api):
    body = create(api)
    assert api.delete(f"/api/plans/{body['id']}").status_code == 403
    assert SavedPlan.objects.exists()


def test_a_charset_parameter_on_the_content_type_is_fine(api):
    response = api.post(
        "/api/render", json.dumps(example_dict()), content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 200


def test_after_rotating_the_share_link_the_old_id_is_404(api):
    body = create(api)
    saved = SavedPlan.objects.get()
    new_id = plans.rotate_share(saved)
    assert api.get(f"/api/plans/{body['id']}").status_code == 404
    assert api.get(f"/api/plans/{new_id}").status_code == 200
    assert put(api, str(new_id), example_dict(), body["edit_key"], "1").status_code == 200


def test_get_answers_with_the_revision_as_etag(api):
    body = create(api)
    assert api.get(f"/api/plans/{body['id']}")["ETag"] == '"1"'
