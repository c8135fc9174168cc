"""Unknown keys: a key the target chart does not read, with a did-you-mean from difflib."""

from __future__ import annotations

import difflib

from ..chart_keys import DEFAULT_KEYS
from ..checks import INFO, WARNING, Finding
from ..secretfilter import CHART_SECRET_PATHS as SECRET_PATHS
from .read import _get

# Keys the charts read that their default values files do not list: both charts', then each's.
_EXTRA_BOTH = {
    "polyaxonSecret", "internalToken", "hostName", "allowedHosts",
    "externalServices.postgresql.host", "externalServices.postgresql.port",
    "externalServices.postgresql.user", "externalServices.postgresql.password",
    "externalServices.postgresql.database", "externalServices.postgresql.connMaxAge",
    "externalServices.redis.host", "externalServices.redis.port",
    "externalServices.redis.usePassword", "externalServices.redis.password",
    "externalServices.rabbitmq.host", "externalServices.rabbitmq.port",
    "externalServices.rabbitmq.user", "externalServices.rabbitmq.password",
}  # fmt: skip
_EXTRA_KEYS = {
    "v2": _EXTRA_BOTH | {
        "organizationKey", "tmux", "externalServices.postgresql.options",
        "externalServices.postgresql.pgbouncer", "postgresql.primary", "gateway.nodeSelector",
        "gateway.tolerations", "gateway.affinity", "agent.nodeSelector", "agent.tolerations",
        "agent.affinity", "operator.nodeSelector", "operator.tolerations", "operator.affinity",
        "gateway.hpa", "gateway.perCore",
    },
    "v0.6": _EXTRA_BOTH | {"ssl.enabled", "ssl.secretName", "ssl.path", "ingress.annotations"},
}  # fmt: skip
# Parents whose children the chart (or validator) knows exactly; elsewhere any key may be valid.
_STRICT_PARENTS = {
    "v2": ("", "ingress", "securityContext", "user", "externalServices",
           "externalServices.postgresql", "externalServices.redis", "externalServices.rabbitmq",
           "gateway", "agent", "operator", "rbac", "dns"),
    "v0.6": ("", "ingress", "securityContext", "user", "ssl", "persistence", "externalServices",
             "externalServices.postgresql", "externalServices.redis", "externalServices.rabbitmq",
             "rbac", "dns"),
}  # fmt: skip
_WRONG_CHART_HINT = {
    "v2": {"api": "v2 has no `api` key: the API is `gateway.*`.",
           "persistence": "v2 has no `persistence`: storage is `artifactsStore` and `connections`.",
           "serviceType": "v2 spells it `gateway.service.type`."},
    "v0.6": {"gateway": "0.6 has no `gateway`: the API is `api.*`.",
             "artifactsStore": "0.6 has no `artifactsStore`: storage is `persistence.*`."},
}  # fmt: skip


def known_keys(target: str) -> frozenset[str]:
    return DEFAULT_KEYS[target] | frozenset(_EXTRA_KEYS[target])


_TYPO_CUTOFF = 0.75


def _children(target: str) -> dict[str, list[str]]:
    """The target's known keys by parent path."""
    children: dict[str, list[str]] = {}
    for path in sorted(known_keys(target)):
        parent, _, key = path.rpartition(".")
        children.setdefault(parent, []).append(key)
    return children


def key_findings(values: dict, target: str) -> list[Finding]:
    known = known_keys(target)
    children = _children(target)
    out = []
    for parent in _STRICT_PARENTS[target]:
        node = _get(values, parent)
        if not isinstance(node, dict):
            continue
        candidates = children.get(parent, [])
        for key in node:
            path = f"{parent}.{key}" if parent else key
            if path in known or path in SECRET_PATHS:
                continue
            hint = _WRONG_CHART_HINT[target].get(path)
            close = None if hint else difflib.get_close_matches(key, candidates, 1, _TYPO_CUTOFF)
            if hint:
                out.append(Finding(WARNING, "wrong_chart_key", path, hint))
            elif close:
                full = f"{parent}.{close[0]}" if parent else close[0]
                out.append(
                    Finding(
                        WARNING,
                        "key_typo",
                        path,
                        f"Not a key of the {target} chart: did you mean {full}? The "
                        "chart ignores keys it does not know.",
                    )
                )
            else:
                out.append(
                    Finding(
                        INFO,
                        "unknown_key",
                        path,
                        f"Not a key of the {target} chart; it is kept, but the chart "
                        "may ignore it (and the v2 validator rejects unknown keys).",
                    )
                )
    return out
