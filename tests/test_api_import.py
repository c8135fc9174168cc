"""POST /api/import: a values file in, the plan and the import findings out."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.import_files import SECRET_MARKER, V06_GUIDE, V2_REALISTIC
from wizard.core import codec
from wizard.views.api import import_cap

pytestmark = pytest.mark.django_db
URL = "/api/import"


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


def post(api: Client, body: str | bytes, query: str = ""):
    return api.post(URL + query, body, content_type="application/yaml")


def test_import_answers_the_plan_and_findings(api):
    response = post(api, V2_REALISTIC)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"plan", "target", "findings", "kept_keys", "secrets_found"}
    assert body["target"] == "v2"
    assert codec.from_dict(body["plan"]).kept["gateway"]["replicas"] == 3
    assert "polyaxonSecret" in body["secrets_found"]
    assert all(set(f) == {"severity", "code", "path", "message"} for f in body["findings"])


def test_the_response_never_holds_a_secret(api):
    for text, query in ((V2_REALISTIC, ""), (V06_GUIDE, ""), (V06_GUIDE, "?target=v2")):
        response = post(api, text, query)
        assert response.status_code == 200
        assert SECRET_MARKER not in response.content.decode()


def test_target_override_migrates_a_06_file(api):
    body = post(api, V06_GUIDE, "?target=v2").json()
    assert body["target"] == "v2" and body["detected"] == "v0.6"
    assert "docker-registry" in {note["path"] for note in body["migration"]}


def test_refused_yaml_is_400_with_message_and_line(api):
    response = post(api, "a: 1\na: 2\n")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_yaml" and body["line"] == 2 and body["message"]


@pytest.mark.parametrize(
    "text",
    [
        "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(
            f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "a: " + "[" * 5000 + "]" * 5000,
        "a: !!python/object/apply:os.system [id]\n",
        "- a\n",
    ],
    ids=["alias-bomb", "deep", "python-tag", "list"],
)
def test_hostile_yaml_is_400_never_500(api, text):
    response = post(api, text)
    assert response.status_code == 400 and response.json()["message"]


def test_non_utf8_is_400(api):
    response = post(api, b"a: \xff\n")
    assert response.status_code == 400 and "UTF-8" in response.json()["message"]


def test_a_body_over_the_cap_is_413(api):
    response = post(api, b"#" * (import_cap() + 1))
    assert response.status_code == 413 and response.json()["message"]


def test_an_ambiguous_target_is_422_naming_the_parameter(api):
    response = post(api, "gateway: {replicas: 1}\napi: {replicas: 1}\n")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "target_ambiguous" and "?target=v2" in body["message"]


def test_an_invalid_target_is_400(api):
    response = post(api, V2_REALISTIC, "?target=v3")
    assert response.status_code == 400 and response.json()["error"] == "invalid_target"


def test_get_is_405_json(api):
    response = api.get(URL)
    assert response.status_code == 405 and json.loads(response.content)["message"]


def test_a_file_too_large_for_a_plan_is_400(api):
    text = "gateway: {replicas: 1}\nbig:\n" + "".join(
        f"  k{i}: [1, 2, 3, 4]\n" for i in range(15_000)
    )
    response = post(api, text)
    assert response.status_code == 400 and response.json()["error"] == "import_refused"


def test_a_wrong_value_is_the_same_error_at_the_same_path_as_in_lint(api):
    from wizard.core.lint import lint_text

    text = (
        "gateway: {replicas: 1}\npostgresql: {enabled: false}\n"
        "externalServices: {postgresql: {host: db, port: 0x1538}}\ntolerations: {key: a}\n"
    )
    body = post(api, text).json()
    api_errors = {(f["code"], f["path"]) for f in body["findings"] if f["severity"] == "error"}
    lint_errors = {(f.code, f.path) for f in lint_text(text).findings if f.severity == "error"}
    expected = {
        ("expected_integer", "externalServices.postgresql.port"),
        ("expected_list", "tolerations"),
    }
    assert expected <= api_errors and expected <= lint_errors


def test_a_wizard_export_keeps_its_release_namespace_and_provider(api):
    from dataclasses import replace

    from tests.plans import example
    from wizard.core import values

    plan = example("v2-two-pool-aws")
    plan = replace(
        plan,
        release="prod-plx",
        namespace="ml-platform",
        scheduling=replace(plan.scheduling, provider="eks"),
    )
    got = codec.from_dict(post(api, values.to_yaml(plan)).json()["plan"])
    assert (got.release, got.namespace, got.scheduling.provider) == (
        "prod-plx",
        "ml-platform",
        "eks",
    )


def test_a_file_that_is_not_yaml_is_still_invalid_yaml(api):
    response = post(api, "a: [1,\n")
    assert response.status_code == 400 and response.json()["error"] == "invalid_yaml"
