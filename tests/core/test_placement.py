"""Placement of a plan's pods on an inventory: which pods there are, and the findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plans import Toleration, make_plan, pool
from wizard.core import placement
from wizard.core.inventory import Inventory, Node, Taint, cpu_millis, memory_bytes
from wizard.core.placement import check_nodes, place, workloads

GI = 2**30
CORE_TAINT = Taint("polyaxon", "core", "NoSchedule")
CHART_VALUES = (
    Path(__file__).resolve().parents[3] / "shared/reference/charts/polyaxon-2.15.1/values.yaml"
)


def core(name: str, zone: str = "a", **extra) -> Node:
    extra.setdefault("cpu_millis", 4000)
    extra.setdefault("memory_bytes", 16 * GI)
    return Node(name, {"polyaxon": "core"}, (CORE_TAINT,), zone=zone, **extra)


def worker(name: str, zone: str = "a", gpus: int = 0, **labels) -> Node:
    return Node(
        name,
        {"polyaxon": "workloads", **labels},
        zone=zone,
        gpus=gpus,
        cpu_millis=8000,
        memory_bytes=32 * GI,
    )


def good_cluster(*more: Node) -> Inventory:
    return Inventory((core("c1", "a"), core("c2", "b"), core("c3", "c"), worker("w1"), *more))


def codes(plan, inv) -> set[str]:
    return {f.code for f in check_nodes(plan, inv)}


def by_code(plan, inv, code):
    return [f for f in check_nodes(plan, inv) if f.code == code]


def keys(plan) -> list[str]:
    return [w.key for w in workloads(plan)]


# --- which pods, with what scheduling ------------------------------------------------------------


def test_v2_core_components_carry_the_core_pools_selector_and_toleration():
    found = {w.key: w for w in workloads(make_plan())}
    for key in ("gateway", "agent", "operator", "cleaner"):
        assert found[key].scheduling.node_selector == (("polyaxon", "core"),)
        assert (
            Toleration("polyaxon", "Equal", "core", "NoSchedule")
            in found[key].scheduling.tolerations
        )


def test_a_components_own_selector_wins_over_the_global_one():
    plan = make_plan(kept={"gateway": {"nodeSelector": {"tier": "edge"}}})
    found = {w.key: w for w in workloads(plan)}
    assert found["gateway"].scheduling.node_selector == (("tier", "edge"),)
    assert found["agent"].scheduling.node_selector == (("polyaxon", "core"),)


def test_a_kept_required_node_affinity_is_read():
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}
                ]
            }
        }
    }
    plan = make_plan(kept={"operator": {"affinity": affinity}})
    found = {w.key: w for w in workloads(plan)}
    (term,) = found["operator"].scheduling.required_terms
    assert term.expressions[0].values == ("a",)


def test_an_external_database_deploys_no_postgresql_pod():
    assert "postgresql" not in keys(make_plan())


def test_an_in_cluster_database_is_pinned_to_the_core_pool():
    found = {w.key: w for w in workloads(make_plan(database={"kind": "in-cluster"}))}
    assert found["postgresql"].scheduling.node_selector == (("polyaxon", "core"),)


def test_in_cluster_redis_with_the_scheduler_adds_master_and_replica_pods():
    plan = make_plan(components={"scheduler": True, "broker": "redis"})
    assert {"redis-master", "redis-replica", "scheduler"} <= set(keys(plan))


def test_in_cluster_rabbitmq_counts_its_chart_request():
    plan = make_plan(components={"scheduler": True, "broker": "rabbitmq"})
    found = {w.key: w for w in workloads(plan)}
    assert found["rabbitmq"].requests == (300, 256 * 2**20)


def test_two_pool_classes_share_one_workload():
    runs = [w for w in workloads(make_plan()) if w.role == "runs"]
    assert [w.classes for w in runs] == [("experiments", "jobs", "builds", "notebooks")]


def test_v2_classes_are_scheduled_by_their_preset_files():
    runs = {w.classes: w for w in workloads(make_plan()) if w.role == "runs"}
    (only,) = runs.values()
    assert only.scheduling.node_selector == (("polyaxon", "workloads"),)


def test_builds_without_a_registry_connection_get_no_preset_and_no_constraint():
    plan = make_plan(scheduling={"registry_connection": ""})
    runs = {w.classes: w for w in workloads(plan) if w.role == "runs"}
    assert runs[("builds",)].scheduling == placement.PodScheduling()


def test_v06_core_deployments_share_the_global_scheduling_and_the_registry_is_pinned():
    plan = make_plan("v06-legacy")
    found = {w.key: w for w in workloads(plan)}
    assert found["core"].scheduling.node_selector == (("polyaxon", "core"),)
    assert found["docker-registry"].scheduling.node_selector == (("polyaxon", "core"),)
    assert "rabbitmq" in found


def test_v06_classes_use_their_pools_labels_and_taint_tolerations():
    plan = make_plan("v06-legacy")
    runs = {w.classes: w for w in workloads(plan) if w.role == "runs"}
    builds = runs[("builds",)].scheduling
    assert builds.node_selector == (("polyaxon", "builds"),)
    assert builds.tolerations == (Toleration("polyaxon", "Equal", "builds", "NoSchedule"),)


# --- findings --------------------------------------------------------------------------------------


def test_a_well_shaped_cluster_gives_no_warning_or_error():
    severe = [f for f in check_nodes(make_plan(), good_cluster()) if f.severity != "info"]
    assert severe == []


def test_core_without_labelled_nodes_lands_nowhere_and_names_the_missing_label():
    inv = Inventory((worker("w1"), worker("w2")))
    (found,) = [
        f for f in by_code(make_plan(), inv, "component_lands_nowhere") if "gateway" in f.message
    ]
    assert found.severity == "warning"
    assert "polyaxon=core" in found.message


def test_why_names_the_taint_that_keeps_a_class_off_its_nodes():
    plan = make_plan()
    inv = good_cluster(Node("w9", {"polyaxon": "workloads"}, (Taint("team", "ml", "NoSchedule"),)))
    inv = Inventory(tuple(n for n in inv.nodes if n.name != "w1"))
    where = place(plan, inv)
    (runs,) = [w for w in where.workloads if w.role == "runs"]
    assert not where.landing(runs.key)
    assert "team=ml:NoSchedule" in placement.why_nowhere(where, runs)
    assert "class_lands_nowhere" in codes(plan, inv)


def test_a_class_whose_nodes_are_all_cordoned_lands_nowhere():
    inv = Inventory(
        (core("c1"), core("c2", "b"), Node("w1", {"polyaxon": "workloads"}, unschedulable=True))
    )
    assert "class_lands_nowhere" in codes(make_plan(), inv)


def test_core_on_one_node_is_a_warning():
    inv = Inventory((core("c1"), worker("w1")))
    assert "core_single_node" in codes(make_plan(), inv)


def test_core_in_one_zone_is_a_warning():
    inv = Inventory((core("c1", "a"), core("c2", "a"), worker("w1")))
    assert "core_single_zone" in codes(make_plan(), inv)


def test_core_nodes_without_zone_labels_raise_no_zone_finding():
    inv = Inventory((core("c1", ""), core("c2", ""), worker("w1")))
    assert "core_single_zone" not in codes(make_plan(), inv)


def test_untainted_core_nodes_let_runs_without_a_preset_land_there():
    bare_core = Node("c1", {"polyaxon": "core"}, cpu_millis=4000, memory_bytes=16 * GI)
    inv = Inventory((bare_core, core("c2", "b"), worker("w1")))
    (found,) = by_code(make_plan(), inv, "core_nodes_untainted")
    assert "c1" in found.message and "c2" not in found.message


def test_a_class_whose_pool_the_core_nodes_also_carry_can_land_on_core():
    shared = Node("c1", {"polyaxon": "core", "pool": "all"}, (CORE_TAINT,), zone="a")
    plan = make_plan(
        scheduling={
            "workloads": pool("pool=all", tolerations=[Toleration("polyaxon", "Exists", "", "")])
        }
    )
    inv = Inventory((shared, core("c2", "b"), Node("w1", {"pool": "all"})))
    assert "class_on_core_nodes" in codes(plan, inv)


def gpu_plan():
    experiments = pool(
        "polyaxon=gpu", tolerations=[Toleration("nvidia.com/gpu", "Exists", "", "NoSchedule")]
    )
    classes = {
        "experiments": experiments,
        "jobs": pool("polyaxon=workloads"),
        "builds": pool("polyaxon=workloads"),
        "notebooks": pool("polyaxon=workloads"),
    }
    from wizard.core.plan import ClassPools

    return make_plan(scheduling={"mode": "per-class", "classes": ClassPools(**classes)})


def test_a_gpu_pool_on_nodes_without_gpus_is_a_warning():
    inv = good_cluster(Node("g1", {"polyaxon": "gpu"}, gpus=0))
    assert "class_gpu_missing" in codes(gpu_plan(), inv)


def test_a_gpu_pool_on_gpu_nodes_is_fine():
    inv = good_cluster(Node("g1", {"polyaxon": "gpu"}, gpus=4))
    assert "class_gpu_missing" not in codes(gpu_plan(), inv)


def test_tainted_nodes_nothing_tolerates_are_reported_unused():
    inv = good_cluster(Node("spark-1", {"team": "spark"}, (Taint("team", "spark", "NoSchedule"),)))
    (found,) = by_code(make_plan(), inv, "nodes_unused")
    assert found.severity == "info" and "spark-1" in found.message


def test_cordoned_and_not_ready_nodes_are_reported_unavailable():
    inv = good_cluster(
        Node("old", {"polyaxon": "workloads"}, unschedulable=True),
        Node("down", {"polyaxon": "workloads"}, ready="Unknown"),
    )
    (found,) = by_code(make_plan(), inv, "nodes_unavailable")
    assert "old" in found.message and "down" in found.message


def test_core_nodes_smaller_than_the_gateways_request_are_a_warning():
    small = [core(f"c{i}", "abc"[i], cpu_millis=940, memory_bytes=3 * GI) for i in range(3)]
    assert "component_too_big" in codes(make_plan(), Inventory((*small, worker("w1"))))


def test_core_pool_allocatable_below_the_sum_of_core_requests_is_a_warning():
    small = [core(f"c{i}", "abc"[i], cpu_millis=1000, memory_bytes=2100 * 2**20) for i in range(2)]
    plan = make_plan(kept={"gateway": {"replicas": 3}})
    assert "core_capacity_low" in codes(plan, Inventory((*small, worker("w1"))))


def test_a_kept_gateway_request_replaces_the_chart_default():
    plan = make_plan(kept={"gateway": {"resources": {"requests": {"cpu": "4", "memory": "1Gi"}}}})
    found = {w.key: w for w in workloads(plan)}
    assert found["gateway"].requests == (4000, GI)


def test_the_grid_has_one_row_per_node_and_one_cell_per_workload():
    where = place(make_plan(), good_cluster())
    rows = where.rows()
    assert [n.name for n, _ in rows] == ["c1", "c2", "c3", "w1"]
    assert all(len(cells) == len(where.workloads) for _, cells in rows)


def test_placement_dict_lists_the_nodes_of_each_workload():
    where = place(make_plan(), good_cluster())
    found = {d["key"]: d for d in placement.placement_dict(where)}
    assert found["gateway"]["nodes"] == ["c1", "c2", "c3"]


@pytest.mark.skipif(not CHART_VALUES.exists(), reason="../shared/reference/charts is not here")
def test_the_request_table_matches_the_charts_values_file():
    import yaml

    values = yaml.safe_load(CHART_VALUES.read_text())
    for name, (cpu, memory) in placement.CHART_REQUESTS_V2.items():
        requests = values[name]["resources"]["requests"]
        assert cpu_millis(requests["cpu"]) == cpu_millis(cpu), name
        assert memory_bytes(requests["memory"]) == memory_bytes(memory), name


# --- place() fits each node shape once: the result must equal fitting every node -----------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.core.test_placement_rules import nodes_st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.lists(nodes_st, min_size=1, max_size=8))
def test_place_gives_every_node_the_fit_of_its_own(nodes):
    named = tuple(
        Node(f"n{i}", n.labels, n.taints, n.unschedulable, n.ready) for i, n in enumerate(nodes)
    )
    plan = make_plan(
        kept={
            "operator": {
                "affinity": {
                    "nodeAffinity": {
                        "requiredDuringSchedulingIgnoredDuringExecution": {
                            "nodeSelectorTerms": [
                                {
                                    "matchFields": [
                                        {"key": "metadata.name", "operator": "In", "values": ["n1"]}
                                    ]
                                },
                                {
                                    "matchExpressions": [
                                        {"key": "zone", "operator": "Gt", "values": ["1"]}
                                    ]
                                },
                            ]
                        }
                    }
                }
            }
        }
    )
    where = place(plan, Inventory(named))
    for w in where.workloads:
        assert where.fits[w.key] == tuple(placement.fit(w.scheduling, n) for n in named)
    assert where.bare == tuple(placement.fit(placement.PodScheduling(), n) for n in named)


from tests.strategies import any_plans  # noqa: E402

EKS = Path(__file__).resolve().parents[2] / "examples" / "inventories" / "eks.nodes.json"


@settings(max_examples=150, deadline=None)
@given(any_plans())
def test_any_plan_with_any_kept_values_is_placed_without_an_exception(plan):
    from wizard.core.inventory import parse_inventory

    findings, where = placement.check_with_nodes(plan, parse_inventory(EKS.read_bytes()))
    assert len(where.rows()) == 5
    assert all(f.code and f.message for f in findings)


def test_summary_lines_count_the_nodes_of_each_workload():
    lines = placement.summary_lines(place(make_plan(), good_cluster()))
    assert lines[0] == "gateway (API): 3 nodes (c1, c2, c3)"


def test_pool_nodes_lists_labelled_nodes_and_those_missing_the_taint():
    inv = Inventory(
        (
            core("c1"),
            Node("c2", {"polyaxon": "core"}),
            worker("w1"),
            Node("x", {"other": "1"}),
        )
    )
    core_pool, workloads_pool = placement.pool_nodes(make_plan(), inv)
    assert (core_pool.labelled, core_pool.untainted) == (("c1", "c2"), ("c2",))
    assert workloads_pool.classes == ("experiments", "jobs", "builds", "notebooks")
    assert (workloads_pool.labelled, workloads_pool.taint) == (("w1",), None)


def test_pool_nodes_finds_nodes_with_only_some_of_the_labels():
    plan = make_plan(scheduling={"workloads": pool("polyaxon=workloads", "tier=gpu")})
    (_, workloads_pool) = placement.pool_nodes(plan, Inventory((worker("w1"),)))
    assert (workloads_pool.labelled, workloads_pool.partly_labelled) == ((), ("w1",))
