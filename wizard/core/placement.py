"""Placement: on which of the cluster's nodes each pod of the plan can land.

Its findings are warnings, never errors: an inventory is a snapshot taken before the runbook
labels and taints the nodes, so a pod that lands nowhere today must not block the download of
the runbook that fixes it.

Nodes come from an inventory (core/inventory.py); pods are every chart component the plan
deploys and every workload class, with the nodeSelector, tolerations and affinity that
`values.to_values` and `values.to_presets` emit, read back the way the chart reads them (a
component's own key when non-empty, else the global one: polyaxon-chart-notes.md 3.1).

The rules are Kubernetes' own (kubernetes.io/docs/concepts/scheduling-eviction/
assign-pod-node/ and taint-and-toleration/): every nodeSelector label must be on the node;
required node affinity terms are ORed and a term's expressions ANDed; a NoSchedule or NoExecute
taint keeps off every pod that does not tolerate it, PreferNoSchedule only makes the scheduler
avoid the node; a cordoned node carries node.kubernetes.io/unschedulable:NoSchedule and a node
that is not Ready node.kubernetes.io/not-ready (or unreachable):NoSchedule, so they take only
pods that tolerate those. Resource fit, pod (anti-)affinity and topology spread are not decided
here: they depend on what else runs on the nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .checks import INFO, SEVERITIES, WARNING, Finding, check
from .inventory import Inventory, Node, Taint, cpu_millis, memory_bytes
from .plan import (
    WORKLOAD_CLASSES,
    Label,
    Plan,
    Pool,
    Toleration,
    pool_tolerations,
    taint_of,
    workload_pools,
)
from .values import to_presets, to_values

UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
_BLOCKING = ("NoSchedule", "NoExecute")

# Default requests of the v2 chart's core components, from polyaxon/charts 2.15.1 values.yaml
# (the `requests` block is rendered whatever `limitResources` says). A value the plan keeps from
# an imported file wins. The bitnami subcharts' defaults (postgresql, redis) are not in the
# chart, so they are not counted.
CHART_REQUESTS_V2 = {
    "gateway": ("1000m", "2000Mi"),
    "agent": ("100m", "100Mi"),
    "operator": ("100m", "50Mi"),
    "scheduler": ("150m", "200Mi"),
    "compiler": ("130m", "200Mi"),
    "worker": ("130m", "200Mi"),
    "beat": ("150m", "128Mi"),
    "flower": ("130m", "200Mi"),
    "rabbitmq": ("300m", "256Mi"),
}
_GPU_WORDS = re.compile(r"gpu|accelerator|nvidia|cuda", re.IGNORECASE)


# --- what a pod asks for ----------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """One node selector requirement (matchExpressions or matchFields entry)."""

    key: str
    operator: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """A nodeSelectorTerm: every expression and field requirement must hold."""

    expressions: tuple[Requirement, ...] = ()
    fields: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class PodScheduling:
    node_selector: tuple[tuple[str, str], ...] = ()
    tolerations: tuple[Toleration, ...] = ()
    # requiredDuringSchedulingIgnoredDuringExecution terms (ORed); None when there are none.
    required_terms: tuple[Term, ...] | None = None


def tolerates(tol: Toleration, taint: Taint) -> bool:
    """A toleration matches a taint: an empty effect matches every effect; an empty key with
    Exists matches every taint; Exists ignores the value; Equal (the default) needs both."""
    if tol.effect and tol.effect != taint.effect:
        return False
    operator = tol.operator or "Equal"
    if operator == "Exists":
        return not tol.key or tol.key == taint.key
    if operator == "Equal":
        return bool(tol.key) and tol.key == taint.key and tol.value == taint.value
    return False


def _integer(text: str) -> int | None:
    try:
        return int(text, 10)
    except ValueError:
        return None


def requirement_matches(req: Requirement, value: str | None) -> bool:
    """One requirement against a node's label value (None: the node lacks the label).
    Gt and Lt compare integers and need exactly one value; a label that is no integer fails."""
    op = req.operator
    if op == "In":
        return value is not None and value in req.values
    if op == "NotIn":
        return value is None or value not in req.values
    if op == "Exists":
        return value is not None
    if op == "DoesNotExist":
        return value is None
    if op in ("Gt", "Lt"):
        if value is None or len(req.values) != 1:
            return False
        have, bound = _integer(value), _integer(req.values[0])
        if have is None or bound is None:
            return False
        return have > bound if op == "Gt" else have < bound
    return False


def term_matches(term: Term, node: Node) -> bool:
    """An empty term matches no node; otherwise every requirement must hold. matchFields
    supports only metadata.name."""
    if not term.expressions and not term.fields:
        return False
    labels_hold = all(requirement_matches(r, node.labels.get(r.key)) for r in term.expressions)
    fields_hold = all(
        r.key == "metadata.name" and requirement_matches(r, node.name) for r in term.fields
    )
    return labels_hold and fields_hold


def affinity_matches(terms: tuple[Term, ...] | None, node: Node) -> bool:
    if terms is None:
        return True
    return any(term_matches(term, node) for term in terms)


def node_taints(node: Node) -> tuple[Taint, ...]:
    """The node's taints plus the ones the control plane adds for cordoned and not-Ready nodes."""
    extra = []
    have = {(t.key, t.effect) for t in node.taints}
    if node.unschedulable and (UNSCHEDULABLE, "NoSchedule") not in have:
        extra.append(Taint(UNSCHEDULABLE, "", "NoSchedule"))
    if not node.is_ready:
        key = NOT_READY if node.ready == "False" else UNREACHABLE
        if (key, "NoSchedule") not in have:
            extra.append(Taint(key, "", "NoSchedule"))
    return node.taints + tuple(extra)


# --- one pod on one node ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a pod cannot land on (or avoids) a node. kind: label, affinity, taint, cordoned,
    not_ready, avoid (an untolerated PreferNoSchedule taint)."""

    kind: str
    detail: str


@dataclass(frozen=True)
class Fit:
    ok: bool
    reasons: tuple[Reason, ...] = ()

    @property
    def soft(self) -> bool:
        """It can land, but the scheduler avoids the node (PreferNoSchedule)."""
        return self.ok and bool(self.reasons)


def taint_text(taint: Taint) -> str:
    return (
        f"{taint.key}={taint.value}:{taint.effect}"
        if taint.value
        else f"{taint.key}:{taint.effect}"
    )


def fit(pod: PodScheduling, node: Node) -> Fit:
    """Whether the pod can be scheduled on the node, and every rule that stops it."""
    reasons = [
        Reason("label", f"{key}={value}")
        for key, value in pod.node_selector
        if node.labels.get(key) != value
    ]
    if not affinity_matches(pod.required_terms, node):
        reasons.append(Reason("affinity", "required node affinity"))
    for taint in node_taints(node):
        if any(tolerates(tol, taint) for tol in pod.tolerations):
            continue
        if taint.key == UNSCHEDULABLE:
            reason = Reason("cordoned", "cordoned (unschedulable)")
        elif taint.key in (NOT_READY, UNREACHABLE) and not node.is_ready:
            reason = Reason("not_ready", f"not Ready ({node.ready})")
        elif taint.effect in _BLOCKING:
            reason = Reason("taint", taint_text(taint))
        else:
            reason = Reason("avoid", taint_text(taint))
        if reason not in reasons:  # a not-Ready node has both a NoSchedule and a NoExecute taint
            reasons.append(reason)
    return Fit(all(r.kind == "avoid" for r in reasons), tuple(reasons))


# --- what the plan deploys ---------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """A pod (or set of identical pods) the plan deploys. role: core (the platform's own
    deployments), dependency (in-cluster database, cache, broker), job (hooks and cleaners),
    runs (a workload class)."""

    key: str
    title: str
    role: str
    path: str
    scheduling: PodScheduling
    classes: tuple[str, ...] = ()
    requests: tuple[int, int] | None = None  # (millicores, bytes) per pod
    replicas: int = 1
    gpu: bool = False  # its pool's labels or tolerations name GPUs


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _selector(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        return ()
    return tuple((str(k), _text(v)) for k, v in value.items())


def _tolerations(value: object) -> tuple[Toleration, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        Toleration(
            key=_text(tol.get("key")),
            operator=_text(tol.get("operator")) or "Equal",
            value=_text(tol.get("value")),
            effect=_text(tol.get("effect")),
        )
        for tol in value
        if isinstance(tol, dict)
    )


def _requirements(value: object) -> tuple[Requirement, ...]:
    if not isinstance(value, list):
        return ()
    out = []
    for req in value:
        if isinstance(req, dict):
            values = req.get("values")
            values = tuple(_text(v) for v in values) if isinstance(values, list) else ()
            out.append(Requirement(_text(req.get("key")), _text(req.get("operator")), values))
    return tuple(out)


def _required_terms(affinity: object) -> tuple[Term, ...] | None:
    if not isinstance(affinity, dict):
        return None
    node_affinity = affinity.get("nodeAffinity")
    if not isinstance(node_affinity, dict):
        return None
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if not isinstance(required, dict):
        return None
    terms = required.get("nodeSelectorTerms")
    if not isinstance(terms, list):
        return ()
    return tuple(
        Term(_requirements(t.get("matchExpressions")), _requirements(t.get("matchFields")))
        if isinstance(t, dict)
        else Term()
        for t in terms
    )


def pod_scheduling(spec: object) -> PodScheduling:
    """A pod's scheduling from a chart values block with nodeSelector/tolerations/affinity."""
    spec = spec if isinstance(spec, dict) else {}
    return PodScheduling(
        _selector(spec.get("nodeSelector")),
        _tolerations(spec.get("tolerations")),
        _required_terms(spec.get("affinity")),
    )


def _own_or_global(values: dict, name: str) -> dict:
    """polyaxon-chart-notes 3.1: each key from the component if non-empty, else the global one."""
    own = values.get(name)
    own = own if isinstance(own, dict) else {}
    return {
        key: own.get(key) or values.get(key) for key in ("nodeSelector", "tolerations", "affinity")
    }


def _section(values: dict, *path: str) -> dict:
    for key in path:
        values = values.get(key) if isinstance(values, dict) else None
    return values if isinstance(values, dict) else {}


def _enabled(values: dict, name: str, default: bool) -> bool:
    return bool(_section(values, name).get("enabled", default))


def _requests(values: dict, name: str) -> tuple[int, int] | None:
    default_cpu, default_memory = CHART_REQUESTS_V2.get(name, (None, None))
    requests = _section(values, name, "resources", "requests")
    cpu = requests.get("cpu", default_cpu)
    memory = requests.get("memory", default_memory)
    if cpu is None or memory is None:
        return None
    try:
        return cpu_millis(cpu), memory_bytes(memory)
    except ValueError:
        return None


def _replicas(values: dict, name: str) -> int:
    replicas = _section(values, name).get("replicas", 1)
    return replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 1


def _implies_gpu(pod: PodScheduling) -> bool:
    words = [k + "=" + v for k, v in pod.node_selector]
    words += [t.key + "=" + t.value for t in pod.tolerations]
    return any(_GPU_WORDS.search(w) for w in words)


def _class_path(plan: Plan, name: str) -> str:
    if plan.scheduling.mode == "per-class":
        return f"scheduling.classes.{name}"
    return "scheduling.workloads"


def _class_workloads(plan: Plan, by_class: dict[str, PodScheduling]) -> list[Workload]:
    """Classes with the same scheduling share one workload (two-pool plans: one for all)."""
    groups: dict[PodScheduling, list[str]] = {}
    for name in WORKLOAD_CLASSES:
        groups.setdefault(by_class[name], []).append(name)
    out = []
    for pod, names in groups.items():
        paths = {_class_path(plan, n) for n in names}
        out.append(
            Workload(
                key="runs:" + ",".join(names),
                title="runs: " + ", ".join(names),
                role="runs",
                path=paths.pop() if len(paths) == 1 else "scheduling.classes",
                scheduling=pod,
                classes=tuple(names),
                gpu=_implies_gpu(pod),
            )
        )
    return out


def workloads(plan: Plan) -> tuple[Workload, ...]:
    """Every pod the plan deploys, with the scheduling the rendered values give it."""
    values = to_values(plan)
    if plan.target == "v0.6":
        return tuple(_v06_workloads(plan, values))
    return tuple(_v2_workloads(plan, values))


def _core_deployment(values: dict, name: str, title: str, replicas: bool = True) -> Workload:
    """A v2 core deployment: its own scheduling keys or the global ones, and its requests;
    `replicas=False` for a template that fixes `replicas: 1`."""
    return Workload(
        name,
        title,
        "core",
        "scheduling.core",
        pod_scheduling(_own_or_global(values, name)),
        requests=_requests(values, name),
        replicas=_replicas(values, name) if replicas else 1,
    )


def _dependency(
    key: str, title: str, path: str, spec: dict, requests: tuple[int, int] | None = None
) -> Workload:
    """An in-cluster database, cache or broker: a subchart, which reads only its own keys."""
    return Workload(key, title, "dependency", path, pod_scheduling(spec), requests=requests)


def _redis(values: dict, parts: tuple[str, ...]) -> list[Workload]:
    """The Redis subchart's pods (v2: master and replica; 0.6: master and slave)."""
    out = []
    for part in parts:
        spec = _section(values, "redis", part)
        out.append(_dependency(f"redis-{part}", f"Redis {part}", "components.redis", spec))
    return out


def _v2_workloads(plan: Plan, values: dict) -> list[Workload]:
    core = "scheduling.core"
    out = [_core_deployment(values, "gateway", "gateway (API)")]
    for name in ("agent", "operator"):
        if _enabled(values, name, True):
            out.append(_core_deployment(values, name, name, replicas=False))
    for name in ("scheduler", "compiler", "worker", "beat", "flower"):
        if _enabled(values, name, False):
            out.append(_core_deployment(values, name, name))
    if _section(values, "externalServices", "postgresql").get("pgbouncer"):
        pod = pod_scheduling(_own_or_global(values, "pgbouncer"))
        out.append(Workload("pgbouncer", "pgbouncer", "core", core, pod))
    if _enabled(values, "metrics", False):  # own keys only, no fallback
        pod = pod_scheduling(_section(values, "metrics"))
        out.append(Workload("metrics", "metrics exporter", "core", core, pod))
    # The agent's scheduling is POLYAXON_AGENT_DEFAULT_SCHEDULING: in CE only cleaner jobs read it.
    pod = pod_scheduling(_own_or_global(values, "agent"))
    out.append(Workload("cleaner", "cleaner jobs and clean-runs hook", "job", core, pod))
    if _enabled(values, "postgresql", True):
        primary = _section(values, "postgresql", "primary")
        out.append(_dependency("postgresql", "PostgreSQL (in-cluster)", "database", primary))
    if _enabled(values, "redis", False):
        out += _redis(values, ("master", "replica"))
    if _enabled(values, "rabbitmq", False):
        requests = _requests(values, "rabbitmq")
        spec = _section(values, "rabbitmq")
        out.append(_dependency("rabbitmq", "RabbitMQ", "components.rabbitmq", spec, requests))
    presets = to_presets(plan)
    by_class = {}
    for name in WORKLOAD_CLASSES:
        preset = presets.get(name, {})
        patch = preset.get("build", preset).get("runPatch", {}) if preset else {}
        by_class[name] = pod_scheduling(patch.get("environment"))
    return out + _class_workloads(plan, by_class)


def _v06_workloads(plan: Plan, values: dict) -> list[Workload]:
    core = "scheduling.core"
    title = "core (api, scheduler, hpsearch, events, beat, monitors, hooks)"
    out = [Workload("core", title, "core", core, pod_scheduling(values))]
    if _enabled(values, "postgresql", True):
        master = _section(values, "postgresql", "master")
        out.append(_dependency("postgresql", "PostgreSQL (in-cluster)", "database", master))
    if _enabled(values, "redis", True):
        out += _redis(values, ("master", "slave"))
    if _enabled(values, "rabbitmq-ha", True):
        spec = _section(values, "rabbitmq-ha")
        out.append(_dependency("rabbitmq", "RabbitMQ", "components.rabbitmq", spec))
    if _enabled(values, "docker-registry", True):
        spec = _section(values, "docker-registry")
        out.append(_dependency("docker-registry", "docker registry", core, spec))
    # 0.6 schedules runs from the UI settings the runbook fills from each class's pool.
    by_class = {}
    for name, pool in workload_pools(plan).items():
        by_class[name] = PodScheduling(
            tuple((label.key, label.value) for label in pool.labels), pool_tolerations(pool)
        )
    return out + _class_workloads(plan, by_class)


# --- all pods on all nodes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    nodes: tuple[Node, ...]
    workloads: tuple[Workload, ...]
    fits: dict = field(hash=False)  # workload key -> tuple[Fit, ...] in node order
    # Fits of a run pod with no selector and no tolerations (a run without a preset).
    bare: tuple[Fit, ...] = ()

    def landing(self, key: str) -> tuple[Node, ...]:
        """The nodes the workload can land on."""
        return tuple(n for n, f in zip(self.nodes, self.fits[key], strict=True) if f.ok)

    def rows(self) -> list[tuple[Node, tuple[Fit, ...]]]:
        """The grid: one row per node, one Fit per workload (in `workloads` order)."""
        columns = [self.fits[w.key] for w in self.workloads]
        return [(node, tuple(col[i] for col in columns)) for i, node in enumerate(self.nodes)]


def place(plan: Plan, inventory: Inventory) -> Placement:
    """Where every workload of the plan can land on the inventory's nodes."""
    found = workloads(plan)
    nodes = inventory.nodes
    pods = [w.scheduling for w in found] + [PodScheduling()]
    # Nodes of one pool look alike to every pod: the same values for the label keys the pods
    # read, the same taints and state. Each pod is fitted once per such shape, not per node.
    keys = sorted({k for pod in pods for k in _keys_read(pod)})
    by_name = any(t.fields for pod in pods for t in pod.required_terms or ())
    shapes: dict[tuple, list[int]] = {}
    for i, node in enumerate(nodes):
        shape = (
            tuple(node.labels.get(k) for k in keys),
            node.taints,
            node.unschedulable,
            node.ready,
            node.name if by_name else "",
        )
        shapes.setdefault(shape, []).append(i)
    columns = [[None] * len(nodes) for _ in pods]  # every node is in one shape: all filled
    for indices in shapes.values():
        first = nodes[indices[0]]
        for column, pod in zip(columns, pods, strict=True):
            result = fit(pod, first)
            for i in indices:
                column[i] = result
    fits = {w.key: tuple(col) for w, col in zip(found, columns[:-1], strict=True)}
    return Placement(nodes, found, fits, tuple(columns[-1]))


def _keys_read(pod: PodScheduling) -> set[str]:
    keys = {k for k, _ in pod.node_selector}
    for term in pod.required_terms or ():
        keys |= {r.key for r in term.expressions}
    return keys


# --- findings ------------------------------------------------------------------------------------


def _names(items, limit: int = 5) -> str:
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def why_nowhere(placement: Placement, workload: Workload) -> str:
    """Why a workload fits no node: labels no node has, or what keeps it off the nodes that
    have them (taints, cordons, readiness)."""
    pod = workload.scheduling
    fits = placement.fits[workload.key]
    parts = []
    for key, value in pod.node_selector:
        if not any(n.labels.get(key) == value for n in placement.nodes):
            seen = sorted({n.labels[key] for n in placement.nodes if key in n.labels})
            hint = (
                f" (nodes have {key}=" + ", ".join(seen[:5]) + ")"
                if seen
                else f" (no node has the key {key})"
            )
            parts.append(f"no node has the label {key}={value}{hint}")
    selected = [
        (n, f)
        for n, f in zip(placement.nodes, fits, strict=True)
        if not any(r.kind in ("label", "affinity") for r in f.reasons)
    ]
    if not parts and not selected:
        if any(all(r.kind != "label" for r in f.reasons) for f in fits):
            parts.append("its required node affinity matches none of the nodes with its labels")
        else:
            parts.append("no node has all of its labels together")
    blocked: dict[tuple[str, str], list[str]] = {}
    for node, f in selected:
        for r in f.reasons:
            if r.kind != "avoid":
                blocked.setdefault((r.kind, r.detail), []).append(node.name)
    for (kind, detail), names in blocked.items():
        nodes = f"the node {names[0]}" if len(names) == 1 else f"the nodes {_names(names)}"
        if kind == "taint":
            verb = "carries" if len(names) == 1 else "carry"
            parts.append(f"{nodes} {verb} the taint {detail}, which it does not tolerate")
        else:
            parts.append(f"{nodes}: {detail}")
    return "; ".join(parts) or "no node takes it"


def placement_findings(plan: Plan, placement: Placement) -> list[Finding]:
    """Findings about the plan on these nodes (codes are stable; messages say how to fix)."""
    # workload key -> indices of the nodes it can land on
    landing = {
        w.key: [i for i, f in enumerate(placement.fits[w.key]) if f.ok] for w in placement.workloads
    }
    core = sorted({i for w in placement.workloads if w.role == "core" for i in landing[w.key]})
    return [
        *_lands_nowhere(placement, landing),
        *_core_spread([placement.nodes[i] for i in core]),
        *_core_untainted(plan, placement, core),
        *_runs_where(placement, landing, set(core)),
        *_unused(placement, landing),
        *_capacity(placement, landing),
    ]


def _lands_nowhere(placement: Placement, landing: dict) -> Iterator[Finding]:
    for w in placement.workloads:
        if landing[w.key]:
            continue
        why = why_nowhere(placement, w)
        labels = " ".join(f"{k}={v}" for k, v in w.scheduling.node_selector)
        if w.role == "runs":
            yield Finding(
                WARNING,
                "class_lands_nowhere",
                w.path,
                f"{w.title} can land on no node: {why}. Label the nodes meant for these runs "
                f"({labels or 'see the pool'}) with `kubectl label nodes`, give the pool the "
                "labels its nodes have, or add tolerations for their taints. A pool that "
                "autoscales from zero has no nodes yet: then this is expected.",
            )
        else:
            yield Finding(
                WARNING,
                "component_lands_nowhere",
                w.path,
                f"{w.title} can land on no node, so its pods stay Pending: {why}. Label the core "
                f"nodes ({labels or 'see the core pool'}; the runbook's node step does it), "
                "uncordon them, or change the core pool's labels and tolerations to match the "
                "nodes.",
            )


def _core_spread(core_nodes: list[Node]) -> Iterator[Finding]:
    zones = {n.zone for n in core_nodes}
    if len(core_nodes) == 1:
        yield Finding(
            WARNING,
            "core_single_node",
            "scheduling.core",
            f"The core components can only land on {core_nodes[0].name}: when it goes down or "
            "is drained, Polyaxon stops. Label at least two more nodes for the core pool.",
        )
    elif len(core_nodes) > 1 and len(zones) == 1 and "" not in zones:
        yield Finding(
            WARNING,
            "core_single_zone",
            "scheduling.core",
            f"Every node the core components can land on is in the zone {zones.pop()}: a zone "
            "outage stops Polyaxon. Add core nodes in a second zone.",
        )


def _core_untainted(plan: Plan, placement: Placement, core: list[int]) -> Iterator[Finding]:
    open_nodes = [placement.nodes[i].name for i in core if placement.bare[i].ok]
    if not open_nodes:
        return
    runs = (
        "Runs without scheduling settings (none in the UI settings or the polyaxonfile)"
        if plan.target == "v0.6"
        else "Runs without a preset file"
    )
    taint = taint_of(plan.scheduling.core)
    how = (
        f"kubectl taint nodes {' '.join(open_nodes[:5])} {taint.key}={taint.value}:NoSchedule"
        if taint
        else "turn on the core pool's taint and apply it with kubectl taint"
    )
    yield Finding(
        WARNING,
        "core_nodes_untainted",
        "scheduling.core.taint",
        f"{runs} can land on the core nodes {_names(open_nodes)}: they carry no NoSchedule "
        f"taint. Taint them ({how}).",
    )


def _runs_where(placement: Placement, landing: dict, core: set[int]) -> Iterator[Finding]:
    """Runs that can land on core nodes, or only on nodes without GPUs when they want GPUs."""
    nodes = placement.nodes
    for w in placement.workloads:
        if w.role != "runs" or not landing[w.key]:
            continue
        shared = [nodes[i].name for i in landing[w.key] if i in core]
        if shared:
            yield Finding(
                WARNING,
                "class_on_core_nodes",
                w.path,
                f"{w.title} can land on the core nodes {_names(shared)}: give the pool a label "
                "the core nodes do not have, and taint the core nodes.",
            )
        if w.gpu and not any(nodes[i].gpus for i in landing[w.key]):
            yield Finding(
                WARNING,
                "class_gpu_missing",
                w.path,
                f"{w.title}: the pool's labels or tolerations name GPUs, but none of the nodes "
                f"it can land on ({_names(nodes[i].name for i in landing[w.key])}) has "
                "allocatable nvidia.com/gpu or amd.com/gpu. Point the pool at the GPU nodes, "
                "or install the GPU device plugin there.",
            )


def _unused(placement: Placement, landing: dict) -> Iterator[Finding]:
    down = [n.name for n in placement.nodes if n.unschedulable or not n.is_ready]
    if down:
        yield Finding(
            INFO,
            "nodes_unavailable",
            "nodes",
            f"Cordoned or not Ready, so no new pod lands there: {_names(down)}.",
        )
    used = {i for indices in landing.values() for i in indices}
    used |= {i for i, f in enumerate(placement.bare) if f.ok}
    idle = [
        n
        for i, n in enumerate(placement.nodes)
        if i not in used and not n.unschedulable and n.is_ready
    ]
    if idle:
        taints = sorted({taint_text(t) for n in idle for t in n.taints if t.effect in _BLOCKING})
        yield Finding(
            INFO,
            "nodes_unused",
            "nodes",
            f"Nothing in this plan can land on {_names(n.name for n in idle)} (tainted "
            f"{_names(taints, 3)}). Point a pool at them with matching labels and "
            "tolerations, or ignore this if they serve something else.",
        )


def _capacity(placement: Placement, landing: dict) -> Iterator[Finding]:
    nodes = placement.nodes
    counted = [w for w in placement.workloads if w.requests and landing[w.key]]
    for w in counted:
        cpu, memory = w.requests
        roomy = [
            i
            for i in landing[w.key]
            if (nodes[i].cpu_millis is None or nodes[i].cpu_millis >= cpu)
            and (nodes[i].memory_bytes is None or nodes[i].memory_bytes >= memory)
        ]
        if not roomy:
            yield Finding(
                WARNING,
                "component_too_big",
                w.path,
                f"{w.title} requests {cpu}m CPU and {memory // 2**20}Mi memory, more than the "
                "allocatable of every node it can land on: its pods stay Pending. Use larger "
                "nodes or lower its resources.requests.",
            )
    pool = [nodes[i] for i in sorted({i for w in counted for i in landing[w.key]})]
    if any(n.cpu_millis is None or n.memory_bytes is None for n in pool):
        return
    need_cpu = sum(w.requests[0] * w.replicas for w in counted)
    need_mem = sum(w.requests[1] * w.replicas for w in counted)
    have_cpu = sum(n.cpu_millis for n in pool)
    have_mem = sum(n.memory_bytes for n in pool)
    if need_cpu > have_cpu or need_mem > have_mem:
        yield Finding(
            WARNING,
            "core_capacity_low",
            "scheduling.core",
            f"The core components request {need_cpu}m CPU and {need_mem // 2**20}Mi memory "
            f"(the chart's defaults), but their nodes have {have_cpu}m and "
            f"{have_mem // 2**20}Mi allocatable in all, before system pods. Add core nodes or "
            "use larger ones.",
        )


def check_nodes(plan: Plan, inventory: Inventory) -> list[Finding]:
    """placement_findings of the plan on the inventory's nodes."""
    return placement_findings(plan, place(plan, inventory))


def check_with_nodes(
    plan: Plan, inventory: Inventory | None
) -> tuple[list[Finding], Placement | None]:
    """`check(plan)` plus the placement findings, errors first; and the placement (for a grid).
    Without an inventory: `check(plan)` and no placement."""
    if inventory is None:
        return check(plan), None
    where = place(plan, inventory)
    findings = check(plan) + placement_findings(plan, where)
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity)), where


@dataclass(frozen=True)
class PoolNodes:
    """Which nodes already carry a pool's labels and taint (for the runbook's node step)."""

    path: str
    classes: tuple[str, ...]  # workload classes on the pool; () for the core pool
    labels: tuple[Label, ...]
    taint: Taint | None
    labelled: tuple[str, ...]  # nodes with every label of the pool
    untainted: tuple[str, ...]  # labelled nodes that lack the pool's taint
    partly_labelled: tuple[str, ...]  # nodes with some of the labels, not all


def pool_nodes(plan: Plan, inventory: Inventory) -> list[PoolNodes]:
    """The core pool, then each distinct workload pool with labels: the nodes that already have
    its labels, which of them still need its taint, and which have only some of the labels."""
    pools: dict[Pool, list[str]] = {}
    for name, pool in workload_pools(plan).items():
        if pool.labels and pool != plan.scheduling.core:
            pools.setdefault(pool, []).append(name)
    out = [_pool_nodes(plan.scheduling.core, "scheduling.core", (), inventory)]
    for pool, names in pools.items():
        out.append(_pool_nodes(pool, _class_path(plan, names[0]), tuple(names), inventory))
    return out


def _pool_nodes(pool: Pool, path: str, classes: tuple, inventory: Inventory) -> PoolNodes:
    tol = taint_of(pool)
    taint = Taint(tol.key, tol.value, tol.effect) if tol else None
    labelled, untainted, partly = [], [], []
    for node in inventory.nodes:
        have = [node.labels.get(label.key) == label.value for label in pool.labels]
        if have and all(have):
            labelled.append(node.name)
            if taint is not None and taint not in node.taints:
                untainted.append(node.name)
        elif any(have):
            partly.append(node.name)
    return PoolNodes(
        path, classes, pool.labels, taint, tuple(labelled), tuple(untainted), tuple(partly)
    )


def summary_lines(placement: Placement) -> list[str]:
    """One line per workload: how many nodes it can land on, and which (for the CLI)."""
    lines = []
    for w in placement.workloads:
        names = [n.name for n in placement.landing(w.key)]
        where = f"{len(names)} node{'s' if len(names) != 1 else ''}"
        lines.append(f"{w.title}: {where}" + (f" ({_names(names)})" if names else ""))
    return lines


def placement_dict(placement: Placement) -> list[dict]:
    """JSON for the API: each workload with the nodes it can land on (and those it avoids)."""
    out = []
    for w in placement.workloads:
        fits = placement.fits[w.key]
        out.append(
            {
                "key": w.key,
                "title": w.title,
                "role": w.role,
                "path": w.path,
                "nodes": [n.name for n, f in zip(placement.nodes, fits, strict=True) if f.ok],
                "avoided": [n.name for n, f in zip(placement.nodes, fits, strict=True) if f.soft],
            }
        )
    return out


# --- the review page's picture ---------------------------------------------------------------------

# The label each provider puts the node pool's name in (GKE, EKS managed node groups, AKS, Karpenter).
POOL_LABELS = (
    "cloud.google.com/gke-nodepool",
    "eks.amazonaws.com/nodegroup",
    "kubernetes.azure.com/agentpool",
    "agentpool",
    "karpenter.sh/nodepool",
)
_REASON_TEXT = {
    "label": "needs {}",
    "affinity": "{}",
    "taint": "taint {}",
    "cordoned": "cordoned",
    "not_ready": "{}",
    "avoid": "{}",
}


def node_group(node: Node) -> str:
    """The node pool a node belongs to, as its provider labels it ("" when none does)."""
    return next((node.labels[k] for k in POOL_LABELS if node.labels.get(k)), "")


def fit_text(result: Fit) -> str:
    """What one cell of the grid says: "lands", "avoided (PreferNoSchedule)" or "no: <why>"."""
    if result.ok and not result.reasons:
        return "lands"
    if result.ok:
        return "avoided (PreferNoSchedule)"
    hard = [r for r in result.reasons if r.kind != "avoid"]
    return "no: " + "; ".join(_REASON_TEXT[r.kind].format(r.detail) for r in hard)


@dataclass(frozen=True)
class GridRow:
    node: Node
    cells: tuple[tuple[str, str], ...]  # (state: lands|avoided|no, text) per workload


def grid(placement: Placement, limit: int | None = None) -> list[tuple[str, list[GridRow]]]:
    """The nodes x workloads grid, rows grouped by node pool (in order of first appearance);
    with `limit`, only the first `limit` nodes of the inventory."""
    groups: dict[str, list[GridRow]] = {}
    for node, fits in placement.rows()[:limit]:
        cells = tuple(
            ("lands" if f.ok and not f.soft else "avoided" if f.ok else "no", fit_text(f))
            for f in fits
        )
        groups.setdefault(node_group(node), []).append(GridRow(node, cells))
    return list(groups.items())


def nowhere(placement: Placement) -> list[tuple[Workload, str]]:
    """Each workload that can land on no node, with why."""
    return [
        (w, why_nowhere(placement, w)) for w in placement.workloads if not placement.landing(w.key)
    ]


def columns(placement: Placement) -> list[tuple[Workload, int]]:
    """Each workload of the grid with the number of nodes it can land on."""
    return [(w, len(placement.landing(w.key))) for w in placement.workloads]
