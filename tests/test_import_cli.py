"""`manage.py lint_values` and `manage.py import_values`: exit codes, formats, no secrets out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.import_files import SECRET_MARKER, V06_GUIDE, V2_REALISTIC

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,  # no DJANGO_SECRET_KEY: the offline settings must suffice
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def write(tmp_path):
    def make(text: str | bytes, name: str = "values.yaml") -> str:
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return str(path)

    return make


def test_lint_of_a_clean_file_exits_0(write):
    done = manage("lint_values", write(V2_REALISTIC))
    assert done.returncode == 0, done.stderr
    assert "secret_removed" in done.stdout


def test_lint_of_a_file_with_errors_exits_1(write):
    done = manage("lint_values", write("gateway: {replicas: 1}\npostgresql: {enabled: false}\n"))
    assert done.returncode == 1
    assert "db_host_missing" in done.stdout


def test_lint_json_is_a_list_of_findings(write):
    done = manage("lint_values", write(V06_GUIDE), "--format", "json")
    findings = json.loads(done.stdout)
    assert isinstance(findings, list) and findings
    assert all(set(f) == {"severity", "code", "path", "message"} for f in findings)
    assert "nested_node_selector" in {f["code"] for f in findings}


def test_lint_of_a_refused_file_exits_2_with_the_line(write):
    done = manage("lint_values", write("a: 1\nb: !!python/object/apply:os.system [id]\n"))
    assert done.returncode == 2
    assert "values.yaml:2:" in done.stderr and "Python tag" in done.stderr


def test_lint_of_a_missing_file_exits_2(tmp_path):
    done = manage("lint_values", str(tmp_path / "nope.yaml"))
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_lint_of_an_ambiguous_file_exits_2_and_names_the_option(write):
    done = manage("lint_values", write("gateway: {replicas: 1}\napi: {replicas: 1}\n"))
    assert done.returncode == 2 and "--target" in done.stderr


def test_lint_of_a_file_without_chart_keys_reads_it_as_v2(write):
    done = manage("lint_values", write("limitResources: true\n"))
    assert done.returncode in (0, 1) and "target_assumed_v2" in done.stdout


def test_lint_with_a_target_override(write):
    done = manage("lint_values", write("limitResources: true\n"), "--target", "v0.6")
    assert done.returncode in (0, 1) and "legacy_chart" in done.stdout


def test_import_writes_the_plan_and_prints_findings_to_stderr(write, tmp_path):
    out = tmp_path / "out" / "plan.json"
    done = manage("import_values", write(V2_REALISTIC), "--out", str(out))
    assert done.returncode == 0, done.stderr
    plan = json.loads(out.read_text())
    assert plan["target"] == "v2" and plan["kept"]["gateway"]["replicas"] == 3
    assert "secret_removed" in done.stderr and done.stdout == ""


def test_import_as_v2_of_a_06_file_writes_migration_notes(write, tmp_path):
    out = tmp_path / "plan.json"
    done = manage("import_values", write(V06_GUIDE), "--out", str(out), "--target", "v2")
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["target"] == "v2"
    assert "docker-registry" in (tmp_path / "MIGRATION.md").read_text()


def test_secrets_never_reach_the_cli_output_or_files(write, tmp_path):
    out = tmp_path / "plan.json"
    runs = [
        manage("import_values", write(V06_GUIDE), "--out", str(out), "--target", "v2"),
        manage("lint_values", write(V06_GUIDE, "b.yaml"), "--format", "json"),
        manage("lint_values", write(V2_REALISTIC, "c.yaml")),
    ]
    for done in runs:
        assert SECRET_MARKER not in done.stdout + done.stderr
    for path in tmp_path.glob("*.*"):
        if path.suffix in (".json", ".md"):
            assert SECRET_MARKER not in path.read_text()


def test_import_prints_the_plans_own_errors_writes_the_plan_and_exits_1(write, tmp_path):
    out = tmp_path / "plan.json"
    text = "gateway: {replicas: 1}\npostgresql: {enabled: false}\n"  # no database host
    done = manage("import_values", write(text), "--out", str(out))
    assert done.returncode == 1 and "db_host_missing" in done.stderr
    assert json.loads(out.read_text())["target"] == "v2"


def test_import_takes_the_release_and_namespace_options(write, tmp_path):
    out = tmp_path / "plan.json"
    done = manage(
        "import_values",
        write(V2_REALISTIC),
        "--out",
        str(out),
        "--release",
        "ml",
        "--namespace",
        "ml-ns",
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads(out.read_text())
    assert (plan["release"], plan["namespace"]) == ("ml", "ml-ns")
