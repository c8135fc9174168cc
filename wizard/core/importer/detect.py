"""Which chart a values file is for: v2 or 0.6, from the keys only one of them has."""

from __future__ import annotations

import json
import re

from .read import _get

V2_MARKERS = (
    "gateway", "agent", "operator", "artifactsStore", "connections", "platformSecret",
    "agentSecret", "apiHooks", "cleanHooks", "mountConnections", "deploymentChart", "compiler",
    "worker", "flower", "rabbitmq", "organizationKey", "cleaner", "sidecar", "init", "notifier",
    "defaultArtifactsStore", "cronIntervals", "cleaningIntervals", "istio", "timezone",
    "securityContext.runAsUser", "securityContext.runAsGroup", "securityContext.fsGroup",
    "postgresql.auth", "postgresql.primary", "ingress.className", "ingress.pathType",
    "redis.auth", "redis.replica", "externalServices.postgresql.options",
)  # fmt: skip
V06_MARKERS = (
    "persistence", "defaultPersistence", "serviceType", "rabbitmq-ha", "docker-registry", "api",
    "streams", "hpsearch", "eventsHandlers", "k8sEventsHandlers", "crons", "eventMonitors",
    "resourcesDaemon", "hooks", "tablesHook", "timeZone", "adminViewEnabled",
    "dirs", "mountPaths", "types", "roles", "k8s", "plugins",
    "postgresql.postgresqlUsername", "postgresql.postgresqlPassword",
    "postgresql.postgresqlDatabase", "redis.slave",
)  # fmt: skip


def _has(values: dict, path: str) -> bool:
    parent, _, key = path.rpartition(".")
    node = _get(values, parent)
    return isinstance(node, dict) and key in node


def has_markers(values: dict) -> bool:
    """Whether any key says which chart the file is for."""
    return any(_has(values, m) for m in (*V2_MARKERS, *V06_MARKERS))


# The wizard's own header (values.to_yaml): the release, namespace and Secret it was made for.
_QUOTED = r'("(?:[^"\\]|\\.)*")'
_HEADER = re.compile(rf"for release {_QUOTED} in namespace {_QUOTED}")
_HEADER_SECRET = re.compile(rf"from the Kubernetes Secret {_QUOTED}")
_HEADER_PROVIDER = re.compile(rf"node pools are managed by {_QUOTED}")


def read_header(text: str) -> dict[str, str]:
    """{"release", "namespace", "secret", "provider"} from the wizard's header comment, those it
    finds."""
    lines = []
    for line in text.lstrip("\ufeff").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    joined = " ".join(lines)
    found: dict[str, str] = {}
    names = (
        ("release", _HEADER, 1),
        ("namespace", _HEADER, 2),
        ("secret", _HEADER_SECRET, 1),
        ("provider", _HEADER_PROVIDER, 1),
    )
    for name, pattern, group in names:
        match = pattern.search(joined)
        if match:
            try:
                value = json.loads(match.group(group))
            except ValueError:  # an escape the comment added: not the wizard's plain name
                continue
            if isinstance(value, str):
                found[name] = value
    return found


def detect_target(values: dict) -> str | None:
    """ "v2" or "v0.6" when the file's keys say so clearly, None when unsure."""
    v2 = sum(_has(values, m) for m in V2_MARKERS)
    v06 = sum(_has(values, m) for m in V06_MARKERS)
    if v2 and not v06:
        return "v2"
    if v06 and not v2:
        return "v0.6"
    if v2 >= 3 * v06 and v2 - v06 >= 2:
        return "v2" if v06 else None
    if v06 >= 3 * v2 and v06 - v2 >= 2:
        return "v0.6"
    return None
