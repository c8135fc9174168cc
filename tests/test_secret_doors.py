"""One secret filter, every door: each secret shape is refused by the API and by restore, stripped
with a finding by the importer (API and page), and its marker reaches no table, session, page,
file, API answer or backup."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.test_saved_secrets import dump_database
from wizard.core import secretfilter
from wizard.models import SavedPlan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MARKER = "MARKER-7f3a9"
pytestmark = pytest.mark.django_db

# (name, chart values holding MARKER as a secret): the shapes issue 12 lists, and the chart's.
SHAPES = [
    ("user.password", {"user": {"password": MARKER}}),
    ("polyaxonSecret", {"polyaxonSecret": MARKER}),
    ("internalToken", {"internalToken": MARKER}),
    ("env list", {"api": {"env": [{"name": "DB_PASSWORD", "value": MARKER}]}}),
    ("password in a list item", {"extra": [{"user": "a", "password": MARKER}]}),
    ("aws_secret_access_key", {"artifacts": {"aws_secret_access_key": MARKER}}),
    ("secret_key", {"app": {"secret_key": MARKER}}),
    ("client_secret", {"sso": {"client_secret": MARKER}}),
    ("api_key", {"analytics": {"api_key": MARKER}}),
    ("private_key", {"git": {"private_key": MARKER}}),
    ("sshKey", {"git": {"sshKey": MARKER}}),
    ("signingKey", {"jwt": {"signingKey": MARKER}}),
    ("ssl.key dotted", {"ssl.key": MARKER}),
    ("ssl key nested", {"ssl": {"key": MARKER}}),
    ("DSN password", {"sentry": {"url": f"postgres://polyaxon:{MARKER}@db:5432/p"}}),
    ("URL in a list", {"hosts": [f"https://u:{MARKER}@h.example.com"]}),
    ("PEM key", {"cfg": {"blob": f"-----BEGIN RSA PRIVATE KEY-----\n{MARKER}\n"}}),
    ("email.hostPassword", {"email": {"hostPassword": MARKER}}),
    ("auth options", {"externalServices": {"auth": {"github": {"options": {"k": MARKER}}}}}),
]
IDS = [name for name, _ in SHAPES]


def example_dict() -> dict:
    return json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text())


def with_kept(kept: dict) -> dict:
    return {**example_dict(), "kept": kept}


def everything(client: Client) -> str:
    """The database, the session, and the API's and pages' view of every saved plan."""
    parts = [dump_database(), str(dict(client.session))]
    for saved in SavedPlan.objects.all():
        parts.append(client.get(f"/api/plans/{saved.share_id}").content.decode())
        parts.append(client.get(f"/p/{saved.share_id}/").content.decode())
    out = StringIO()
    call_command("backup_plans", stdout=out, stderr=StringIO())
    return "\n".join(parts) + out.getvalue()


def test_every_shape_is_found_by_the_filter():
    for name, values in SHAPES:
        assert secretfilter.find(values), name


def test_references_and_switches_are_not_secrets():
    values = {
        "platformSecret": "polyaxon-secrets",
        "persistence": {"logs": {"secret": "s3-creds", "secretKey": "key.json"}},
        "ingress": {"tls": [{"secretName": "tls"}]},
        "redis": {"usePassword": True},
        "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "x"}}}],
        "docs": "https://docs.polyaxon.com/",
    }
    assert secretfilter.find(values) == []


@pytest.mark.parametrize(("name", "kept"), SHAPES, ids=IDS)
def test_the_api_refuses_a_kept_secret_with_its_path(client, name, kept):
    response = client.post("/api/plans", with_kept(kept), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_plan"
    assert all(p["path"].startswith("kept.") for p in body["problems"])
    assert MARKER not in everything(client)


@pytest.mark.parametrize(("name", "kept"), SHAPES, ids=IDS)
def test_a_new_revision_cannot_add_a_kept_secret(client, name, kept):
    created = client.post("/api/plans", example_dict(), content_type="application/json").json()
    response = client.put(
        f"/api/plans/{created['id']}",
        with_kept(kept),
        content_type="application/json",
        headers={"authorization": f"Bearer {created['edit_key']}", "if-match": '"1"'},
    )
    assert response.status_code == 400
    assert MARKER not in everything(client)


@pytest.mark.parametrize(("name", "kept"), SHAPES, ids=IDS)
def test_restore_refuses_a_backup_line_carrying_a_secret(client, tmp_path, name, kept):
    record = {
        "format": 1,
        "share_id": "11111111-2222-3333-4444-555555555555",
        "edit_key_hash": "f" * 64,
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00",
        "revisions": [
            {"number": 1, "created_at": "2026-01-01T00:00:00+00:00", "data": with_kept(kept)}
        ],
    }
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record) + '\n{"format": 1, "end": true, "plans": 1}\n')
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("restore_plans", str(path), stderr=err)
    assert "line 1" in err.getvalue()
    assert not SavedPlan.objects.exists()
    assert MARKER not in everything(client)


def values_file(extra: dict) -> str:
    base = {"postgresql": {"enabled": False}, "gateway": {"replicas": 2}}
    return yaml.safe_dump({**base, **extra})


@pytest.mark.parametrize(("name", "values"), SHAPES, ids=IDS)
def test_the_import_api_strips_each_shape_with_a_finding(client, name, values):
    response = client.post(
        "/api/import?target=v2", values_file(values), content_type="application/yaml"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert MARKER not in response.content.decode()
    assert "secret_removed" in {f["code"] for f in body["findings"]}
    # and the plan it answers is one the API takes back
    saved = client.post("/api/plans", body["plan"], content_type="application/json")
    assert saved.status_code == 201
    assert MARKER not in everything(client)


@pytest.mark.parametrize(("name", "values"), SHAPES, ids=IDS)
def test_the_import_page_strips_each_shape_before_the_session(client, name, values):
    response = client.post("/import/", {"text": values_file(values), "target": "v2"})
    assert response.status_code == 302
    for url in ("/review/", "/download/values.yaml", "/download/RUNBOOK.md"):
        assert MARKER not in client.get(url).content.decode(), url
    assert MARKER not in everything(client)


@pytest.mark.parametrize(
    ("slug", "field"),
    [("database", "host"), ("ssl", "host"), ("storage", "artifacts-bucket"), ("secrets", "name")],
)
@pytest.mark.parametrize(
    "value",
    [
        f"postgres://polyaxon:{MARKER}@db.example.com/p",
        f"-----BEGIN PRIVATE KEY-----{MARKER}",
        # a control character (blanked from the plan) must not hide the credential either
        f"postgres://polyaxon:{MARKER}\x1f@db.example.com/p",
        f"postgres://polyaxon\t:{MARKER}@db.example.com/p",
    ],
)
def test_the_wizard_form_refuses_a_credential_and_keeps_it_nowhere(client, slug, field, value):
    client.post("/", {"target": "v2"})
    response = client.post(f"/step/{slug}/", {field: value})
    assert response.status_code == 200  # the step again, with the error next to the field
    bound = response.context["form"].bound(field)  # the step's part or row form holding it
    assert "secret_in_field" in {e.code for e in bound.form.errors.as_data()[bound.name]}
    client.post("/plans/save/", {})
    for url in ("/review/", "/download/values.yaml", "/download/RUNBOOK.md", f"/step/{slug}/"):
        assert MARKER not in client.get(url).content.decode(), url
    assert MARKER not in everything(client)
