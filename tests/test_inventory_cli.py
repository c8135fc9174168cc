"""The example inventories through `render_values --nodes` and `lint_values --nodes`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INVENTORIES = ROOT / "examples" / "inventories"
PLACEMENT_CODES = {
    "component_lands_nowhere",
    "class_lands_nowhere",
    "core_single_node",
    "core_single_zone",
    "core_nodes_untainted",
    "class_on_core_nodes",
    "class_gpu_missing",
    "nodes_unused",
    "nodes_unavailable",
    "component_too_big",
    "core_capacity_low",
}
# (plan, inventory, the findings its shape implies); examples/inventories/README.md says why.
EXAMPLES = {
    "gke": ("examples/v2-per-class-gke.json", "gke.nodes.json", {"class_lands_nowhere"}),
    "eks": (
        "examples/v2-two-pool-aws.json",
        "eks.nodes.json",
        {"core_single_zone", "core_nodes_untainted", "component_too_big", "nodes_unused"},
    ),
    "aks": (
        "examples/inventories/aks.plan.json",
        "aks.nodes.json",
        {"core_single_node", "class_gpu_missing", "nodes_unavailable", "nodes_unused"},
    ),
    "bare-metal": (
        "examples/v06-legacy.json",
        "bare-metal.nodes.yaml",
        {"class_lands_nowhere", "nodes_unavailable", "nodes_unused"},
    ),
}


def manage(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def finding_codes(stderr: str) -> set[str]:
    codes = set()
    for line in stderr.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[0] in ("ERROR", "WARNING", "INFO"):
            codes.add(parts[1])
    return codes


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_inventory_gives_the_findings_its_shape_implies(name, tmp_path):
    plan, nodes, expected = EXAMPLES[name]
    done = manage(
        "render_values", plan, "--out", str(tmp_path), "--nodes", str(INVENTORIES / nodes)
    )
    assert finding_codes(done.stderr) & PLACEMENT_CODES == expected, done.stderr
    assert (tmp_path / "values.yaml").exists()


def test_placement_findings_never_fail_the_render(tmp_path):
    plan, nodes, _ = EXAMPLES["eks"]  # the gateway is too big for every core node
    done = manage(
        "render_values", plan, "--out", str(tmp_path), "--nodes", str(INVENTORIES / nodes)
    )
    assert done.returncode == 0
    assert "WARNING component_too_big" in done.stderr


def test_a_bad_inventory_exits_2_with_the_path(tmp_path):
    bad = tmp_path / "nodes.yaml"
    bad.write_text("items:\n- metadata: {name: a}\n  spec: {taints: [{key: x, effect: Never}]}\n")
    done = manage(
        "render_values",
        "examples/v2-two-pool-aws.json",
        "--out",
        str(tmp_path),
        "--nodes",
        str(bad),
    )
    assert done.returncode == 2
    assert "items[0].spec.taints[0].effect" in done.stderr


def test_a_missing_inventory_file_exits_2(tmp_path):
    done = manage(
        "render_values",
        "examples/v2-two-pool-aws.json",
        "--out",
        str(tmp_path),
        "--nodes",
        str(tmp_path / "none.json"),
    )
    assert done.returncode == 2


def test_lint_values_checks_the_imported_plan_against_the_nodes(tmp_path):
    rendered = tmp_path / "out"
    manage("render_values", "examples/v2-two-pool-aws.json", "--out", str(rendered))
    done = manage(
        "lint_values", str(rendered / "values.yaml"), "--nodes", str(INVENTORIES / "eks.nodes.json")
    )
    assert {"core_single_zone", "component_too_big"} <= {
        line.split(" ", 2)[1]
        for line in done.stdout.splitlines()
        if line.startswith(("ERROR", "WARNING", "INFO"))
    }
    assert done.returncode == 0  # placement findings are warnings


def test_render_values_with_nodes_prints_where_each_workload_lands(tmp_path):
    plan, nodes, _ = EXAMPLES["gke"]
    done = manage(
        "render_values", plan, "--out", str(tmp_path), "--nodes", str(INVENTORIES / nodes)
    )
    assert "lands on gateway (API): 3 nodes" in done.stdout
    assert "lands on runs: builds: 0 nodes" in done.stdout
