"""Readiness: the guide's recommendations, followed or not."""

import json
from dataclasses import replace
from pathlib import Path

from wizard.core import codec
from wizard.core.plan import Plan, Store
from wizard.core.readiness import readiness

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _example(name: str) -> Plan:
    return codec.from_dict(json.loads((EXAMPLES / f"{name}.json").read_text()))


def _followed(plan: Plan) -> dict[str, bool]:
    return {item.code: item.followed for item in readiness(plan).items}


def test_the_aws_example_follows_every_recommendation():
    result = readiness(_example("v2-two-pool-aws"))
    assert result.followed == result.total == 8
    assert result.summary() == "8 of 8 followed"


def test_in_cluster_database_is_not_followed():
    plan = _example("v2-two-pool-aws")
    plan = replace(plan, database=replace(plan.database, kind="in-cluster"))
    assert _followed(plan)["external_db"] is False


def test_host_path_store_is_not_durable():
    plan = _example("v2-two-pool-aws")
    store = Store(name="artifacts", kind="host-path", host_path="/data")
    plan = replace(plan, storage=replace(plan.storage, artifacts=store))
    item = next(i for i in readiness(plan).items if i.code == "durable_storage")
    assert not item.followed and "storage.artifacts" in item.detail


def test_tls_off_and_root_user_are_not_followed():
    plan = _example("v2-two-pool-aws")
    plan = replace(plan, tls=replace(plan.tls, mode="none"), security=replace(plan.security, uid=0))
    followed = _followed(plan)
    assert followed["tls"] is False and followed["non_root"] is False


def test_v06_in_cluster_rabbitmq_is_not_managed():
    assert _followed(_example("v06-legacy"))["managed_services"] is False


def test_v2_without_scheduler_needs_no_managed_services():
    item = next(
        i for i in readiness(_example("v2-per-class-gke")).items if i.code == "managed_services"
    )
    assert item.followed and "No broker" in item.detail


def test_shared_nodes_are_not_separated():
    plan = Plan()
    core = replace(plan.scheduling.core, taint=False)
    plan = replace(plan, scheduling=replace(plan.scheduling, core=core, workloads=core))
    assert _followed(plan)["separate_core"] is False
