"""Strict text at every boundary: a lone surrogate or a C0 control character (but tab and line
breaks) in any string of a plan is a 400 with the field's path; everything else is accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.core import codec
from wizard.models import SavedPlan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.django_db


def document() -> dict:
    return json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text())


def post_raw(client, text: str):
    return client.post("/api/plans", text.encode(), content_type="application/json")


@pytest.mark.parametrize("bad", ["\\u0000", "\\u0001", "\\u001b", "\\ud800", "\\udfff"])
@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda d, v: d["tls"].__setitem__("host", v), "tls.host"),
        (lambda d, v: d["scheduling"]["core"]["labels"][0].__setitem__("key", v),
         "scheduling.core.labels.0.key"),
        (lambda d, v: d.__setitem__("kept", {"gateway": {"note": v}}), "kept.gateway.note"),
        (lambda d, v: d.__setitem__("kept", {v: 1}), "kept."),
    ],
)  # fmt: skip
def test_a_refused_character_is_a_400_naming_the_field(client, bad, where, path):
    doc = document()
    where(doc, "MARK")
    text = json.dumps(doc).replace("MARK", f"a{bad}b")
    response = post_raw(client, text)
    assert response.status_code == 400
    assert any(p["path"].startswith(path) for p in response.json()["problems"])
    assert not SavedPlan.objects.exists()


@pytest.mark.parametrize(
    "good", ["tab\there", "line\nbreak\r\n", "\x7f\x85\x9f", "🚀", "\u2028", "\ufeff", "\uffff"]
)
def test_every_other_character_is_accepted(client, good):
    doc = document()
    doc["kept"] = {"gateway": {"note": good}}
    response = client.post("/api/plans", doc, content_type="application/json")
    assert response.status_code == 201
    saved = client.get(response.json()["url"]).json()["plan"]
    assert saved["kept"]["gateway"]["note"] == good


def test_the_codec_names_the_character_it_refuses():
    problem = codec.text_problem("ok\x00")
    assert problem and "\\x00" in problem
