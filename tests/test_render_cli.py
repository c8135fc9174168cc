"""`manage.py render_values`: a plan with errors writes no installable file (issue 13, item 7)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.plans import EXAMPLES


def plan_file(tmp_path, **changes):
    data = json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text())
    for section, fields in changes.items():
        data[section] = {**data.get(section, {}), **fields}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    return path


def test_a_plan_with_errors_writes_nothing(tmp_path):
    plain_http = {"ingress": False, "mode": "none", "service_type": "LoadBalancer"}
    out = tmp_path / "out"
    with pytest.raises(CommandError):
        call_command(
            "render_values",
            str(plan_file(tmp_path, tls=plain_http)),
            "--out",
            str(out),
            stderr=StringIO(),
        )
    assert not out.exists() or not any(out.iterdir())


def test_a_plan_without_errors_writes_its_files(tmp_path):
    out = tmp_path / "out"
    call_command("render_values", str(plan_file(tmp_path)), "--out", str(out), stderr=StringIO())
    assert (out / "values.yaml").is_file() and (out / "presets" / "builds.yaml").is_file()
