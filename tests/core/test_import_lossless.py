"""Lossless round trip: importing what the wizard renders (values.yaml with its header, and the v2
preset files) gives back a plan that renders every file byte for byte, and is a fixed point."""

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.plans import EXAMPLE_NAMES, example
from tests.strategies import valid_plans
from wizard.core import bundle
from wizard.core.importer import import_text
from wizard.core.plan import Affinity, Plan, registry_declared


def reimport(plan: Plan) -> Plan:
    files = bundle.render_files(plan)
    presets = {
        path.removeprefix("presets/").removesuffix(".yaml"): yaml.safe_load(text)
        for path, text in files.items()
        if path.startswith("presets/")
    }
    result = import_text(
        files[bundle.VALUES_FILE], plan.target, presets=presets if plan.target == "v2" else None
    )
    return result.plan


def compared_files(plan: Plan) -> dict[str, str]:
    files = bundle.render_files(plan)
    if plan.target == "v0.6":
        # 0.6 has no chart key for the runs' pools (they are UI settings the runbook lists), so a
        # values file cannot carry them: every file but the runbook must match.
        files.pop(bundle.RUNBOOK_FILE)
    return files


def representable(plan: Plan) -> bool:
    """Without a complete registry (connection, address and Secret) no builds preset is written
    (kaniko needs one), so a per-class builds pool of a v2 plan lives in no file; everything else
    does."""
    sched = plan.scheduling
    builds = sched.classes.builds
    registry = (sched.registry_connection, sched.registry_url, sched.registry_secret)
    if plan.target == "v2" and any(registry) and not all(registry):
        return False  # a half-given registry is declared nowhere (registry_incomplete)
    tls = plan.tls
    if tls.ingress and tls.controller == "gce":
        # GKE's controller takes the class by annotation, and serves gce or gce-internal only:
        # another class is written as gce (gce_ingress_class says so).
        return tls.ingress_class in ("gce", "gce-internal")
    return not (
        plan.target == "v2"
        and sched.mode == "per-class"
        and not registry_declared(plan)
        and (builds.labels or builds.tolerations or builds.affinity != Affinity())
    )


def v2_or_v06_plans(target):
    return valid_plans().filter(lambda p: p.target == target and representable(p))


@pytest.mark.parametrize("target", ["v2", "v0.6"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_imported_rendered_plan_renders_the_same_files(target, data):
    plan = data.draw(v2_or_v06_plans(target))
    again = reimport(plan)
    assert compared_files(again) == compared_files(plan)


@pytest.mark.parametrize("target", ["v2", "v0.6"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_imported_plan_is_a_fixed_point_of_render_then_import(target, data):
    once = reimport(data.draw(v2_or_v06_plans(target)))
    assert reimport(once) == once


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_plans())
def test_release_namespace_registry_pools_and_tolerations_come_back(plan):
    again = reimport(plan)
    assert (again.release, again.namespace, again.secrets.name) == (
        plan.release,
        plan.namespace,
        plan.secrets.name,
    )
    assert again.scheduling.core == plan.scheduling.core
    assert again.storage.artifacts.bucket == plan.storage.artifacts.bucket
    if plan.target == "v2" and plan.scheduling.mode == "per-class" and representable(plan):
        if registry_declared(plan) and plan.scheduling.classes.builds.labels:
            assert again.scheduling.registry_connection == plan.scheduling.registry_connection
        assert again.scheduling.classes.experiments == plan.scheduling.classes.experiments


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_comes_back_with_the_same_files(name):
    plan = example(name)
    assert compared_files(reimport(plan)) == compared_files(plan)
