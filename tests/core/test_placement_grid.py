"""The review's picture from core: cell texts readable without colour, rows grouped by node pool,
and what lands nowhere with why."""

from __future__ import annotations

from pathlib import Path

from tests.plans import example
from wizard.core import inventory, placement
from wizard.core.inventory import Node, Taint
from wizard.core.placement import Fit, PodScheduling, Reason, fit, fit_text

GKE = Path(__file__).resolve().parents[2] / "examples" / "inventories" / "gke.nodes.json"


def test_a_cell_where_the_pod_fits_says_lands():
    assert fit_text(fit(PodScheduling(), Node("n"))) == "lands"


def test_a_prefer_no_schedule_taint_says_avoided():
    node = Node("n", taints=(Taint("k", "v", "PreferNoSchedule"),))
    assert fit_text(fit(PodScheduling(), node)) == "avoided (PreferNoSchedule)"


def test_a_blocked_cell_says_no_and_every_reason():
    node = Node("n", taints=(Taint("k", "v", "NoSchedule"),), unschedulable=True)
    text = fit_text(fit(PodScheduling(node_selector=(("pool", "a"),)), node))
    assert text.startswith("no: ")
    assert "pool=a" in text and "k=v:NoSchedule" in text and "cordoned" in text


def test_a_blocked_cell_leaves_out_the_soft_reasons():
    blocked = Fit(False, (Reason("label", "a=b"), Reason("avoid", "k:PreferNoSchedule")))
    assert "PreferNoSchedule" not in fit_text(blocked)


def test_grid_rows_are_grouped_by_the_provider_node_pool_label():
    where = placement.place(
        example("v2-per-class-gke"), inventory.parse_inventory(GKE.read_bytes())
    )
    groups = placement.grid(where)
    assert [g for g, _ in groups] == ["default-pool", "core", "gpu-t4", "cpu", "interactive-spot"]
    assert sum(len(rows) for _, rows in groups) == len(where.nodes)
    assert all(len(row.cells) == len(where.workloads) for _, rows in groups for row in rows)


def test_nowhere_lists_the_class_no_node_takes_with_why():
    where = placement.place(
        example("v2-per-class-gke"), inventory.parse_inventory(GKE.read_bytes())
    )
    found = placement.nowhere(where)
    assert [w.key for w, _ in found] == ["runs:builds"]
    assert "polyaxon.com/pool=builds" in found[0][1]
    assert dict((w.key, n) for w, n in placement.columns(where))["runs:builds"] == 0


def test_grid_with_a_limit_keeps_the_first_nodes_only():
    where = placement.place(
        example("v2-per-class-gke"), inventory.parse_inventory(GKE.read_bytes())
    )
    rows = [row.node for _, rows in placement.grid(where, 4) for row in rows]
    assert rows == list(where.nodes[:4])
