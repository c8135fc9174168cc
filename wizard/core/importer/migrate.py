"""Migration 0.6 -> v2: what v2 cannot use is dropped from the kept values and explained."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..plan import MigrationNote, Plan
from ..yamlio import inline
from .read import _pop
from .suggest import known_keys

if TYPE_CHECKING:
    from . import ImportResult


_V06_TO_V2 = {
    "persistence": "v2 keeps outputs and logs in `artifactsStore` and data in `connections` "
    "(the plan's storage step); repos become git connections and uploads go to the artifacts store.",
    "defaultPersistence": "v2's fallback is `defaultArtifactsStore`, a host path: set a durable "
    "artifacts store in the storage step instead.",
    "serviceType": "now `gateway.service.type` (carried over in the SSL step).",
    "rabbitmq-ha": "v2 uses the bitnami `rabbitmq` subchart, and only with the celery scheduler; "
    "Community Edition needs no broker.",
    "docker-registry": "v2 has no in-cluster registry: run a registry (or use your cloud's), "
    "declare it as a registry connection and name it in the scheduling step for the builds preset.",
    "api": "the API is `gateway.*` in v2: move replicas, resources and image settings there.",
    "streams": "v2 has no separate streams service (it is part of the gateway).",
    "scheduler": "0.6's scheduler service is replaced by the agent and operator in v2 (v2's "
    "`scheduler` is the optional celery scheduler): set resources under agent.* and operator.*.",
    "hpsearch": "replaced by the agent and operator in v2; set resources under agent.*.",
    "eventsHandlers": "replaced by the agent and operator in v2; set resources under agent.*.",
    "k8sEventsHandlers": "replaced by the operator in v2; set resources under operator.*.",
    "beat": "0.6's beat pod is gone; v2's `beat` belongs to the optional celery scheduler.",
    "crons": "v2 runs no crons container; cleaning intervals are `cleaningIntervals`.",
    "eventMonitors": "replaced by the operator in v2.",
    "resourcesDaemon": "v2 has no resources daemon.",
    "hooks": "v2's hook Jobs are opt-in under `apiHooks.*`.",
    "tablesHook": "v2's hook Jobs are opt-in under `apiHooks.*`.",
    "ssl": "v2 serves TLS through the ingress only (the SSL step).",
    "timeZone": "spelled `timezone` in v2.",
    "dirs": "v2 mounts host paths through connections; declare them in the storage step.",
    "mountPaths": "v2 mounts host paths through connections; declare them in the storage step.",
    "intervals": "v2's intervals have other keys: see `intervals`/`cleaningIntervals` in the v2 chart.",
    "adminViewEnabled": "no v2 equivalent.",
    "types": "no v2 equivalent.",
    "roles": "v2 roles are managed by `rbac`.",
    "k8s": "no v2 equivalent.",
    "plugins": "notebooks and tensorboards are hub components in v2; schedule them with the notebooks preset.",
    "nodeSelectors": "the flat `nodeSelector` plus preset files (done by the import).",
    "postgresql.master": "bitnami 15.x reads `postgresql.primary.*`; the wizard pins it to the core pool.",
    "postgresql.persistence": "bitnami 15.x reads `postgresql.primary.persistence` (the database step).",
    "postgresql.postgresqlUsername": "now `postgresql.auth.username` (the database step).",
    "postgresql.postgresqlDatabase": "now `postgresql.auth.database` (the database step).",
    "redis.slave": "bitnami redis calls it `redis.replica`; the wizard pins it to the core pool.",
    "redis.master": "the wizard pins `redis.master` to the core pool when Redis is in-cluster.",
}
_V2_TO_V06 = {
    "artifactsStore": "0.6 stores outputs under `persistence.outputs` (the storage step).",
    "connections": "0.6 mounts data under `persistence.data` (the storage step).",
    "gateway": "the API is `api.*` in 0.6.",
    "platformSecret": "0.6 cannot read passwords from an existing Secret (RUNBOOK.md passes them).",
}


def migrate_kept(kept: dict, source: str, target: str) -> tuple[dict, list[MigrationNote]]:
    """Drop what the target chart cannot use; a note for each dropped path."""
    advice = _V06_TO_V2 if source == "v0.6" else _V2_TO_V06
    known_top = {p for p in known_keys(target) if "." not in p}
    notes: list[MigrationNote] = []
    out = copy.deepcopy(kept)
    for path, text in advice.items():
        if "." in path and _pop(out, path) is not None:
            notes.append(MigrationNote(path, text))
    for key in list(out):
        if key not in known_top or key in advice:
            del out[key]
            text = advice.get(key, f"not a key of the {target} chart; no equivalent is known.")
            notes.append(MigrationNote(key, text))
    for parent in ("postgresql", "redis"):
        if parent in out and not out[parent]:
            del out[parent]
    return out, notes


def migration_store_notes(plan: Plan) -> list[MigrationNote]:
    st = plan.storage
    notes = [
        MigrationNote(
            "persistence.outputs",
            f"became the v2 artifacts store {inline(st.artifacts.name)}, which also holds the logs.",
        ),
        MigrationNote(
            "persistence.logs",
            "v2 writes logs to the artifacts store: copy old logs there if you need them.",
        ),
        MigrationNote(
            "persistence.repos",
            "v2 has no repos volume: declare your code repositories as git connections.",
        ),
        MigrationNote(
            "persistence.upload",
            "v2 uploads go to the artifacts store: no separate volume is needed.",
        ),
    ]
    if st.data:
        notes.append(MigrationNote("persistence.data", "each data store became a v2 connection."))
    return notes


def migration_markdown(result: ImportResult) -> str:
    """MIGRATION.md: what did not carry over from the 0.6 file, and what to do instead."""
    lines = [
        "# Migration notes: Polyaxon 0.6 values -> v2",
        "",
        "What the 0.6 file set that the v2 values file does not carry over, and what to do instead.",
        "",
    ]
    for note in result.migration:
        lines.append(f"- `{note.path}`: {note.message}")
    if result.secrets_found:
        lines += [
            "",
            "Secrets found in the file (removed; move them to the Kubernetes Secret):",
            "",
        ]
        lines += [f"- `{path}`" for path in result.secrets_found]
    return "\n".join(lines) + "\n"
