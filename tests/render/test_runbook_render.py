"""The runbook's `helm upgrade` arguments, rendered twice with the real 2.15.1 chart, give the very
same manifests: no value the chart would invent at random is left out (issue 15, item 2).

Needs the chart in ../shared/reference/charts/ and helm-python-sdk; skipped otherwise.
"""

import re
from pathlib import Path

import pytest
import yaml

from tests.plans import example, make_plan
from wizard.core.plan import RabbitMQ, Redis
from wizard.core.runbook import to_runbook
from wizard.core.values import to_yaml

CHART = Path(__file__).resolve().parents[2].parent / "shared/reference/charts/polyaxon-2.15.1"
if not CHART.is_dir():
    pytest.skip(f"the chart is not at {CHART} (../shared absent)", allow_module_level=True)
helm = pytest.importorskip("helm_python", reason="helm-python-sdk is not installed")

SET_FILE = re.compile(r"--set-file ([\w.]+)=<\(secret (\w+)\)")
SET_STRING = re.compile(r"--set-string ([\w.]+)=(\S+)")

PLANS = {
    "external-db": lambda: example("v2-two-pool-aws"),
    "per-class": lambda: example("v2-per-class-gke"),
    "scheduler-in-cluster-redis": lambda: make_plan(components={"scheduler": True}),
    "scheduler-external-redis": lambda: make_plan(
        components={"scheduler": True, "redis": Redis(kind="external", host="redis.internal")}
    ),
    "scheduler-external-rabbitmq": lambda: make_plan(
        components={
            "scheduler": True,
            "broker": "rabbitmq",
            "rabbitmq": RabbitMQ(kind="external", host="mq"),
        }
    ),
}


def helm_arguments(plan) -> str:
    text = to_runbook(plan)
    start = text.index("helm upgrade --install")
    return text[start : text.index("```", start)]


def runbook_values(plan) -> dict:
    """values.yaml plus what the runbook's helm command sets, with the Secret's keys standing in
    for their values."""
    values = yaml.safe_load(to_yaml(plan))
    args = helm_arguments(plan)
    for path, value in [
        (p, f"value-of-{k}") for p, k in SET_FILE.findall(args)
    ] + SET_STRING.findall(args):
        *parents, leaf = path.split(".")
        node = values
        for key in parents:
            node = (
                node.setdefault(key, {}) if node.get(key) is not None else node.setdefault(key, {})
            )
            if not isinstance(node, dict):
                raise AssertionError(path)
        node[leaf] = value
    return values


def render(values: dict, plan) -> dict:
    with helm.Chart.load(str(CHART)) as chart:
        return chart.render(values, name=plan.release, namespace=plan.namespace)


@pytest.mark.parametrize("name", sorted(PLANS))
def test_two_renders_with_the_runbooks_helm_arguments_are_identical(name):
    plan = PLANS[name]()
    values = runbook_values(plan)
    first, second = render(values, plan), render(values, plan)
    changed = sorted(path for path in first if first[path] != second.get(path))
    assert changed == []


def test_values_yaml_alone_renders_differently_each_time():
    """The harness can see churn: without the runbook's arguments the chart invents secrets."""
    plan = example("v2-two-pool-aws")
    values = yaml.safe_load(to_yaml(plan))
    first, second = render(values, plan), render(values, plan)
    assert any(first[path] != second[path] for path in first)
