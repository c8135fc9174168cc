"""HTTP edges (issue 12, low): HEAD on every GET view, /healthz over plain HTTP, the
Permissions-Policy header, chunked request bodies."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.test import override_settings

from config.wsgi import application
from wizard import plans
from wizard.core import codec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.django_db


@pytest.fixture
def share_id(db) -> str:
    plan = codec.from_dict(json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text()))
    return str(plans.create(plan).saved.share_id)


@pytest.mark.parametrize(
    "url",
    ["/healthz", "/", "/step/database/", "/review/", "/import/", "/p/{id}/", "/p/{id}/history/",
     "/p/{id}/diff/", "/p/{id}/files/values.yaml", "/api/plans/{id}"],
)  # fmt: skip
def test_head_answers_like_get_without_a_body(client, share_id, url):
    client.post("/", {"target": "v2"})
    url = url.format(id=share_id)
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code < 400
    assert head.content == b""


def test_head_on_a_step_saves_nothing(client):
    client.post("/", {"target": "v2"})
    before = dict(client.session.items())
    client.head("/step/database/")
    assert dict(client.session.items()) == before


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_answers_over_plain_http_while_pages_redirect(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_every_response_carries_a_permissions_policy(client):
    policy = client.get("/").headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy


def call_wsgi(body_chunks: list[bytes], path: str = "/api/render") -> tuple[str, bytes]:
    """The WSGI app with a chunked body: no CONTENT_LENGTH, as gunicorn hands it over."""
    body = b"".join(body_chunks)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "REMOTE_ADDR": "127.0.0.1",
    }
    status = []
    out = application(environ, lambda s, h, exc_info=None: status.append(s))
    return status[0], b"".join(out)


def test_a_chunked_plan_is_read_whole(share_id):
    plan = json.dumps(codec.to_dict(codec.from_dict({"version": 1}))).encode()
    status, body = call_wsgi([plan[:10], plan[10:]])
    assert json.loads(body).get("error") != "invalid_json", body[:200]
    assert status.startswith(("200", "422"))


def test_a_chunked_body_over_the_cap_is_refused():
    status, body = call_wsgi([b" " * (2 * 1024 * 1024)])
    assert status.startswith("413")
