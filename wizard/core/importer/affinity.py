"""Affinity reader: a pod's `affinity` into the plan's editable fields, and what they cannot hold.

The editor holds node affinity made of match expressions (required terms, weighted preferences)
and, for core, preferred pod anti-affinity by `matchLabels` and a topology key. A part of the
file's affinity that does not fit (matchFields, a required pod anti-affinity, a user's own
podAffinity, namespaces, an unknown key) is not rewritten: the whole part (a list is never split,
its terms are ORed) comes back as the remainder, which the importer keeps as it is.
"""

from __future__ import annotations

import json

from .. import values as values_module
from ..checks import ERROR, Finding
from ..plan import (
    NODE_OPERATORS,
    Affinity,
    Label,
    MatchExpression,
    NodeSelectorTerm,
    Plan,
    Pool,
    PreferredTerm,
    Scheduling,
    SpreadTerm,
)

REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"


class _Unfit(Exception):
    """This part of the affinity does not fit the editor's fields."""


def show_path(where: tuple) -> str:
    """A finding's path: ("affinity", "x", 0, "weight") -> "affinity.x[0].weight"."""
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _wrong(out: list, where: tuple, expected: str, value: object) -> None:
    """A value Kubernetes would refuse: an error at its path; its part stays kept (whole),
    so the file's other affinity settings are not lost, and the error says to fix it."""
    shown = json.dumps(value, ensure_ascii=False, default=str)
    out.append(
        Finding(
            ERROR,
            "affinity_value_wrong",
            show_path(where),
            f"expected {expected}, found {shown}; Kubernetes would refuse this affinity. Fix it "
            "in the file or in the wizard's affinity editor.",
        )
    )
    raise _Unfit


def spread_switch_terms(target: str = "v2") -> list:
    """The podAntiAffinity terms `spread_core` writes (whatever values.py makes of it)."""
    plan = Plan(target=target, scheduling=Scheduling(core=Pool(), spread_core=True))
    return values_module.core_affinity(plan)["podAntiAffinity"][PREFERRED]


def read_affinity(
    value: dict, where: tuple, out: list, *, core: bool, target: str = "v2"
) -> tuple[Affinity, bool, dict]:
    """(the fields, whether the `spread_core` switch's terms are there, the remainder) of an
    affinity mapping."""
    # The parts the editor holds, each read by its function; anything else is the remainder.
    readers = {("nodeAffinity", REQUIRED): _required, ("nodeAffinity", PREFERRED): _preferred}
    if core:
        readers["podAntiAffinity", PREFERRED] = lambda item, at, out: _spread(item, at, out, target)
    held = {key for key, _ in readers}
    found: dict = {}
    rest: dict = {}
    for key, part in value.items():
        if key == "podAffinity" and part is None and target == "v2":
            continue  # what the v2 export writes itself (the chart default must not merge in)
        if key not in held or not isinstance(part, dict):
            rest[key] = part
            continue
        part_rest = {}
        for sub, item in part.items():
            try:
                if (key, sub) not in readers:
                    raise _Unfit
                found[key, sub] = readers[key, sub](item, (*where, key, sub), out)
            except _Unfit:
                part_rest[sub] = item
        if part_rest:
            rest[key] = part_rest
    required = found.get(("nodeAffinity", REQUIRED), ())
    preferred = found.get(("nodeAffinity", PREFERRED), ())
    switch, spread = found.get(("podAntiAffinity", PREFERRED), (False, ()))
    return Affinity(required=required, preferred=preferred, spread=spread), switch, rest


def _list(value: object) -> list:
    if not isinstance(value, list) or not value:
        raise _Unfit
    return value


def _only(node: object, keys: set[str]) -> dict:
    if not isinstance(node, dict) or not set(node) <= keys:
        raise _Unfit
    return node


def _term(node: object, where: tuple, out: list) -> NodeSelectorTerm:
    node = _only(node, {"matchExpressions"})
    found = []
    for j, item in enumerate(_list(node.get("matchExpressions"))):
        expr = _only(item, {"key", "operator", "values"})
        at = (*where, "matchExpressions", j)
        key, operator, values = expr.get("key"), expr.get("operator"), expr.get("values", [])
        if not isinstance(key, str):
            _wrong(out, (*at, "key"), "a label key", key)
        if operator not in NODE_OPERATORS:
            _wrong(out, (*at, "operator"), "one of " + ", ".join(NODE_OPERATORS), operator)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            _wrong(out, (*at, "values"), "a list of text values", values)
        found.append(MatchExpression(key=key, operator=operator, values=tuple(values)))
        if "values" in expr and not values:
            raise _Unfit  # `values: []` is written back without the key: keep it as it is
    return NodeSelectorTerm(expressions=tuple(found))


def _required(item: object, where: tuple, out: list) -> tuple[NodeSelectorTerm, ...]:
    node = _only(item, {"nodeSelectorTerms"})
    terms = _list(node.get("nodeSelectorTerms"))
    return tuple(_term(t, (*where, "nodeSelectorTerms", i), out) for i, t in enumerate(terms))


def _weight(item: dict, where: tuple, out: list) -> int:
    weight = item.get("weight")
    # A plain decimal int only (a SpelledInt such as 0x10 is an int subclass).
    if type(weight) is int and 1 <= weight <= 100:
        return weight
    shown = getattr(weight, "text", weight)
    return _wrong(out, (*where, "weight"), "a whole number from 1 to 100", shown)


def _preferred(item: object, where: tuple, out: list) -> tuple[PreferredTerm, ...]:
    found = []
    for i, pref in enumerate(_list(item)):
        pref = _only(pref, {"weight", "preference"})
        at = (*where, i)
        weight = _weight(pref, at, out)
        term = _term(pref.get("preference"), (*at, "preference"), out)
        found.append(PreferredTerm(weight=weight, term=term))
    return tuple(found)


def _spread(
    item: object, where: tuple, out: list, target: str
) -> tuple[bool, tuple[SpreadTerm, ...]]:
    terms = _list(item)
    switch_terms = spread_switch_terms(target)
    switch = terms[: len(switch_terms)] == switch_terms
    found = []
    skip = len(switch_terms) if switch else 0
    for i, term in enumerate(terms[skip:], skip):
        term = _only(term, {"weight", "podAffinityTerm"})
        weight = _weight(term, (*where, i), out)
        pod = _only(term.get("podAffinityTerm"), {"labelSelector", "topologyKey"})
        selector = _only(pod.get("labelSelector"), {"matchLabels"})
        labels = selector.get("matchLabels")
        topology = pod.get("topologyKey")
        if not isinstance(labels, dict) or not labels or not isinstance(topology, str):
            raise _Unfit
        if not all(isinstance(v, str) for v in labels.values()):
            raise _Unfit
        pairs = tuple(Label(str(k), v) for k, v in labels.items())
        found.append(SpreadTerm(weight=weight, topology_key=topology, labels=pairs))
    return switch, tuple(found)
