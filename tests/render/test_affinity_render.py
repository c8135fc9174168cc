"""The core affinity as the real 2.15.1 chart renders it: the editor's node affinity and spread
terms reach the core pods, and the chart's default podAffinity does not merge in.

Needs the chart in ../shared/reference/charts/ and helm-python-sdk; skipped otherwise.
"""

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from tests.plans import example
from wizard.core.plan import Affinity, Label, MatchExpression, NodeSelectorTerm, SpreadTerm
from wizard.core.values import to_values

CHART = Path(__file__).resolve().parents[2].parent / "shared/reference/charts/polyaxon-2.15.1"
if not CHART.is_dir():
    pytest.skip(f"the chart is not at {CHART} (../shared absent)", allow_module_level=True)
helm = pytest.importorskip("helm_python", reason="helm-python-sdk is not installed")

ZONE = MatchExpression("topology.kubernetes.io/zone", "In", ("eu-west-1a",))
PART_OF = Label("app.kubernetes.io/part-of", "polyaxon-core")


def api_pod_affinity(affinity: Affinity, spread_core: bool) -> dict:
    plan = example("v2-two-pool-aws")
    core = replace(plan.scheduling.core, affinity=affinity)
    plan = replace(plan, scheduling=replace(plan.scheduling, core=core, spread_core=spread_core))
    with helm.Chart.load(str(CHART)) as chart:
        manifests = chart.render(to_values(plan), name=plan.release, namespace=plan.namespace)
    text = next(body for path, body in manifests.items() if path.endswith("api-deployment.yaml"))
    deployment = next(d for d in yaml.safe_load_all(text) if d and d.get("kind") == "Deployment")
    return deployment["spec"]["template"]["spec"].get("affinity") or {}


def test_core_node_affinity_reaches_the_api_pod_without_the_default_pod_affinity():
    rendered = api_pod_affinity(Affinity(required=(NodeSelectorTerm((ZONE,)),)), False)
    terms = rendered["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert terms["nodeSelectorTerms"][0]["matchExpressions"][0]["key"] == ZONE.key
    assert "podAffinity" not in rendered


def test_spread_terms_reach_the_api_pod_without_the_default_pod_affinity():
    rendered = api_pod_affinity(Affinity(spread=(SpreadTerm(labels=(PART_OF,)),)), True)
    terms = rendered["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert len(terms) == 2 and "podAffinity" not in rendered


def test_no_affinity_renders_none_on_the_api_pod():
    assert api_pod_affinity(Affinity(), False) == {}
