"""Node inventory: what `kubectl get nodes -o json` (or `-o yaml`) says about the cluster's nodes.

Only what scheduling needs is kept: name, labels, taints, unschedulable, the Ready condition,
allocatable CPU, memory and GPUs, and the zone. The text is read by the capped safe YAML loader
(JSON is YAML) with the caps of an import, except the byte cap: a node listing is larger than a
values file (a real `kubectl get nodes -o json` spends ~6 KB per node on fields ignored here), so
inventories get `MAX_INVENTORY_BYTES`. Every way the document can be wrong is an
`InventoryError` naming the path (`items[3].spec.taints[0].effect`); nothing else escapes.

An inventory is input for one check or render: it is never part of a plan and never saved.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from . import safeyaml

# 16 MiB: ~2,700 nodes as kubectl prints them (without the `images` lists; see docs/inventories.md),
# more when trimmed. Parsing at this cap takes about a second (bench/placement_bench.py).
MAX_INVENTORY_BYTES = 16 * 1024 * 1024
# Kubernetes' tested scalability limit is 5,000 nodes per cluster; twice that is refused.
MAX_NODES = 10_000

GPU_RESOURCES = ("nvidia.com/gpu", "amd.com/gpu")
ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


class InventoryError(ValueError):
    """The inventory cannot be read; `path` says where (empty: the whole document)."""

    def __init__(self, message: str, path: str = "", line: int = 0):
        self.message = message
        self.path = path
        self.line = line
        where = path or (f"line {line}" if line else "")
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class Taint:
    key: str
    value: str
    effect: str


@dataclass(frozen=True)
class Node:
    name: str
    labels: dict = field(default_factory=dict, hash=False)
    taints: tuple[Taint, ...] = ()
    unschedulable: bool = False
    # The Ready condition's status: "True", "False" or "Unknown" (a missing condition is Unknown,
    # as the node lifecycle controller treats it).
    ready: str = "True"
    cpu_millis: int | None = None  # allocatable
    memory_bytes: int | None = None  # allocatable
    gpus: int = 0  # allocatable nvidia.com/gpu + amd.com/gpu
    zone: str = ""

    @property
    def is_ready(self) -> bool:
        return self.ready == "True"


@dataclass(frozen=True)
class Inventory:
    nodes: tuple[Node, ...]


def to_document(inventory: Inventory) -> dict:
    """The inventory as a trimmed `kubectl get nodes -o json` document that `from_document`
    reads back to the same nodes: a small form for a session (a node is ~300 bytes, not ~6 KB)."""
    items = []
    for node in inventory.nodes:
        allocatable = {}
        if node.cpu_millis is not None:
            allocatable["cpu"] = f"{node.cpu_millis}m"
        if node.memory_bytes is not None:
            allocatable["memory"] = str(node.memory_bytes)
        if node.gpus:
            allocatable[GPU_RESOURCES[0]] = str(node.gpus)
        labels = dict(node.labels)
        if node.zone and not any(labels.get(k) == node.zone for k in ZONE_LABELS):
            labels[ZONE_LABELS[0]] = node.zone
        spec: dict = {"taints": [vars(t).copy() for t in node.taints]}
        if node.unschedulable:
            spec["unschedulable"] = True
        items.append(
            {
                "kind": "Node",
                "metadata": {"name": node.name, "labels": labels},
                "spec": spec,
                "status": {
                    "allocatable": allocatable,
                    "conditions": [{"type": "Ready", "status": node.ready}],
                },
            }
        )
    return {"apiVersion": "v1", "kind": "List", "items": items}


# --- quantities -------------------------------------------------------------------------------

_QUANTITY = re.compile(
    r"^(?P<num>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$"
)
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "P": 10**15,
    "E": 10**18,
}


def parse_quantity(text: object) -> Fraction:
    """A Kubernetes resource quantity ("500m", "2", "16Gi", "1e9", "1.5G") as an exact number.
    Raises ValueError for anything the API server would not accept."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError("a quantity is text such as 500m, 2, 16Gi or 1e9")
    raw = str(text).strip() if isinstance(text, str) else repr(text)
    match = _QUANTITY.match(raw)
    if match is None or len(raw) > 64:
        raise ValueError(f"{raw[:40]!r} is not a Kubernetes quantity (e.g. 500m, 2, 16Gi, 1e9)")
    number = Fraction(match.group("num"))
    suffix = match.group("suffix") or ""
    if suffix in _BINARY:
        number *= _BINARY[suffix]
    elif suffix in _DECIMAL:
        number *= _DECIMAL[suffix]
    elif suffix:
        exponent = int(suffix[1:])
        if abs(exponent) > 30:
            raise ValueError(f"{raw[:40]!r}: the exponent is out of range")
        number *= Fraction(10) ** exponent
    if number < 0:
        raise ValueError(f"{raw[:40]!r} is negative; allocatable resources are not")
    return number


def cpu_millis(text: object) -> int:
    """CPU in millicores, rounded up as Kubernetes rounds a request ("0.1" -> 100, "2" -> 2000)."""
    return math.ceil(parse_quantity(text) * 1000)


def memory_bytes(text: object) -> int:
    """Memory in bytes, rounded up ("16Gi", "16000Mi", "1e9", "1G")."""
    return math.ceil(parse_quantity(text))


def _count(text: object) -> int:
    return math.ceil(parse_quantity(text))


# --- parsing ------------------------------------------------------------------------------------


def parse_inventory(data: bytes | str) -> Inventory:
    """The nodes of a `kubectl get nodes -o json|yaml` document (a List of Nodes, or one Node)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_INVENTORY_BYTES:
        raise InventoryError(
            f"the inventory is {len(raw):,} bytes; the limit is {MAX_INVENTORY_BYTES:,}. Trim it "
            "to the fields scheduling needs (docs/inventories.md shows a jq filter)"
        )
    document = _json_document(raw)
    if document is None:  # YAML (`-o yaml`), or JSON the json module refused: safeyaml says where
        try:
            document = safeyaml.load_values(raw, max_bytes=MAX_INVENTORY_BYTES)
        except safeyaml.YamlRefused as exc:
            raise InventoryError(exc.message, line=exc.line) from None
    return from_document(document)


def _json_document(raw: bytes) -> object | None:
    """`kubectl get nodes -o json` read by the json module (JSON has no aliases or tags; a 5 MB
    listing takes ~0.1 s here against ~2 s through the YAML loader), or None to read it as YAML.
    Nesting is capped as for YAML: kubectl's nodes are a few levels deep."""
    if raw.lstrip()[:1] != b"{":
        return None
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > safeyaml.MAX_DEPTH:
            raise InventoryError(f"nested more than {safeyaml.MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            stack += [(child, depth + 1) for child in node.values()]
        elif isinstance(node, list):
            stack += [(child, depth + 1) for child in node]
    return document


def from_document(document: object) -> Inventory:
    """An inventory from an already-parsed document (the API's JSON body)."""
    if not isinstance(document, dict):
        raise InventoryError("expected the output of `kubectl get nodes -o json` (an object)")
    kind = document.get("kind")
    if kind == "Node" or (kind is None and "items" not in document and "metadata" in document):
        items, prefix = [document], ""
    elif "items" in document:
        items = document["items"]
        if not isinstance(items, list):
            raise InventoryError("must be a list of nodes", "items")
        prefix = "items"
    else:
        shown = f"a {str(kind)[:40]}" if isinstance(kind, str) else "not a node list"
        raise InventoryError(
            f"this is {shown}; paste the output of `kubectl get nodes -o json` (a List of Nodes)"
        )
    if not items:
        raise InventoryError("the inventory lists no nodes", prefix)
    if len(items) > MAX_NODES:
        raise InventoryError(
            f"{len(items):,} nodes; the limit is {MAX_NODES:,} (Kubernetes supports 5,000)", prefix
        )
    nodes = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        at = f"{prefix}[{i}]" if prefix else ""
        node = _node(item, at)
        if node.name in seen:
            raise InventoryError(
                f"the node {node.name!r} is listed twice", _join(at, "metadata.name")
            )
        seen.add(node.name)
        nodes.append(node)
    return Inventory(tuple(nodes))


def _join(at: str, rest: str) -> str:
    return f"{at}.{rest}" if at else rest


def _mapping(value: object, path: str, optional: bool = True) -> dict:
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise InventoryError("must be a mapping (key: value)", path)
    return value


def _text(value: object, path: str, what: str) -> str:
    if not isinstance(value, str):
        raise InventoryError(f"{what} must be text (quote it)", path)
    return value


def _node(item: object, at: str) -> Node:
    if not isinstance(item, dict):
        raise InventoryError("must be a Node object", at)
    kind = item.get("kind", "Node")
    if kind != "Node":
        raise InventoryError(f"is a {str(kind)[:40]}, not a Node", _join(at, "kind"))
    metadata = _mapping(item.get("metadata"), _join(at, "metadata"), optional=False)
    name = _text(metadata.get("name"), _join(at, "metadata.name"), "the node name")
    if not name or len(name) > 253:
        raise InventoryError(
            "the node name must be 1 to 253 characters", _join(at, "metadata.name")
        )
    labels_at = _join(at, "metadata.labels")
    labels = _mapping(metadata.get("labels"), labels_at)
    for key, value in labels.items():
        _text(value, f"{labels_at}.{key}", "a label value")
    spec = _mapping(item.get("spec"), _join(at, "spec"))
    status = _mapping(item.get("status"), _join(at, "status"))
    unschedulable = spec.get("unschedulable", False)
    if unschedulable is None:
        unschedulable = False
    if not isinstance(unschedulable, bool):
        raise InventoryError("must be true or false", _join(at, "spec.unschedulable"))
    alloc_at = _join(at, "status.allocatable")
    allocatable = _mapping(status.get("allocatable"), alloc_at)
    zone = next((labels[k] for k in ZONE_LABELS if labels.get(k)), "")
    return Node(
        name=name,
        labels=dict(labels),
        taints=_taints(spec.get("taints"), _join(at, "spec.taints")),
        unschedulable=unschedulable,
        ready=_ready(status.get("conditions"), _join(at, "status.conditions")),
        cpu_millis=_resource(allocatable, "cpu", alloc_at, cpu_millis),
        memory_bytes=_resource(allocatable, "memory", alloc_at, memory_bytes),
        gpus=sum(_resource(allocatable, r, alloc_at, _count) or 0 for r in GPU_RESOURCES),
        zone=zone,
    )


def _taints(value: object, path: str) -> tuple[Taint, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InventoryError("must be a list of taints", path)
    taints = []
    for i, raw in enumerate(value):
        at = f"{path}[{i}]"
        taint = _mapping(raw, at, optional=False)
        key = _text(taint.get("key"), f"{at}.key", "the taint key")
        if not key:
            raise InventoryError("a taint needs a key", f"{at}.key")
        taint_value = taint.get("value")
        taint_value = "" if taint_value is None else _text(taint_value, f"{at}.value", "the value")
        effect = taint.get("effect")
        if effect not in TAINT_EFFECTS:
            raise InventoryError(
                f"the effect must be one of {', '.join(TAINT_EFFECTS)}", f"{at}.effect"
            )
        taints.append(Taint(key, taint_value, effect))
    return tuple(taints)


def _ready(value: object, path: str) -> str:
    if value is None:
        return "Unknown"
    if not isinstance(value, list):
        raise InventoryError("must be a list of conditions", path)
    for i, raw in enumerate(value):
        condition = _mapping(raw, f"{path}[{i}]", optional=False)
        if condition.get("type") == "Ready":
            status = condition.get("status")
            if status not in ("True", "False", "Unknown"):
                raise InventoryError('must be "True", "False" or "Unknown"', f"{path}[{i}].status")
            return status
    return "Unknown"


def _resource(allocatable: dict, name: str, path: str, convert) -> int | None:
    if name not in allocatable:
        return None
    try:
        return convert(allocatable[name])
    except ValueError as exc:
        raise InventoryError(str(exc), f"{path}.{name}") from None
