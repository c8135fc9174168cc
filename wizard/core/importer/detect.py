"""Which chart a values file is for: v2 or 0.6, from the keys only one of them has."""

from __future__ import annotations

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
    node: object = values
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


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
