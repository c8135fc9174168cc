"""The runbook's node step with the cluster's inventory: real node names, and only what a node
lacks (kubectl pools); managed providers keep their node-pool commands."""

from __future__ import annotations

from shlex import quote

from tests.core.test_runbook_shell import (
    HOSTILE,
    bindir,
    blocks,
    canaries,
    needs_shellcheck,
    run_blocks,
    shellcheck,
)
from tests.plans import make_plan
from wizard.core import bundle
from wizard.core.inventory import from_document
from wizard.core.plan import Label, Pool, Scheduling
from wizard.core.runbook import to_runbook

__all__ = ["bindir"]  # the stand-in tools' fixture, shared with the shell tests

PLAN = make_plan(scheduling=Scheduling(provider="other"))  # core polyaxon=core (tainted), workloads


def node(name: str, labels: dict, taints=()) -> dict:
    return {
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": {"taints": list(taints)},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }


CORE_TAINT = {"key": "polyaxon", "value": "core", "effect": "NoSchedule"}


def inventory(*nodes: dict):
    return from_document({"kind": "List", "items": list(nodes)})


def node_step(markdown: str) -> str:
    start = markdown.index("Label and taint the nodes")
    return markdown[start : markdown.index("\n## ", start)]


def test_the_node_step_names_the_inventory_nodes_instead_of_placeholders():
    inv = inventory(
        node("core-a", {"polyaxon": "core"}),
        node("work-a", {"polyaxon": "workloads"}),
    )
    step = node_step(to_runbook(PLAN, inv))
    assert "kubectl taint nodes core-a polyaxon=core:NoSchedule --overwrite" in step
    assert "core-node-1" not in step and "$CORE_NODES" not in step
    assert "$WORKLOAD_NODES" not in step


def test_a_label_a_node_already_has_gets_no_label_command():
    inv = inventory(
        node("core-a", {"polyaxon": "core"}, [CORE_TAINT]),
        node("work-a", {"polyaxon": "workloads"}),
    )
    step = node_step(to_runbook(PLAN, inv))
    assert "kubectl label" not in step
    assert "kubectl taint" not in step  # the core node is tainted already, workloads untainted


def test_a_partly_labelled_node_gets_only_the_labels_it_lacks():
    plan = make_plan(
        scheduling=Scheduling(
            provider="other",
            core=Pool(labels=(Label("polyaxon", "core"), Label("tier", "platform")), taint=True),
        )
    )
    inv = inventory(
        node("core-a", {"polyaxon": "core", "tier": "platform"}, [CORE_TAINT]),
        node("core-b", {"polyaxon": "core"}),
        node("work-a", {"polyaxon": "workloads"}),
    )
    step = node_step(to_runbook(plan, inv))
    assert "kubectl label nodes core-b tier=platform --overwrite" in step
    assert "polyaxon=core --overwrite" not in step and "core-a tier" not in step
    assert "kubectl taint nodes core-b polyaxon=core:NoSchedule --overwrite" in step
    assert "kubectl label nodes core-b tier-" in step  # undo removes only what was added


def test_only_the_untainted_nodes_of_a_tainted_pool_are_tainted():
    inv = inventory(
        node("core-a", {"polyaxon": "core"}, [CORE_TAINT]),
        node("core-b", {"polyaxon": "core"}),
    )
    step = node_step(to_runbook(PLAN, inv))
    assert "kubectl taint nodes core-b polyaxon=core:NoSchedule --overwrite" in step
    assert "core-a polyaxon" not in step


def test_a_pool_no_node_carries_keeps_its_placeholder_and_lists_free_nodes():
    inv = inventory(node("core-a", {"polyaxon": "core"}, [CORE_TAINT]), node("spare-1", {}))
    step = node_step(to_runbook(PLAN, inv))
    assert 'export WORKLOAD_NODES="workload-node-1 workload-node-2"' in step
    assert "kubectl label nodes $WORKLOAD_NODES polyaxon=workloads --overwrite" in step
    assert "`spare-1`" in step and "`core-a`" not in step.split("no pool claims")[1]


def test_managed_providers_keep_their_node_pool_commands_with_an_inventory():
    plan = make_plan("v2-per-class-gke")
    inv = inventory(node("gke-core-1", {"polyaxon.com/pool": "core"}))
    assert node_step(to_runbook(plan, inv)) == node_step(to_runbook(plan))
    assert "gcloud container node-pools update" in node_step(to_runbook(plan, inv))


def test_without_an_inventory_the_runbook_is_unchanged():
    assert to_runbook(PLAN, None) == to_runbook(PLAN)


def test_the_bundle_runbook_uses_the_inventory():
    inv = inventory(node("core-a", {"polyaxon": "core"}))
    files = bundle.render_files(PLAN, inv)
    assert files[bundle.RUNBOOK_FILE] == to_runbook(PLAN, inv)
    assert "core-a" in files[bundle.RUNBOOK_FILE]


def test_placement_findings_are_open_points_of_the_runbook():
    inv = inventory(node("core-a", {"polyaxon": "core"}, [CORE_TAINT]))  # no workloads node
    title = to_runbook(PLAN, inv).split("\n## ", 1)[0]
    assert "`class_lands_nowhere`" in title
    assert "`class_lands_nowhere`" not in to_runbook(PLAN).split("\n## ", 1)[0]


def test_hostile_node_names_reach_kubectl_as_one_argument_and_run_nothing(bindir, tmp_path):
    for i, text in enumerate(HOSTILE):
        workdir = tmp_path / str(i)
        workdir.mkdir()
        name = f"core-{text}"
        inv = inventory(node(name, {"polyaxon": "core"}), node(f"w-{text}", {"polyaxon": "x"}))
        markdown = to_runbook(PLAN, inv)
        assert quote(name) in node_step(markdown)
        calls = run_blocks(markdown, bindir, workdir)
        taints = [c for c in calls if c[:3] == ["kubectl", "taint", "nodes"]]
        assert taints and taints[0][3] == name
        assert not canaries(workdir)


@needs_shellcheck
def test_shellcheck_finds_no_warning_in_the_node_step_with_hostile_node_names(tmp_path):
    texts = []
    for text in ("plain", *HOSTILE):
        inv = inventory(
            node(f"core-{text}", {"polyaxon": "core"}),
            node(f"part-{text}", {"polyaxon": "workloads"}),
            node(f"free-{text}", {}),
        )
        texts += blocks(node_step(to_runbook(PLAN, inv)))
    assert shellcheck(texts, tmp_path, "--severity=warning") == ""
