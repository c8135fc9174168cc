"""The runbook: ordered steps, derived commands with undo, secrets only from the environment,
and every user value shell-quoted (proved by running the blocks in bash against stub commands)."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.plans import EXAMPLE_NAMES, example, make_plan, pool
from wizard.core.credentials import secret_entries
from wizard.core.runbook import to_runbook
from wizard.core.values import to_yaml

FENCE = re.compile(r"^(`{3,})sh\n(.*?)^\1$", re.S | re.M)
STUBS = (
    "kubectl",
    "helm",
    "pg_dump",
    "pg_restore",
    "curl",
    "aws",
    "gsutil",
    "az",
    "polyaxon",
    "openssl",
    "sudo",
    "base64",
    "gcloud",
)


def blocks(markdown: str) -> list[str]:
    return [m.group(2) for m in FENCE.finditer(markdown)]


def titles(markdown: str) -> list[str]:
    return re.findall(r"^## \d+\. (.+)$", markdown, re.M)


def test_steps_come_in_the_order_of_a_safe_install():
    assert titles(to_runbook(example("v2-two-pool-aws"))) == [
        "Prerequisites",
        "Label and taint the nodes",
        "Namespace and secrets",
        "Durable storage",
        "Backups before any upgrade",
        "Install or upgrade",
        "Run workloads on their pools",
        "Verify",
        "Roll back",
        "Troubleshooting",
    ]


def test_core_nodes_are_labelled_and_tainted_with_undo():
    text = to_runbook(make_plan(scheduling={"provider": "other"}))
    assert "kubectl label nodes $CORE_NODES polyaxon=core --overwrite" in text
    assert "kubectl taint nodes $CORE_NODES polyaxon=core:NoSchedule --overwrite" in text
    assert "kubectl label nodes $CORE_NODES polyaxon-" in text
    assert "kubectl taint nodes $CORE_NODES polyaxon=core:NoSchedule-" in text


def test_general_workload_pool_is_labelled_but_not_tainted():
    text = to_runbook(make_plan(scheduling={"provider": "other"}))
    assert "kubectl label nodes $WORKLOAD_NODES polyaxon=workloads --overwrite" in text
    assert "taint nodes $WORKLOAD_NODES" not in text


def test_per_class_pools_sharing_labels_are_labelled_once():
    text = to_runbook(example("v06-legacy"))
    assert text.count("polyaxon=experiments --overwrite") == 1
    assert "kubectl taint nodes $BUILDS_NODES polyaxon=builds:NoSchedule --overwrite" in text


def test_each_preset_is_checked_then_run():
    text = to_runbook(example("v2-per-class-gke"))
    for name in ("experiments", "jobs", "builds"):
        assert f"polyaxon check -f polyaxonfile.yaml -f presets/{name}.yaml" in text
        assert f"polyaxon run -f polyaxonfile.yaml -f presets/{name}.yaml" in text
    assert "polyaxon run --hub tensorboard -f presets/notebooks.yaml" in text


def test_v06_sets_run_defaults_in_the_ui_settings():
    text = to_runbook(example("v06-legacy"))
    assert "Settings → Scheduling" in text
    assert '| builds | `{"polyaxon": "builds"}` |' in text
    assert "| tensorboards |" in text


def test_v06_says_it_needs_helm_2_and_old_kubernetes():
    assert "Helm 2" in to_runbook(example("v06-legacy"))


def test_helm_command_pins_the_chart_version():
    assert "polyaxon/polyaxon --version 2.15.1 --namespace ml-platform" in to_runbook(
        example("v2-per-class-gke")
    )
    assert "polyaxon/polyaxon --version 0.6.1" in to_runbook(example("v06-legacy"))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_value_the_chart_would_regenerate_is_passed_on_install(name):
    text = to_runbook(example(name))
    for path in ("polyaxonSecret", "internalToken", "user.password"):
        assert f"--set-file {path}=<(secret " in text


def test_in_cluster_v2_db_sets_both_postgres_passwords_from_one_key():
    text = to_runbook(make_plan(database={"kind": "in-cluster"}))
    assert "--set-file postgresql.auth.password=<(secret POLYAXON_DB_PASSWORD)" in text
    assert "--set-file postgresql.auth.postgresPassword=<(secret POLYAXON_DB_PASSWORD)" in text


def backup_step(plan) -> str:
    return to_runbook(plan).split("Backups before any upgrade")[-1].split("\n## ")[0]


def test_external_db_is_backed_up_with_pg_dump_before_upgrades():
    text = to_runbook(example("v2-two-pool-aws"))
    assert text.index("pg_dump") < text.index("helm upgrade --install")
    assert "--env=PGHOST=polyaxon.c1abcdefgh.eu-west-1.rds.amazonaws.com" in text


def test_external_db_is_dumped_from_a_one_off_pod_in_the_namespace():
    backup = backup_step(example("v2-two-pool-aws"))
    assert "kubectl run polyaxon-pg-dump --namespace polyaxon --rm -i" in backup


def test_the_backup_step_says_to_skip_it_on_the_first_install():
    backup = backup_step(example("v2-two-pool-aws"))
    assert "first install" in backup.split("```")[0]


def test_in_cluster_db_is_backed_up_from_its_pod():
    text = to_runbook(make_plan(database={"kind": "in-cluster"}))
    assert "statefulset/polyaxon-postgresql -- \\\n  env PGDATABASE=polyaxon \\\n  sh -c" in text


def test_in_cluster_db_name_and_user_are_validated():
    from tests.plans import codes

    plan = make_plan(database={"kind": "in-cluster", "name": "$(x)", "user": "a b"})
    assert {"db_name_invalid", "db_user_invalid"} <= codes(plan)


def test_secrets_are_created_from_environment_variables_only():
    text = to_runbook(example("v2-two-pool-aws"))
    for entry in secret_entries(example("v2-two-pool-aws")):
        assert f'--from-literal={entry.key}="${entry.key}"' in text
    assert 'AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"' in text


def test_gcs_credentials_come_from_a_key_file():
    assert '--from-file=gc-secret.json="$GCS_KEY_FILE"' in to_runbook(example("v2-per-class-gke"))


def test_existing_certificate_becomes_a_tls_secret():
    assert (
        'kubectl create secret tls plx-acme-tls --namespace ml-platform --cert="$TLS_CERT_FILE"'
        in to_runbook(example("v2-per-class-gke"))
    )


def test_verification_covers_nodes_https_and_uid():
    text = to_runbook(example("v2-two-pool-aws"))
    assert "not on a core node" in text
    assert "curl -fsSI https://polyaxon.acme.example.com/" in text
    assert "-- id" in text


def test_open_warnings_are_listed_at_the_top():
    text = to_runbook(make_plan(tls={"mode": "none"}))
    assert "`tls_off`" in text.split("## 1.")[0]


def test_host_path_is_flagged_as_not_durable():
    from wizard.core.plan import Store

    text = to_runbook(
        make_plan(storage={"artifacts": Store(name="a", kind="host-path", host_path="/mnt/a")})
    )
    assert "is not durable" in text


# --- quoting and injection

HOSTILE = "a'b\"c $(touch CANARY1) `touch CANARY2`; touch CANARY3 # \\\n```\nX"


def hostile_plan(base="v2-two-pool-aws", **extra):
    return make_plan(
        base,
        release=HOSTILE,
        namespace=HOSTILE,
        scheduling={
            "core": pool(f"{HOSTILE}={HOSTILE}", taint=True),
            "workloads": pool(f"k={HOSTILE}"),
        },
        database={"host": HOSTILE, "user": HOSTILE, "name": HOSTILE},
        tls={"host": HOSTILE, "issuer": HOSTILE, "ingress_class": HOSTILE, "secret_name": HOSTILE},
        secrets={"name": HOSTILE},
        **extra,
    )


def test_a_hostile_value_cannot_break_out_of_a_code_fence():
    text = to_runbook(hostile_plan())
    prose = FENCE.sub("", text)
    assert any("CANARY1" in block for block in blocks(text))
    assert not re.search(r"^(kubectl|helm|pg_dump|polyaxon) ", prose, re.M), (
        "a command escaped its fence"
    )


def test_a_hostile_value_in_a_comment_cannot_inject_yaml():
    plan = make_plan(tls={"host": "x\nplatformSecret: evil\n\x85evil: 1\u2028more"})
    assert yaml.safe_load(to_yaml(plan))["platformSecret"] == "polyaxon-secrets"


@pytest.mark.parametrize("base", EXAMPLE_NAMES)
def test_running_every_block_in_bash_passes_hostile_values_as_single_arguments(tmp_path, base):
    from wizard.core.plan import Store

    extra = {}
    if base == "v2-two-pool-aws":
        extra["storage"] = {"artifacts": Store(name="a", kind="claim", claim=HOSTILE)}
    plan = hostile_plan(base, **extra)
    log = tmp_path / "argv.log"
    stub = "".join(
        f'{cmd}() {{ printf "%s\\0" "{cmd}" "$@" >> "$ARGV_LOG"; printf "\\x1e" >> "$ARGV_LOG"; }}\n'
        for cmd in STUBS
    )
    env_names = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", to_runbook(plan)))
    env = {**os.environ, "ARGV_LOG": str(log), **{name: "value-of-" + name for name in env_names}}
    for block in blocks(to_runbook(plan)):
        script = stub + block
        subprocess.run(
            ["bash", "-c", script],
            cwd=tmp_path,
            env=env,
            check=False,
            capture_output=True,
            timeout=20,
        )
    assert not list(Path(tmp_path).glob("CANARY*")), "a quoted value was executed"
    calls = [c.split("\0")[:-1] for c in log.read_text().split("\x1e") if c]
    args = [a for call in calls for a in call]
    hits = [a for a in args if HOSTILE in a]
    assert hits, "the hostile value never reached a command"
    for arg in hits:
        # whole, or as the value of an option/assignment (--host=..., key=value, name-)
        assert (
            arg == HOSTILE
            or arg.split(HOSTILE)[0].endswith(("=", "/", "--host="))
            or arg.startswith(HOSTILE)
        ), arg


def test_migration_notes_are_a_runbook_step_before_the_install():
    from wizard.core.plan import MigrationNote

    plan = make_plan(
        migration=(MigrationNote("rabbitmq-ha", "v2 Community Edition needs no broker."),)
    )
    text = to_runbook(plan)
    assert titles(text)[0] == "Migrating from Polyaxon 0.6"
    assert "- `rabbitmq-ha`: v2 Community Edition needs no broker." in text


def test_no_migration_step_for_a_plan_made_in_the_wizard():
    assert "Migrating" not in to_runbook(example("v2-two-pool-aws"))
