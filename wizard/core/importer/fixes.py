"""Pitfalls fixed before reading: the guide's nested node selectors, v2 keys in the wrong place."""

from __future__ import annotations

from ..checks import WARNING, Finding
from ..plan import WORKLOAD_CLASSES, Pool
from .read import _dict, _get, _labels, _pod_pool, _pool, _pop, _tolerations

_CLASS_ALIASES = {"tensorboards": "notebooks"}


def _gather_classes(selector: dict, into: dict) -> None:
    """A nested selector's per-class dicts into `into`; its plain labels are the core's."""
    into.update({k: v for k, v in selector.items() if isinstance(v, dict)})
    flat = {k: v for k, v in selector.items() if not isinstance(v, dict)}
    if flat:
        into.setdefault("core", {}).update(flat)


def fix_nested_scheduling(values: dict, out: list[Finding]) -> dict[str, Pool]:
    """The guide's nested `nodeSelector: {core: ..., experiments: ...}` (and the 0.4 plural
    `nodeSelectors`) become a flat core selector plus per-class pools. Returns the class pools."""
    classes: dict[str, Pool] = {}
    plural = values.pop("nodeSelectors", None)
    selector = values.get("nodeSelector")
    nested_sel = {}
    if isinstance(plural, dict):
        _gather_classes(plural, nested_sel)
        out.append(
            Finding(
                WARNING,
                "node_selectors_plural",
                "nodeSelectors",
                "`nodeSelectors` (plural) is the 0.4 schema; no 0.5+ chart reads it and the "
                "validators reject it. Its `core` labels became the flat `nodeSelector` and the "
                "other classes became workload pools (v2: preset files; 0.6: UI settings).",
            )
        )
    if isinstance(selector, dict) and any(isinstance(v, dict) for v in selector.values()):
        _gather_classes(selector, nested_sel)
        out.append(
            Finding(
                WARNING,
                "nested_node_selector",
                "nodeSelector",
                "The guide's nested per-class nodeSelector is not what the chart reads: "
                "Kubernetes rejects it in every core pod (0.6) and the v2 validator refuses it. "
                "`core` became the flat core selector; experiments, jobs, builds and notebooks "
                "became per-class workload pools.",
            )
        )
    if not nested_sel:
        return classes
    tolerations = values.get("tolerations")
    nested_tol = tolerations if isinstance(tolerations, dict) else {}
    core_tol = tolerations if isinstance(tolerations, list) else nested_tol.get("core", [])
    values["nodeSelector"] = dict(_dict(nested_sel.get("core")))
    values["tolerations"] = core_tol if isinstance(core_tol, list) else []
    if not values["nodeSelector"]:
        values.pop("nodeSelector")
    if not values["tolerations"]:
        values.pop("tolerations")
    for given in nested_sel:
        name = _CLASS_ALIASES.get(given, given)
        if name in WORKLOAD_CLASSES and name not in classes:
            labels = _labels(nested_sel, given, ("nodeSelector",), out)
            classes[name] = _pool(labels, _tolerations(nested_tol, given, ("tolerations",), out))
    ignored = sorted(set(nested_sel) - {"core", *WORKLOAD_CLASSES, *_CLASS_ALIASES})
    if ignored:
        out.append(
            Finding(
                WARNING,
                "node_selector_class_unknown",
                "nodeSelector",
                f"No workload class is called {', '.join(ignored)}; those labels were dropped.",
            )
        )
    return classes


# --- pitfalls fixed before reading ---------------------------------------------------------


def fix_v2_pitfalls(values: dict, out: list[Finding]) -> Pool | None:
    """Fix what the v2 chart or its validator gets wrong; returns a workload pool if the file
    tried to set the runs' default scheduling (only preset files can do that in CE)."""
    workloads = None
    dropped = []
    for path in ("defaultScheduling", "agent.defaultScheduling", "agent.runsScheduling"):
        value = _pop(values, path)
        if value is None:
            continue
        dropped.append(path)
        sel = _dict(value).get("nodeSelector")
        if workloads is None and isinstance(sel, dict) and sel:
            where = tuple(path.split("."))
            workloads = _pod_pool(value, where, out)
    if dropped:
        out.append(
            Finding(
                WARNING,
                "default_scheduling_dropped",
                dropped[0],
                f"{', '.join(dropped)}: no v2 template reads a runs' default scheduling (the "
                "validator rejects the agent keys). Runs reach their nodes through the preset "
                "files the wizard writes"
                + ("; its nodeSelector became the workloads pool." if workloads else "."),
            )
        )
    extra = _get(values, "ingress.extraPaths")
    if isinstance(extra, list):
        _pop(values, "ingress.extraPaths")
        if extra:
            out.append(
                Finding(
                    WARNING,
                    "ingress_extra_paths_dropped",
                    "ingress.extraPaths",
                    "ingress.extraPaths makes the 2.15 chart fail to render (nil pointer in "
                    "ing.yaml); it was removed. Add such paths with your ingress controller's "
                    "annotations instead.",
                )
            )
    ssl = values.get("ssl")
    if isinstance(ssl, dict) and ssl:
        out.append(
            Finding(
                WARNING,
                "v2_ssl_not_mounted",
                "ssl",
                "In the v2 chart ssl.* only sets flags: the certificate is never mounted. Serve "
                "TLS through the ingress (the wizard's SSL step) and remove ssl.",
            )
        )
    sc = values.get("securityContext")
    if isinstance(sc, dict) and ("user" in sc or "group" in sc):
        user, group = sc.pop("user", None), sc.pop("group", None)
        if user is not None:
            sc.setdefault("runAsUser", user)
        if group is not None:
            sc.setdefault("runAsGroup", group)
        out.append(
            Finding(
                WARNING,
                "legacy_security_keys",
                "securityContext.user",
                "securityContext.user/group are 0.6 keys the v2 validator rejects; they became "
                "runAsUser/runAsGroup.",
            )
        )
    pg = values.get("postgresql")
    if isinstance(pg, dict) and isinstance(pg.get("persistence"), dict):
        stale = pg.pop("persistence")
        primary = pg.setdefault("primary", {}) if isinstance(pg.get("primary", {}), dict) else {}
        current = primary.setdefault("persistence", {})
        if isinstance(current, dict):
            for key in ("size", "storageClass"):
                if key in stale:
                    current.setdefault(key, stale[key])
        out.append(
            Finding(
                WARNING,
                "stale_postgresql_persistence",
                "postgresql.persistence",
                "postgresql.persistence is stale for the bitnami 15.x subchart, which reads "
                "postgresql.primary.persistence; its size and storage class moved there.",
            )
        )
    return workloads
