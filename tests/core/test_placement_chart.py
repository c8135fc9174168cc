"""The scheduling placement reads from the values is the one the real chart renders.

Renders ../shared/reference/charts/polyaxon-2.15.1 with helm-python-sdk (skipped when either is
absent) and compares each rendered pod's nodeSelector, tolerations and required node affinity
with what `placement.workloads` derived from the same values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.plans import make_plan
from wizard.core import placement, values

CHART = Path(__file__).resolve().parents[3] / "shared/reference/charts/polyaxon-2.15.1"
helm = pytest.importorskip("helm_python")
pytestmark = pytest.mark.skipif(not CHART.exists(), reason="../shared/reference/charts is not here")

# chart template -> workload key
TEMPLATES = {
    "polyaxon/templates/api-deployment.yaml": "gateway",
    "polyaxon/templates/agent-deployment.yaml": "agent",
    "polyaxon/templates/operator-deployment.yaml": "operator",
    "polyaxon/templates/scheduler-deployment.yaml": "scheduler",
    "polyaxon/templates/hooks/clean-runs.yaml": "cleaner",
}
NODE_AFFINITY = {
    "nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [
                {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]}
            ]
        }
    }
}
PLANS = {
    "two-pool": make_plan(),
    "per-class": make_plan("v2-per-class-gke"),
    "scheduler on": make_plan(components={"scheduler": True, "broker": "redis"}),
    "own gateway selector": make_plan(kept={"gateway": {"nodeSelector": {"tier": "edge"}}}),
    "own agent tolerations": make_plan(
        kept={"agent": {"tolerations": [{"key": "x", "operator": "Exists"}]}}
    ),
    "operator node affinity": make_plan(kept={"operator": {"affinity": NODE_AFFINITY}}),
}


def rendered_pods(plan) -> dict[str, placement.PodScheduling]:
    with helm.Chart.load(str(CHART)) as chart:
        manifests = chart.render(values.to_values(plan), name="plx", namespace="polyaxon")
    found = {}
    for path, text in manifests.items():
        if path not in TEMPLATES and path != "polyaxon/templates/agent-cm.yaml":
            continue  # the CRDs alone are megabytes of YAML
        for doc in yaml.safe_load_all(text):
            if not doc:
                continue
            if path in TEMPLATES and doc.get("kind") in ("Deployment", "Job"):
                found[TEMPLATES[path]] = placement.pod_scheduling(doc["spec"]["template"]["spec"])
            data = doc.get("data") or {} if doc.get("kind") == "ConfigMap" else {}
            if "POLYAXON_AGENT_DEFAULT_SCHEDULING" in data:
                found["cleaner jobs"] = placement.pod_scheduling(
                    json.loads(data["POLYAXON_AGENT_DEFAULT_SCHEDULING"])
                )
    return found


@pytest.mark.parametrize("name", sorted(PLANS))
def test_each_rendered_pod_gets_the_scheduling_placement_derived(name):
    plan = PLANS[name]
    derived = {w.key: w.scheduling for w in placement.workloads(plan)}
    pods = rendered_pods(plan)
    assert {"gateway", "agent", "operator", "cleaner", "cleaner jobs"} <= set(pods)
    for key, pod in pods.items():
        assert pod == derived["cleaner" if key == "cleaner jobs" else key], key
