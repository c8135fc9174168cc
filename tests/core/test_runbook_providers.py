"""The runbook on GKE, EKS, AKS and a plain cluster: node pools through the provider's own CLI,
reserved labels never touched, secrets that stay put, storage ownership and troubleshooting."""

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.core.test_runbook import blocks
from tests.plans import example, make_plan, pool
from wizard.core.plan import Redis, Store, Toleration
from wizard.core.rules import is_reserved_label_key
from wizard.core.runbook import to_runbook
from wizard.core.values import GUIDE, GUIDE_V2, to_yaml

PROVIDERS = ("gke", "eks", "aks", "other")
POOL_COMMAND = {
    "gke": "gcloud container node-pools update",
    "eks": "aws eks update-nodegroup-config",
    "aks": "az aks nodepool update",
    "other": "kubectl label nodes",
}
RESERVED = (
    "cloud.google.com/gke-nodepool=core-pool",
    "eks.amazonaws.com/nodegroup=core",
    "agentpool=core",
    "kubernetes.azure.com/mode=system",
    "kubernetes.io/os=linux",
    "node.kubernetes.io/instance-type=n2-standard-8",
    "topology.kubernetes.io/zone=europe-west1-b",
)


def section(markdown: str, title: str) -> str:
    match = re.search(
        rf"^## \d+\. {re.escape(title)}\n(.*?)(?=^## \d+\. |\Z)", markdown, re.S | re.M
    )
    assert match, title
    return match.group(1)


def words(block: str) -> list[list[str]]:
    """Each command line of a block split as the shell would (continuations joined)."""
    joined = block.replace("\\\n", " ")
    return [shlex.split(line, comments=True) for line in joined.splitlines() if line.strip()]


def reserved_plan(provider: str, target: str = "v2"):
    """Every pool selects provider- or kubelet-owned labels next to its own."""
    return make_plan(
        "v06-legacy" if target == "v0.6" else "v2-per-class-gke",
        scheduling={
            "provider": provider,
            "core": pool("polyaxon.com/pool=core", *RESERVED, taint=True),
            "workloads": pool("polyaxon.com/pool=work", "kubernetes.io/arch=amd64"),
            "mode": "two-pool",
        },
    )


def node_commands(plan) -> list[list[str]]:
    text = section(to_runbook(plan), "Label and taint the nodes")
    return [argv for block in blocks(text) for argv in words(block) if argv]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_node_step_uses_the_providers_node_pool_command(provider):
    lines = [" ".join(argv) for argv in node_commands(reserved_plan(provider))]
    assert any(line.startswith(POOL_COMMAND[provider]) for line in lines)


@pytest.mark.parametrize("provider", ("gke", "eks", "aks"))
def test_managed_pools_are_never_labelled_or_tainted_with_kubectl(provider):
    for argv in node_commands(reserved_plan(provider)):
        assert argv[:2] not in (["kubectl", "label"], ["kubectl", "taint"]), argv


@pytest.mark.parametrize("target", ("v2", "v0.6"))
@pytest.mark.parametrize("provider", PROVIDERS)
def test_node_step_never_sets_or_removes_a_reserved_label(provider, target):
    for argv in node_commands(reserved_plan(provider, target)):
        if argv[0] == "kubectl" and argv[1] == "get":
            continue  # reading a selector is fine: that is the check
        for word in argv:
            for key in re.findall(r"[A-Za-z0-9./-]+(?==|-$|\"|:)", word):
                assert not is_reserved_label_key(key), (key, argv)


def test_undo_on_a_single_pool_keeps_kubernetes_io_os():
    plan = make_plan(
        scheduling={"provider": "other", "core": pool("kubernetes.io/os=linux", "polyaxon=core")}
    )
    undo = section(to_runbook(plan), "Label and taint the nodes").split("Undo:")[1]
    assert "kubernetes.io/os" not in undo
    assert "polyaxon-" in undo


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_selector_on_a_reserved_label_is_checked_on_the_nodes(provider):
    text = section(to_runbook(reserved_plan(provider)), "Label and taint the nodes")
    checks = [
        argv for b in blocks(text) for argv in words(b) if argv[:3] == ["kubectl", "get", "nodes"]
    ]
    selectors = [argv[argv.index("-l") + 1] for argv in checks]
    assert any("kubernetes.io/os=linux" in s and "agentpool=core" in s for s in selectors)


def test_eks_taint_is_set_on_the_node_group_with_the_api_effect_name():
    argv = next(
        a
        for a in node_commands(reserved_plan("eks"))
        if a[:3] == ["aws", "eks", "update-nodegroup-config"]
    )
    taints = yaml.safe_load(argv[argv.index("--taints") + 1])
    assert taints == {
        "addOrUpdateTaints": [
            {"key": "polyaxon.com/pool", "value": "core", "effect": "NO_SCHEDULE"}
        ]
    }


def test_gke_pool_gets_labels_and_taints_through_node_pool_flags():
    lines = [" ".join(a) for a in node_commands(reserved_plan("gke"))]
    assert any("--node-labels=polyaxon.com/pool=core" in line for line in lines)
    assert any("--node-taints=polyaxon.com/pool=core:NoSchedule" in line for line in lines)
    assert any(line.startswith("gcloud container node-pools create") for line in lines)


def test_aks_pool_gets_labels_and_taints_through_nodepool_flags():
    argv = next(
        a
        for a in node_commands(reserved_plan("aks"))
        if a[:4] == ["az", "aks", "nodepool", "update"]
    )
    assert argv[argv.index("--labels") + 1] == "polyaxon.com/pool=core"
    assert argv[argv.index("--node-taints") + 1] == "polyaxon.com/pool=core:NoSchedule"


# --- shell safety for every provider

HOSTILE = "a'b\"c $(touch CANARY1) `touch CANARY2`; touch CANARY3 # \\\n```\nX"
STUBS = (
    "kubectl",
    "helm",
    "pg_dump",
    "pg_restore",
    "curl",
    "aws",
    "gsutil",
    "az",
    "gcloud",
    "polyaxon",
    "openssl",
    "sudo",
    "base64",
)


def hostile(provider: str):
    return make_plan(
        release=HOSTILE,
        namespace=HOSTILE,
        scheduling={
            "provider": provider,
            "core": pool(f"{HOSTILE}={HOSTILE}", taint=True),
            "workloads": pool(f"k={HOSTILE}", "kubernetes.io/os=linux"),
        },
        storage={"artifacts": Store(name=HOSTILE, kind="claim", claim=HOSTILE)},
        secrets={"name": HOSTILE},
        tls={"ingress": False, "mode": "none", "host": ""},
    )


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_block_passes_bash_syntax_check(provider):
    for plan in (hostile(provider), reserved_plan(provider), reserved_plan(provider, "v0.6")):
        for block in blocks(to_runbook(plan)):
            result = subprocess.run(["bash", "-n"], input=block, text=True, capture_output=True)
            assert result.returncode == 0, (result.stderr, block)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_hostile_values_reach_commands_as_single_arguments(tmp_path, provider):
    plan = hostile(provider)
    text = to_runbook(plan)
    log = tmp_path / "argv.log"
    stub = "".join(
        f'{cmd}() {{ printf "%s\\0" "{cmd}" "$@" >> "$ARGV_LOG"; printf "\\x1e" >> "$ARGV_LOG"; }}\n'
        for cmd in STUBS
    )
    names = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", text))
    env = {**os.environ, "ARGV_LOG": str(log), **{n: "value-of-" + n for n in names}}
    for block in blocks(text):
        subprocess.run(
            ["bash", "-c", stub + block], cwd=tmp_path, env=env, capture_output=True, timeout=20
        )
    assert not list(Path(tmp_path).glob("CANARY*")), "a quoted value was executed"
    calls = [c.split("\0")[:-1] for c in log.read_text().split("\x1e") if c]
    hits = [a for call in calls for a in call if HOSTILE in a]
    assert hits
    for arg in hits:
        prefix = arg.split(HOSTILE)[0]
        assert arg == HOSTILE or prefix.endswith(("=", "/", ",")) or arg.startswith(HOSTILE), arg


# --- secrets that stay put


def test_every_key_the_plan_needs_is_checked_in_the_secret_and_added_when_missing():
    plan = make_plan(components={"scheduler": True})
    text = section(to_runbook(plan), "Namespace and secrets")
    loop = next(b for b in blocks(text) if b.startswith("for key in"))
    assert "POLYAXON_REDIS_PASSWORD" in loop.splitlines()[0]
    assert "kubectl patch secret polyaxon-secrets" in loop


def test_keys_for_email_kept_from_an_import_are_required_in_the_secret():
    plan = make_plan(kept={"email": {"enabled": True, "host": "smtp.example.com"}})
    loop = next(b for b in blocks(to_runbook(plan)) if b.startswith("for key in"))
    assert "POLYAXON_EMAIL_HOST_PASSWORD" in loop.splitlines()[0]


def test_external_db_password_is_passed_so_the_chart_renders_no_random_one():
    text = to_runbook(example("v2-two-pool-aws"))
    assert "--set-file externalServices.postgresql.password=<(secret POLYAXON_DB_PASSWORD)" in text


def test_scheduler_with_redis_broker_fixes_the_unused_rabbitmq_password():
    text = to_runbook(make_plan(components={"scheduler": True, "broker": "redis"}))
    assert "--set-string externalServices.rabbitmq.password=" in text


def test_external_redis_password_is_passed_from_the_secret():
    plan = make_plan(
        components={"scheduler": True, "redis": Redis(kind="external", host="redis.internal")}
    )
    assert (
        "--set-file externalServices.redis.password=<(secret POLYAXON_REDIS_PASSWORD)"
        in to_runbook(plan)
    )


@pytest.mark.parametrize("name", ("v2-two-pool-aws", "v06-legacy"))
def test_pods_are_restarted_after_a_rotation(name):
    text = section(to_runbook(example(name)), "Install or upgrade")
    assert "kubectl rollout restart deployment" in text.split("helm upgrade --install")[1]


# --- verify, storage, links, troubleshooting


def test_v2_verify_selects_pods_by_the_charts_own_labels():
    text = section(to_runbook(example("v2-two-pool-aws")), "Verify")
    assert "type=polyaxon-core" not in text
    assert "-l release=polyaxon,app.kubernetes.io/component=polyaxon-api" in text
    assert "-l app.kubernetes.io/part-of=polyaxon-core" in text


def test_artifacts_claim_is_checked_to_be_read_write_many():
    plan = make_plan(storage={"artifacts": Store(name="artifacts", kind="claim", claim="plx")})
    text = section(to_runbook(plan), "Durable storage")
    assert "must be ReadWriteMany" in text
    assert "grep -q ReadWriteMany" in text


def test_v2_claim_gets_an_ownership_step_for_the_run_uid_and_gid():
    plan = make_plan(
        storage={"artifacts": Store(name="artifacts", kind="claim", claim="plx")},
        security={"uid": 3000, "gid": 4000},
    )
    text = section(to_runbook(plan), "Durable storage")
    assert '"chown", "-R", "3000:4000"' in text
    assert 'claimName: "plx"' in text


def test_v2_host_path_gets_an_ownership_step():
    plan = make_plan(storage={"artifacts": Store(name="a", kind="host-path", host_path="/mnt/a")})
    assert "sudo chown -R 2222:2222 /mnt/a" in to_runbook(plan)


def test_v2_output_links_the_v2_guide_not_the_0_6_one():
    plan = example("v2-two-pool-aws")
    for text in (to_runbook(plan), to_yaml(plan)):
        assert GUIDE_V2 in text
        assert "v0.6.1" not in text


def test_legacy_output_keeps_the_0_6_guide():
    assert GUIDE in to_runbook(example("v06-legacy"))


def test_troubleshooting_explains_pending_pods_with_events_and_node_labels():
    text = section(to_runbook(example("v2-per-class-gke")), "Troubleshooting")
    assert "--field-selector=status.phase=Pending" in text
    assert "kubectl describe pod" in text
    assert "kubectl get events" in text
    assert "-L polyaxon.com/pool,cloud.google.com/gke-accelerator" in text


def test_troubleshooting_reads_logs_by_the_v2_component_labels():
    text = section(to_runbook(example("v2-two-pool-aws")), "Troubleshooting")
    for component in ("polyaxon-api", "polyaxon-workers", "polyaxon-agent"):
        assert f"app.kubernetes.io/component={component}" in text


def test_troubleshooting_port_forwards_only_without_ingress():
    without = make_plan(tls={"ingress": False, "mode": "none"})
    assert "polyaxon port-forward --namespace polyaxon --release-name polyaxon" in to_runbook(
        without
    )
    assert "port-forward" not in to_runbook(example("v2-two-pool-aws"))


def test_troubleshooting_gives_the_guides_notebook_and_local_run_advice():
    text = section(to_runbook(example("v2-two-pool-aws")), "Troubleshooting")
    assert "polyaxon run --hub notebook" in text
    assert "polyaxon run -f polyaxonfile.yaml --local" in text


def test_tolerating_pool_does_not_get_the_untolerated_taint_finding():
    from tests.plans import codes

    tol = Toleration("polyaxon", "Equal", "core", "NoSchedule")
    assert "core_taint_not_tolerated" not in codes(
        make_plan(scheduling={"workloads": pool("polyaxon=core", tolerations=[tol])})
    )


def test_a_missing_key_is_patched_in_as_base64_of_the_exported_value(tmp_path):
    import base64
    import json

    text = to_runbook(make_plan(components={"scheduler": True}))
    loop = next(b for b in blocks(text) if b.startswith("for key in"))
    # kubectl stand-in: the Secret has every key but the Redis password; a patch is recorded.
    stub = (
        'kubectl() { if [ "$1" = get ]; then '
        '[ "$7" = "jsonpath={.data.POLYAXON_REDIS_PASSWORD}" ] || echo present; return 0; fi; '
        'printf "%s\\n" "$@" > "$OUT"; }\n'
    )
    out = tmp_path / "patch"
    value = "p@ss w\"rd' $(x)"
    env = {**os.environ, "OUT": str(out), "POLYAXON_REDIS_PASSWORD": value}
    subprocess.run(["bash", "-c", stub + loop], env=env, check=True, capture_output=True)
    args = out.read_text().splitlines()
    patch = json.loads(args[args.index("-p") + 1])
    assert list(patch["data"]) == ["POLYAXON_REDIS_PASSWORD"]
    assert base64.b64decode(patch["data"]["POLYAXON_REDIS_PASSWORD"]).decode() == value
