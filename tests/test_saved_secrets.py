"""Secrets are never stored: a typed password is refused and shows up in no table and no page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from wizard.core import codec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MARKER = "SECRET-MARKER-123"
pytestmark = pytest.mark.django_db


def example_dict() -> dict:
    return json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text())


def with_secret(path: str, key: str) -> dict:
    data = example_dict()
    node = data
    for part in path.split(".") if path else []:
        node = node.setdefault(part, {})
    node[key] = MARKER
    return data


# Every password-like key the codec knows, at the top, in a section and in a nested object.
SECRET_CASES = [
    (path, f"{prefix}{word}")
    for word in codec.SECRET_WORDS
    for path, prefix in (("", "admin_"), ("database", ""), ("storage.artifacts", "s3_"))
]


def dump_database() -> str:
    """Every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.append(repr(cursor.fetchall()))
    return "\n".join(chunks)


def saved_plan_pages(client: Client, body: dict) -> dict[str, bytes]:
    share = body["share_url"].split("/p/", 1)[1].rstrip("/")
    urls = [
        f"/p/{share}/",
        f"/p/{share}/r/1/",
        f"/p/{share}/r/2/",
        f"/p/{share}/history/",
        f"/p/{share}/diff/?a=1&b=2",
        f"/p/{share}/files/plan.json",
        f"/p/{share}/files/values.yaml",
        f"/p/{share}/files/RUNBOOK.md",
        f"/api/plans/{share}",
        f"/api/plans/{share}?revision=1",
        f"/e/{body['edit_key']}/",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    return pages


@pytest.mark.parametrize(("path", "key"), SECRET_CASES)
def test_a_typed_secret_is_refused_and_stored_nowhere(client, path, key):
    created = client.post("/api/plans", example_dict(), content_type="application/json").json()
    share = created["id"]
    attempts = [
        client.post("/api/plans", with_secret(path, key), content_type="application/json"),
        client.post("/api/render", with_secret(path, key), content_type="application/json"),
        client.put(
            f"/api/plans/{share}",
            json.dumps(with_secret(path, key)),
            content_type="application/json",
            headers={"Authorization": f"Bearer {created['edit_key']}", "If-Match": "1"},
        ),
    ]
    for response in attempts:
        assert response.status_code == 400
        problem_paths = [p["path"] for p in response.json()["problems"]]
        assert problem_paths == [f"{path}.{key}" if path else key]
        assert MARKER.encode() not in response.content
    # A second revision so history and diff have something to show.
    second = {**example_dict(), "release": "second"}
    client.put(
        f"/api/plans/{share}",
        json.dumps(second),
        content_type="application/json",
        headers={"Authorization": f"Bearer {created['edit_key']}", "If-Match": "1"},
    )
    assert MARKER not in dump_database()
    for url, content in saved_plan_pages(client, created).items():
        assert MARKER.encode() not in content, url


def test_the_database_dump_would_see_a_marker(client):
    # Guards the scan itself: a marker in an ordinary field is found.
    client.post(
        "/api/plans", {**example_dict(), "namespace": MARKER}, content_type="application/json"
    )
    assert MARKER in dump_database()


def test_secrets_posted_alongside_a_wizard_save_are_stored_nowhere(client):
    from wizard.state import WizardState

    session = client.session
    WizardState(session).load_plan(codec.from_dict(example_dict()))
    session.save()
    fields = {f"database_{word}": MARKER for word in codec.SECRET_WORDS}
    response = client.post("/plans/save/", {"password": MARKER, **fields})
    assert response.status_code == 302
    key = response["Location"].split("/e/", 1)[1].rstrip("/")
    share = client.get(response["Location"]).context["saved"].share_id
    second = {**example_dict(), "release": "second"}
    client.put(
        f"/api/plans/{share}",
        json.dumps(second),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "If-Match": "1"},
    )
    pages = saved_plan_pages(client, {"share_url": f"/p/{share}/", "edit_key": key})
    assert MARKER not in dump_database()
    for url, content in pages.items():
        assert MARKER.encode() not in content, url
