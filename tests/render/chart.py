"""Render the real Polyaxon chart for a plan, as `helm upgrade --install` from RUNBOOK.md would.

The chart is reference data beside the project (../shared/reference/charts/polyaxon-2.15.1/), never
a copy in it. helm-python-sdk embeds Helm's Go SDK; kubernetes-validate holds Kubernetes' OpenAPI
schemas offline. The bitnami subcharts are not vendored: their objects do not render.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from wizard.core.plan import Plan
from wizard.core.runbook import to_runbook
from wizard.core.values import to_values

CHART = Path(__file__).resolve().parents[3] / "shared" / "reference" / "charts" / "polyaxon-2.15.1"
# A recent Kubernetes that kubernetes-validate ships schemas for (requirements-dev.txt pins it).
KUBERNETES = "1.35.0"
POD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job")
LABEL_VALUE = re.compile(r"\A(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")


_SET_FILE = re.compile(r"--set-file ([A-Za-z0-9_.-]+)=<\(secret ([A-Z0-9_]+)\)")


def set_file_values(plan: Plan) -> dict:
    """What the runbook's `--set-file PATH=<(secret KEY)` lines set, read from RUNBOOK.md itself:
    each path to the file's text (a fixed stand-in per key, so two renders see the same secrets)."""
    out: dict = {}
    for path, key in _SET_FILE.findall(to_runbook(plan)):
        *parents, leaf = path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = f"stand-in-{key.lower()}"
    return out


def merged(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def install_values(plan: Plan) -> dict:
    return merged(to_values(plan), set_file_values(plan))


@cache
def _chart():
    import helm_python as helm

    return helm.Chart.load(str(CHART))


def render(plan: Plan, values: dict | None = None, *, crds: bool = False) -> list[dict]:
    """Every object the chart renders for the plan; the custom resource definitions (1.8 MB of
    YAML that no value changes) only when asked for."""
    chart = _chart()
    manifests = chart.render(
        install_values(plan) if values is None else values,
        name=plan.release,
        namespace=plan.namespace,
    )
    objects = []
    for path, text in sorted(manifests.items()):
        if not path.endswith((".yaml", ".yml")) or ("/crds/" in path and not crds):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                objects.append(doc)
    return objects


def without_crds(objects: list[dict]) -> list[dict]:
    return [o for o in objects if o.get("kind") != "CustomResourceDefinition"]


def validation_errors(objects: list[dict]) -> list[str]:
    import kubernetes_validate

    errors = []
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"{obj['kind']} {obj['metadata'].get('name')}: {exc.message}")
    return errors


def pod_templates(objects: list[dict]) -> list[tuple[str, dict]]:
    """(object name, pod template) of every workload object."""
    out = []
    for obj in objects:
        if obj.get("kind") in POD_KINDS:
            out.append((obj["metadata"]["name"], obj["spec"]["template"]))
    return out


def name_problems(objects: list[dict]) -> list[str]:
    """Names past 63 characters and label values Kubernetes would refuse."""
    problems = []
    for obj in objects:
        meta = obj.get("metadata", {})
        name = meta.get("name", "")
        if obj.get("kind") != "CustomResourceDefinition" and len(name) > 63:
            problems.append(f"{obj['kind']} name {name!r} is {len(name)} characters")
        label_sets = [meta.get("labels") or {}]
        if obj.get("kind") in POD_KINDS:
            label_sets.append(obj["spec"]["template"]["metadata"].get("labels") or {})
            label_sets.append((obj["spec"].get("selector") or {}).get("matchLabels") or {})
        for labels in label_sets:
            for key, value in labels.items():
                text = str(value)
                if len(text) > 63 or not LABEL_VALUE.match(text):
                    problems.append(f"{obj['kind']} {name}: label {key}={text!r}")
    return problems


def selects(selector: dict, labels: dict) -> bool:
    """Kubernetes' label selector semantics (matchLabels and matchExpressions)."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def affinity_terms(pod_spec: dict) -> list[dict]:
    """Every pod (anti-)affinity term of a pod spec, required and preferred."""
    terms = []
    affinity = pod_spec.get("affinity") or {}
    for kind in ("podAffinity", "podAntiAffinity"):
        rules = affinity.get(kind) or {}
        terms += rules.get("requiredDuringSchedulingIgnoredDuringExecution") or []
        terms += [
            t["podAffinityTerm"]
            for t in rules.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        ]
    return terms


def checksums(objects: list[dict]) -> dict[str, dict]:
    out = {}
    for name, template in pod_templates(objects):
        annotations = template["metadata"].get("annotations") or {}
        out[name] = {k: v for k, v in annotations.items() if k.startswith("checksum/")}
    return out
