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


def test_a_recommendation_whose_step_has_an_error_is_not_followed():
    plan = _example("v2-two-pool-aws")
    plan = replace(plan, database=replace(plan.database, host=""))
    item = next(i for i in readiness(plan).items if i.code == "external_db")
    assert (item.followed, item.reason, item.errors) == (False, "errors", 1)


def test_a_recommendation_on_an_unvisited_step_is_not_followed():
    result = readiness(_example("v2-two-pool-aws"), visited={"scheduling", "database"})
    reasons = {i.code: i.reason for i in result.items if not i.followed}
    assert reasons == {
        code: "unvisited"
        for code in ("managed_services", "durable_storage", "tls", "non_root", "secrets_in_secret")
    }


def test_readiness_counts_the_errors_that_block_downloads():
    plan = _example("v2-two-pool-aws")
    assert readiness(plan).errors == 0
    plan = replace(plan, database=replace(plan.database, host=""))
    assert readiness(plan).errors == 1
