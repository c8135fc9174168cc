"""Every shell block of every runbook, run for real: `bash -n`, shellcheck, and bash with recording
stand-ins for the cluster tools on PATH. Hostile strings fill every free-text field of the plan; a
payload that runs leaves a CANARY file behind, and every value must reach its command as one
argument (or one `NAME=value` / `--opt=value` unit). The kubectl stand-in also runs what follows
`--` of `kubectl exec` / `kubectl run`, so a value spliced into a remote `sh -c` is caught too."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.plans import make_plan
from wizard.core.plan import Plan, Store
from wizard.core.runbook import to_runbook

PG_ENV = ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSSLMODE")
FENCE = re.compile(r"^(`{3,})sh\n(.*?)^\1$", re.S | re.M)
TOOLS = (
    "kubectl",
    "helm",
    "pg_dump",
    "pg_restore",
    "psql",
    "gcloud",
    "aws",
    "az",
    "eksctl",
    "gsutil",
    "curl",
    "polyaxon",
    "openssl",
    "sudo",
    "base64",
)
# Each payload creates a CANARY file if any shell (local, or the simulated pod's) runs it.
HOSTILE = (
    "$(touch CANARY1)",
    "`touch CANARY2`",
    "'; touch CANARY3; '",
    '"; touch CANARY4; "',
    "x\ntouch CANARY5\n",
    "'$(touch CANARY6)'",
    "\\'$(touch${IFS}CANARY7)\\'",
    "a'b\"c $(touch CANARY8) `touch CANARY9`; touch CANARY10 # \\\n```\nX",
    "--help; touch CANARY11",
)
STAND_IN = r"""#!/bin/bash
# records its argv (NUL-separated) in a file of its own (calls run at once in <(...) must not
# interleave), then plays its part
me=${0##*/}
{ printf '%s\0' "$me" "$@"
  if [[ $me == pg_* || $me == psql ]]; then
    for v in PGHOST PGPORT PGUSER PGDATABASE PGSSLMODE; do printf 'ENV:%s=%s\0' "$v" "${!v}"; done
  fi; } > "$ARGV_LOG/$BASHPID.$RANDOM$RANDOM"
if [[ $me == kubectl && ( $1 == exec || $1 == run ) ]]; then
  pod_env=()
  for ((i = 1; i <= $#; i++)); do
    if [[ ${!i} == --env=* ]]; then pod_env+=("${!i#--env=}"); fi
    if [[ ${!i} == -- ]]; then shift "$i"; exec env "${pod_env[@]}" "$@"; fi
  done
fi
exit 0
"""


def blocks(markdown: str) -> list[str]:
    return [m.group(2) for m in FENCE.finditer(markdown)]


def pour(obj, text: str):
    """Every free-text string field (no fixed choices) of a plan section set to `text`."""
    if isinstance(obj, tuple):
        return tuple(pour(item, text) for item in obj)
    if not dataclasses.is_dataclass(obj):
        return obj
    changes = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, str):
            if "choices" not in f.metadata:
                changes[f.name] = text
        elif dataclasses.is_dataclass(value) or isinstance(value, tuple):
            changes[f.name] = pour(value, text)
    return dataclasses.replace(obj, **changes)


def shapes() -> list[Plan]:
    """Plans that between them render every runbook branch that names a user value."""
    every_store = tuple(
        Store(name=kind, kind=kind, secret="s", secret_key="k", claim="c", host_path="/h")
        for kind in ("s3", "gcs", "azure", "claim", "host-path")
    )
    out = [
        make_plan(base, database={"kind": kind}, storage={"data": every_store}, tls={"mode": tls})
        for base, kind, tls in (
            ("v06-legacy", "external", "existing-secret"),
            ("v06-legacy", "in-cluster", "cert-manager"),
            ("v2-per-class-gke", "in-cluster", "existing-secret"),
            ("v2-two-pool-aws", "external", "cert-manager"),
        )
    ]
    out.append(make_plan(tls={"ingress": False, "mode": "existing-secret"}))
    return out


def hostile(plan: Plan, text: str) -> Plan:
    fields = {f.name: pour(getattr(plan, f.name), text) for f in dataclasses.fields(plan)}
    fields["kept"] = plan.kept
    return dataclasses.replace(plan, **fields)


@pytest.fixture(scope="module")
def bindir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bin")
    for tool in TOOLS:
        script = path / tool
        script.write_text(STAND_IN)
        script.chmod(0o755)
    return path


def run_blocks(markdown: str, bindir: Path, workdir: Path) -> list[list[str]]:
    """Run each block in its own subshell of one bash; the recorded calls, each an argv list."""
    log = workdir / "argv.d"
    log.mkdir()
    # what the reader exports first (the pod's own PG* variables come from `--env`)
    env_names = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", markdown)) - set(PG_ENV)
    env = {
        "PATH": f"{bindir}:/usr/bin:/bin",
        "HOME": str(workdir),
        "ARGV_LOG": str(log),
        "stamp": "20260101-000000",
        **{name: "value-of-" + name for name in env_names},
    }
    script = "".join(f"(\n{block}\n)\n" for block in blocks(markdown))
    subprocess.run(
        ["bash", "-c", script],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return [path.read_text().split("\0")[:-1] for path in sorted(log.iterdir())]


def canaries(workdir: Path) -> list[str]:
    return [p.name for p in workdir.rglob("CANARY*")]


def test_every_block_of_every_hostile_runbook_passes_bash_syntax_check():
    failures = []
    for plan in shapes():
        for text in HOSTILE:
            for block in blocks(to_runbook(hostile(plan, text))):
                done = subprocess.run(["bash", "-n"], input=block, text=True, capture_output=True)
                if done.returncode:
                    failures.append((text, block, done.stderr))
    assert not failures, failures[:3]


@pytest.fixture(scope="module")
def hostile_runs(bindir, tmp_path_factory) -> dict[str, list[tuple[list[list[str]], list[str]]]]:
    """For each hostile text: per plan shape, the recorded calls and the CANARY files left."""
    runs = {}
    for text in HOSTILE:
        runs[text] = []
        for plan in shapes():
            workdir = tmp_path_factory.mktemp("run")
            calls = run_blocks(to_runbook(hostile(plan, text)), bindir, workdir)
            runs[text].append((calls, canaries(workdir)))
    return runs


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_running_every_block_executes_no_hostile_value(text, hostile_runs):
    for calls, left in hostile_runs[text]:
        assert calls, "the stand-ins recorded nothing"
        assert not left, "a value was executed as a command"


def json_strings(arg: str) -> list[str] | None:
    """Every key and string value of an argument that is a JSON document (the provider CLIs take
    labels and taints as JSON: `aws eks update-nodegroup-config --labels '{...}'`), else None."""
    try:
        doc = json.loads(arg)
    except ValueError:
        return None
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                found.append(key)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)

    walk(doc)
    return found if isinstance(doc, (dict, list)) else None


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_every_hostile_value_reaches_its_command_as_one_argument(text, hostile_runs):
    for calls, _ in hostile_runs[text]:
        args = [a for call in calls for a in call]
        assert any(text in a for a in args), "the value never reached a command"
        for arg in args:
            if "CANARY" not in arg:
                continue
            strings = json_strings(arg)
            if strings is not None:  # a JSON document: the value is one whole string in it
                assert all(s == text for s in strings if "CANARY" in s), arg
                continue
            before = arg.split(text)[0] if text in arg else None
            assert before is not None, f"a value arrived split or altered: {arg!r}"
            assert before == "" or before.endswith(("=", "/", "-")), arg


def test_database_names_reach_pg_dump_as_environment_data(bindir, tmp_path):
    for kind in ("external", "in-cluster"):
        workdir = tmp_path / kind
        workdir.mkdir()
        plan = make_plan(database={"kind": kind, "name": "$(touch CANARY)", "user": "u$(id)"})
        calls = run_blocks(to_runbook(plan), bindir, workdir)
        dumps = [call for call in calls if call[0] == "pg_dump"]
        assert dumps, "pg_dump never ran"
        assert "ENV:PGDATABASE=$(touch CANARY)" in dumps[0]
        assert not canaries(workdir)


hostile_fragments = st.lists(
    st.one_of(
        st.sampled_from(
            ["$(touch CANARY)", "`touch CANARY`", "'", '"', "\\", "\n", "```", "${IFS}", ";", "#"]
            + ["&", "|", "<", ">", "$", "!", "*", "~", "{", "}", " -- ", "--x=", "="]
        ),
        # NUL and lone surrogates never reach a plan (the codec and the forms refuse them)
        st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=4),
    ),
    min_size=1,
    max_size=8,
).map("".join)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=hostile_fragments, shape=st.integers(0, 4))
def test_hypothesis_hostile_text_in_every_field_runs_nothing(text, shape, bindir, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("run")
    markdown = to_runbook(hostile(shapes()[shape], text))
    for block in blocks(markdown):
        done = subprocess.run(["bash", "-n"], input=block, text=True, capture_output=True)
        assert done.returncode == 0, (block, done.stderr)
    run_blocks(markdown, bindir, workdir)
    assert not canaries(workdir)


def shellcheck(block_texts: list[str], tmp_path: Path, *extra: str) -> str:
    files = []
    for i, text in enumerate(block_texts):
        path = tmp_path / f"block{i:02d}.sh"
        path.write_text(text)
        files.append(str(path))
    done = subprocess.run(
        ["shellcheck", "--shell=bash", "--format=gcc", *extra, *files],
        capture_output=True,
        text=True,
    )
    return done.stdout + done.stderr


needs_shellcheck = pytest.mark.skipif(
    shutil.which("shellcheck") is None,
    reason="shellcheck is not installed (apt-get install shellcheck)",
)


@needs_shellcheck
@pytest.mark.parametrize("text", ("plain", *HOSTILE), ids=range(len(HOSTILE) + 1))
def test_shellcheck_finds_no_warning_in_any_block(text, tmp_path):
    texts = []
    for plan in shapes():
        plan = plan if text == "plain" else hostile(plan, text)
        texts += blocks(to_runbook(plan))
    assert shellcheck(texts, tmp_path, "--severity=warning") == ""


@needs_shellcheck
def test_shellcheck_finds_nothing_at_all_in_the_backup_and_restore_blocks(tmp_path):
    texts = []
    for plan in shapes():
        markdown = to_runbook(plan)
        for title in ("Backups before any upgrade", "Roll back"):
            section = markdown.split(title, 1)[1].split("\n## ", 1)[0]
            texts += blocks(section)
    assert texts
    assert shellcheck(texts, tmp_path) == ""


def test_stand_ins_catch_a_spliced_remote_command(bindir, tmp_path):
    """The harness itself: a value spliced into a pod's `sh -c` leaves a CANARY."""
    block = "kubectl exec statefulset/x -- sh -c 'pg_dump $(touch CANARY)'"
    run_blocks(f"```sh\n{block}\n```\n", bindir, tmp_path)
    assert canaries(tmp_path)
