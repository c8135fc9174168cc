"""Pools that cannot schedule, the cluster provider and Redis over TLS (issue 15)."""

from tests.plans import codes, finding, make_plan, pool
from wizard.core import codec
from wizard.core.plan import ClassPools, Redis


def test_workload_pool_selecting_the_core_label_without_the_toleration_is_an_error():
    plan = make_plan(scheduling={"workloads": pool("polyaxon=core")})
    assert finding(plan, "core_taint_not_tolerated").severity == "error"


def test_class_pool_selecting_a_tainted_pools_label_it_does_not_tolerate_is_an_error():
    plan = make_plan(
        "v2-per-class-gke",
        scheduling={
            "classes": ClassPools(
                experiments=pool("polyaxon.com/pool=gpu", taint=True),
                jobs=pool("polyaxon.com/pool=gpu"),
                builds=pool("polyaxon.com/pool=builds", taint=True),
                notebooks=pool("polyaxon.com/pool=interactive"),
            )
        },
    )
    found = finding(plan, "pool_taint_not_tolerated")
    assert found.path == "scheduling.classes.jobs.labels"


def test_classes_sharing_one_tainted_pool_can_schedule():
    shared = pool("polyaxon.com/pool=gpu", taint=True)
    classes = ClassPools(experiments=shared, jobs=shared, builds=shared, notebooks=shared)
    assert "pool_taint_not_tolerated" not in codes(
        make_plan("v2-per-class-gke", scheduling={"classes": classes})
    )


def test_unknown_provider_is_an_error():
    assert "provider_invalid" in codes(make_plan(scheduling={"provider": "openstack"}))


def test_provider_round_trips_through_the_plan_format():
    plan = make_plan(scheduling={"provider": "aks"})
    assert codec.from_dict(codec.to_dict(plan)).scheduling.provider == "aks"


def test_external_redis_requiring_tls_is_an_error():
    plan = make_plan(
        components={
            "scheduler": True,
            "redis": Redis(kind="external", host="redis.example.com", tls=True),
        }
    )
    assert finding(plan, "redis_tls_unsupported").severity == "error"


def test_redis_tls_is_not_reported_when_redis_is_not_used():
    plan = make_plan(
        components={"scheduler": False, "redis": Redis(kind="external", host="r", tls=True)}
    )
    assert "redis_tls_unsupported" not in codes(plan)


def test_gke_labels_on_an_unnamed_provider_suggest_naming_it():
    plan = make_plan("v2-per-class-gke", scheduling={"provider": "other"})
    assert "provider_not_named" in codes(plan)


def test_a_named_provider_gets_no_hint():
    plan = make_plan("v2-per-class-gke", scheduling={"provider": "gke"})
    assert "provider_not_named" not in codes(plan)
