"""Importer: an existing Helm values file (already parsed by `safeyaml.load`) -> a plan.

Every setting the wizard manages becomes part of the plan; every other value goes to `plan.kept`
unchanged and is written back by `values.to_values`. Which keys are "managed" is not listed here:
it is whatever `values.to_values` writes for the plan that was read, so the two cannot drift. A key
the renderer writes is taken out of `kept` (the plan wins); its unmanaged siblings stay.

What the export would change (a default made explicit, a pitfall fixed, a value the plan cannot
hold) is reported as a finding, so "import, then export unchanged" differs from the file only
where a finding says so. Secrets are removed before anything else and never reach the plan,
`kept` or a message: findings name the key, never the value.

A 0.6 file imported for the v2 target is migrated: what v2 cannot use is dropped from `kept` and
explained in `ImportResult.migration` (also as findings).
"""

from __future__ import annotations

import copy
import difflib
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache

from . import codec
from . import values as values_module
from .chart_keys import DEFAULT_KEYS
from .checks import ERROR, INFO, WARNING, Finding
from .plan import (
    DB_CA_CONNECTION,
    DB_CA_MOUNT_PATH,
    TARGETS,
    WORKLOAD_CLASSES,
    ClassPools,
    Components,
    Database,
    Label,
    MigrationNote,
    Plan,
    Pool,
    RabbitMQ,
    Redis,
    Scheduling,
    Secrets,
    Security,
    Storage,
    Store,
    Tls,
    Toleration,
)
from .safeyaml import YamlRefused


class ImportRefused(YamlRefused):
    """The file reads as YAML but is too large for a plan (codec limits); line is 0."""


@dataclass(frozen=True)
class ImportResult:
    plan: Plan | None  # None when the target is ambiguous
    target: str | None  # the plan's target
    detected: str | None  # what the file looks like: "v2", "v0.6", or None when unsure
    ambiguous: bool
    findings: tuple[Finding, ...]
    kept_keys: tuple[str, ...]  # top-level keys of plan.kept
    secrets_found: tuple[str, ...]  # chart paths that held a secret (values never stored)
    migration: tuple[MigrationNote, ...] = ()


def note_dict(note: MigrationNote) -> dict:
    return {"path": note.path, "message": note.message}


def finding_dict(f: Finding) -> dict:
    return {"severity": f.severity, "code": f.code, "path": f.path, "message": f.message}


def report_dict(result: ImportResult) -> dict:
    """What an import found, as JSON data (the API's answer and the review page's report)."""
    return {
        "target": result.target,
        "detected": result.detected,
        "findings": [finding_dict(f) for f in result.findings],
        "kept_keys": list(result.kept_keys),
        "secrets_found": list(result.secrets_found),
        "migration": [note_dict(note) for note in result.migration],
    }


# --- target detection ----------------------------------------------------------------------

_V2_MARKERS = (
    "gateway", "agent", "operator", "artifactsStore", "connections", "platformSecret",
    "agentSecret", "apiHooks", "cleanHooks", "mountConnections", "deploymentChart", "compiler",
    "worker", "flower", "rabbitmq", "organizationKey", "cleaner", "sidecar", "init", "notifier",
    "defaultArtifactsStore", "cronIntervals", "cleaningIntervals", "istio", "timezone",
    "securityContext.runAsUser", "securityContext.runAsGroup", "securityContext.fsGroup",
    "postgresql.auth", "postgresql.primary", "ingress.className", "ingress.pathType",
    "redis.auth", "redis.replica", "externalServices.postgresql.options",
)  # fmt: skip
_V06_MARKERS = (
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
    v2 = sum(_has(values, m) for m in _V2_MARKERS)
    v06 = sum(_has(values, m) for m in _V06_MARKERS)
    if v2 and not v06:
        return "v2"
    if v06 and not v2:
        return "v0.6"
    if v2 >= 3 * v06 and v2 - v06 >= 2:
        return "v2" if v06 else None
    if v06 >= 3 * v2 and v06 - v2 >= 2:
        return "v0.6"
    return None


# --- secrets -------------------------------------------------------------------------------

# chart path -> key of the plan's Secret that should hold it (see credentials.py)
_SECRET_PATHS = {
    "user.password": "POLYAXON_ADMIN_PASSWORD",
    "polyaxonSecret": "POLYAXON_SECRET_KEY",
    "internalToken": "POLYAXON_SECRET_INTERNAL_TOKEN",
    "externalServices.postgresql.password": "POLYAXON_DB_PASSWORD",
    "externalServices.redis.password": "POLYAXON_REDIS_PASSWORD",
    "externalServices.rabbitmq.password": "POLYAXON_RABBITMQ_PASSWORD",
    "postgresql.auth.password": "POLYAXON_DB_PASSWORD",
    "postgresql.auth.postgresPassword": "POLYAXON_DB_PASSWORD",
    "postgresql.postgresqlPassword": "POLYAXON_DB_PASSWORD",
    "postgresql.postgresqlPostgresPassword": "POLYAXON_DB_PASSWORD",
    "redis.password": "POLYAXON_REDIS_PASSWORD",
    "redis.auth.password": "POLYAXON_REDIS_PASSWORD",
    "rabbitmq.auth.password": "POLYAXON_RABBITMQ_PASSWORD",
    "rabbitmq.auth.erlangCookie": "",
    "rabbitmq-ha.rabbitmqPassword": "POLYAXON_RABBITMQ_PASSWORD",
    "rabbitmq-ha.managementPassword": "",
    "rabbitmq-ha.rabbitmqErlangCookie": "",
    "email.hostPassword": "POLYAXON_EMAIL_HOST_PASSWORD",
    "ldap.bindPassword": "POLYAXON_AUTH_LDAP_BIND_PASSWORD",
    "agent.token": "POLYAXON_AUTH_TOKEN",
    "organizationKey": "POLYAXON_ORGANIZATION_KEY",
    "k8s.authorisation": "POLYAXON_K8S_AUTHORISATION",
    "docker-registry.secrets": "",
}
# v2 keeps OAuth/analytics credentials in these `options` blocks.
_SECRET_OPTION_PARENTS = ("externalServices.auth.", "externalServices.analytics",
                          "externalServices.transactions", "externalServices.errors",
                          "externalServices.metrics")  # fmt: skip
_SECRET_WORD = re.compile(
    r"(password|passwd|passphrase|token|erlangcookie|htpasswd|privatekey|accesskey|apikey|"
    r"secretkey$|clientsecret|credentials?$)",
    re.IGNORECASE,
)
# Keys whose name looks secret but that hold a reference, not a value.
_NOT_SECRET = {"secretKey", "usePassword", "passwordLength", "passwordAuth", "existingSecret",
               "secretName", "secret", "platformSecret", "agentSecret", "encryptionSecret",
               "imagePullSecrets", "tokenSecret", "existingPasswordSecret", "secretKeyRef"}  # fmt: skip


def _is_secret_path(path: str, key: str) -> bool:
    if path in _SECRET_PATHS:
        return True
    if key == "options" and path.startswith(_SECRET_OPTION_PARENTS):
        return True
    if key in _NOT_SECRET or key.endswith(("SecretName", "ExistingSecret", "SecretKey")):
        return False
    return bool(_SECRET_WORD.search(key))


def _strip_secrets(values: dict, plan_secret: str, out: list[Finding]) -> list[str]:
    """Remove every secret-bearing key in place; a finding per key says where to put it."""
    found: list[str] = []

    def walk(node: dict, prefix: str) -> None:
        for key in list(node):
            path = f"{prefix}{key}"
            value = node[key]
            if _is_secret_path(path, key):
                del node[key]
                if value in (None, "", {}, []):
                    continue  # an empty placeholder held nothing
                found.append(path)
                env = _SECRET_PATHS.get(path, "")
                where = (
                    f"put it in the Kubernetes Secret {plan_secret!r} under the key {env} "
                    "(RUNBOOK.md creates that Secret from environment variables)"
                    if env
                    else "keep it in a Kubernetes Secret and pass it at install time "
                    "(helm --set-file), never in the values file"
                )
                out.append(
                    Finding(
                        WARNING,
                        "secret_removed",
                        path,
                        f"This key held a secret; it was removed and is not stored or shown. {where[0].upper()}{where[1:]}.",
                    )
                )
            elif isinstance(value, dict):
                walk(value, f"{path}.")

    walk(values, "")
    return found


# --- small readers -------------------------------------------------------------------------


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _get(values: dict, path: str, default: object = None) -> object:
    node: object = values
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return default if node is None else node


def _str(value: object, default: str = "") -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return default


def _int(value: object, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return default


def _bool(value: object, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def _pop(values: dict, path: str) -> object:
    """Remove a path if present; returns the removed value (None if absent)."""
    *parents, last = path.split(".")
    node: object = values
    for part in parents:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, dict) and last in node:
        return node.pop(last)
    return None


# --- scheduling ----------------------------------------------------------------------------


def _labels(selector: object) -> tuple[Label, ...]:
    return tuple(
        Label(str(k), _str(v))
        for k, v in _dict(selector).items()
        if not isinstance(v, (dict, list))
    )


def _toleration(item: object) -> Toleration | None:
    if not isinstance(item, dict):
        return None
    return Toleration(
        key=_str(item.get("key")),
        operator=_str(item.get("operator"), "Equal") or "Equal",
        value=_str(item.get("value")),
        effect=_str(item.get("effect")),
    )


def _pool(selector: object, tolerations: object) -> Pool:
    labels = _labels(selector)
    items = tolerations if isinstance(tolerations, list) else []
    tols = tuple(t for t in map(_toleration, items) if t is not None)
    taint = False
    if labels:
        own = Toleration(labels[0].key, "Equal", labels[0].value, "NoSchedule")
        if own in tols:
            taint = True
            if tols[-1] == own:
                tols = tols[:-1]  # re-added by the renderer, in the same place
    return Pool(labels=labels, tolerations=tols, taint=taint)


_CLASS_ALIASES = {"tensorboards": "notebooks"}


def _gather_classes(selector: dict, into: dict) -> None:
    """A nested selector's per-class dicts into `into`; its plain labels are the core's."""
    into.update({k: v for k, v in selector.items() if isinstance(v, dict)})
    flat = {k: v for k, v in selector.items() if not isinstance(v, dict)}
    if flat:
        into.setdefault("core", {}).update(flat)


def _fix_nested_scheduling(values: dict, out: list[Finding]) -> dict[str, Pool]:
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
    for name, selector in nested_sel.items():
        name = _CLASS_ALIASES.get(name, name)
        if name in WORKLOAD_CLASSES and name not in classes:
            tol = nested_tol.get(name)
            classes[name] = _pool(selector, tol if isinstance(tol, list) else [])
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


def _scheduling(values: dict, classes: dict[str, Pool], workloads: Pool | None) -> Scheduling:
    core = _pool(values.get("nodeSelector"), values.get("tolerations"))
    spread = values.get("affinity") == _spread_affinity()
    base = Scheduling()
    if classes:
        pools = {name: classes.get(name, Pool()) for name in WORKLOAD_CLASSES}
        return Scheduling(
            mode="per-class", core=core, classes=ClassPools(**pools), spread_core=spread,
            workloads=workloads or base.workloads,
        )  # fmt: skip
    return Scheduling(core=core, spread_core=spread, workloads=workloads or base.workloads)


def _spread_affinity() -> object:
    plan = Plan(scheduling=Scheduling(spread_core=True))
    return values_module.to_values(plan).get("affinity")


# --- storage -------------------------------------------------------------------------------

_AZURE = re.compile(r"wasbs://([^@]*)@([^@./]*)\.blob\.core\.windows\.net/\Z")


def _bucket(kind: str, url: object) -> tuple[str, str] | None:
    """(bucket, account) from a bucket URL, or None if it is not that kind's URL."""
    if not isinstance(url, str):
        return None
    if kind == "azure":
        match = _AZURE.match(url)
        return (match.group(1), match.group(2)) if match else None
    prefix = {"s3": "s3://", "gcs": "gs://"}[kind]
    return (url[len(prefix) :], "") if url.startswith(prefix) else None


_V2_KINDS = {"s3": "s3", "gcs": "gcs", "wasb": "azure", "volume_claim": "claim",
             "host_path": "host-path"}  # fmt: skip


def _store_from_connection(conn: object) -> Store | None:
    if not isinstance(conn, dict) or not isinstance(conn.get("name"), str):
        return None
    kind = _V2_KINDS.get(conn["kind"]) if isinstance(conn.get("kind"), str) else None
    schema = _dict(conn.get("schema"))
    if kind is None:
        return None
    if kind in ("s3", "gcs", "azure"):
        parsed = _bucket(kind, schema.get("bucket"))
        if parsed is None:
            return None
        secret = _str(_get(conn, "secret.name"))
        return Store(name=conn["name"], kind=kind, bucket=parsed[0], account=parsed[1],
                     secret=secret)  # fmt: skip
    key = "volumeClaim" if kind == "claim" else "hostPath"
    if not isinstance(schema.get(key), str):
        return None
    return Store(
        name=conn["name"],
        kind=kind,
        claim=schema[key] if kind == "claim" else "",
        host_path=schema[key] if kind == "host-path" else "",
        mount_path=_str(schema.get("mountPath")),
        read_only=_bool(schema.get("readOnly"), False),
    )


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _registry_fields(values: dict) -> dict:
    """The registry connection as the wizard writes it, as scheduling fields (or {})."""
    for conn in _list(values.get("connections")):
        if (
            isinstance(conn, dict)
            and conn.get("kind") == "registry"
            and _get(conn, "secret.mountPath") == "/kaniko/.docker"
            and isinstance(_get(conn, "schema.url"), str)
            and isinstance(_get(conn, "secret.name"), str)
            and set(conn) == {"name", "kind", "schema", "secret"}
        ):
            return {
                "registry_connection": _str(conn.get("name")),
                "registry_url": _get(conn, "schema.url"),
                "registry_secret": _get(conn, "secret.name"),
            }
    return {}


def _db_ca_secret(values: dict) -> str:
    """The database CA Secret, when the file mounts it as the wizard does."""
    if values.get("mountConnections") != [DB_CA_CONNECTION]:
        return ""
    for conn in _list(values.get("connections")):
        if (
            isinstance(conn, dict)
            and conn.get("name") == DB_CA_CONNECTION
            and conn.get("kind") == "custom"
            and _get(conn, "secret.mountPath") == DB_CA_MOUNT_PATH
            and isinstance(_get(conn, "secret.name"), str)
        ):
            return _get(conn, "secret.name")
    return ""


def _wizard_connection(conn: object, values: dict) -> bool:
    if not isinstance(conn, dict):
        return False
    registry = _registry_fields(values)
    if (
        registry
        and conn.get("kind") == "registry"
        and conn.get("name") == registry["registry_connection"]
    ):
        return True
    return bool(_db_ca_secret(values)) and conn.get("name") == DB_CA_CONNECTION


def _renders_same(store: Store, conn: dict) -> bool:
    rendered = values_module._connection(store, f"/data/{store.name}")
    return rendered == conn


_DEFAULT_V2_ARTIFACTS = Store(
    name="default-artifacts-store", kind="host-path", host_path="/tmp/artifactsStore",
    mount_path="/artifactsStore",
)  # fmt: skip


def _v2_storage(values: dict, out: list[Finding]) -> tuple[Storage, str]:
    raw = values.get("artifactsStore")
    if raw is None:
        artifacts = _DEFAULT_V2_ARTIFACTS
    else:
        artifacts = _store_from_connection(raw)
        if artifacts is None:
            out.append(
                Finding(
                    ERROR,
                    "artifacts_store_unsupported",
                    "artifactsStore",
                    "The wizard manages artifacts stores of kind s3, gcs, wasb, volume_claim "
                    "and host_path with a bucket URL, claim or host path; this one was replaced "
                    "by an empty S3 store: fix it in the storage step.",
                )
            )
            artifacts = Store(name=_str(_dict(raw).get("name"), "artifacts"))
    registry = ""
    data: tuple[Store, ...] = ()
    conns = values.get("connections")
    if isinstance(conns, list) and conns:
        for conn in conns:
            if isinstance(conn, dict) and conn.get("kind") == "registry" and not registry:
                registry = _str(conn.get("name"))
        # The registry and database-CA connections the wizard writes itself (issue 13).
        conns = [c for c in conns if not _wizard_connection(c, values)]
        parsed = []
        for conn in conns:  # stops at the first connection the wizard would not write alike
            store = _store_from_connection(conn)
            if store is None or not _renders_same(store, conn):
                break
            parsed.append(store)
        if len(parsed) == len(conns):
            data = tuple(parsed)
        else:
            out.append(
                Finding(
                    INFO,
                    "connections_kept",
                    "connections",
                    "Some connections are not data stores the wizard manages (e.g. git or "
                    "registry connections): the whole `connections` list is kept as it is.",
                )
            )
    return Storage(artifacts=artifacts, data=data), registry


_V06_DEFAULTS = {
    "logs": Store(name="logs", kind="host-path", host_path="/tmp/logs", mount_path="/polyaxon-logs"),
    "repos": Store(name="repos", kind="host-path", host_path="/tmp/repos", mount_path="/polyaxon-repos"),
    "upload": Store(name="upload", kind="host-path", host_path="/tmp/upload", mount_path="/tmp/upload"),
    "outputs": Store(name="outputs", kind="host-path", host_path="/tmp/outputs", mount_path="/outputs"),
}  # fmt: skip


def _store_from_entity(name: str, entity: object, default: Store) -> Store:
    if not isinstance(entity, dict):
        return default
    common = {"name": name, "mount_path": _str(entity.get("mountPath")),
              "read_only": _bool(entity.get("readOnly"), False)}  # fmt: skip
    kind = entity.get("store")
    if kind in ("s3", "gcs", "azure"):
        parsed = _bucket(kind, entity.get("bucket")) or (_str(entity.get("bucket")), "")
        return Store(**common, kind=kind, bucket=parsed[0], account=parsed[1],
                     secret=_str(entity.get("secret")), secret_key=_str(entity.get("secretKey")))  # fmt: skip
    if isinstance(entity.get("existingClaim"), str):
        return Store(**common, kind="claim", claim=entity["existingClaim"])
    if isinstance(entity.get("hostPath"), str):
        return Store(**common, kind="host-path", host_path=_str(entity["hostPath"]))
    return replace(default, name=name)


def _v06_storage(values: dict) -> Storage:
    persistence = _dict(values.get("persistence"))
    single = {
        name: _store_from_entity(name, persistence.get(name), _V06_DEFAULTS[name])
        for name in ("logs", "repos", "upload")
    }
    outputs = _dict(persistence.get("outputs"))
    if outputs:
        name, entity = next(iter(outputs.items()))
        artifacts = _store_from_entity(name, entity, replace(_V06_DEFAULTS["outputs"], name=name))
    else:
        artifacts = _V06_DEFAULTS["outputs"]
    data = tuple(
        _store_from_entity(name, entity, Store(name=name))
        for name, entity in _dict(persistence.get("data")).items()
    )
    return Storage(artifacts=artifacts, data=data, **single)


# --- TLS -----------------------------------------------------------------------------------

_CLUSTER_ISSUER = "cert-manager.io/cluster-issuer"
_ISSUER = "cert-manager.io/issuer"
_ACM_KEY = "alb.ingress.kubernetes.io/certificate-arn"


def _tls(values: dict, target: str) -> Tls:
    ingress = _dict(values.get("ingress"))
    annotations = _dict(ingress.get("annotations"))
    service_type = (
        _str(_get(values, "gateway.service.type"), "ClusterIP")
        if target == "v2"
        else _str(values.get("serviceType"), "LoadBalancer")
    )
    base = Tls()
    tls_list = ingress.get("tls") if isinstance(ingress.get("tls"), list) else []
    first = _dict(tls_list[0]) if tls_list else {}
    if ingress.get("enabled") is True:
        host = _str(ingress.get("hostName"))
        if target == "v2" and "className" in ingress:
            klass = _str(ingress.get("className"))
        else:
            klass = _str(annotations.get("kubernetes.io/ingress.class"))
        controller = _controller(annotations, klass)
        if (
            target == "v2"
            and controller != "alb"
            and "className" not in ingress
            and "kubernetes.io/ingress.class" in annotations
        ):
            controller = "gce"  # v2 Ingresses name a class by annotation only for GKE
        if controller == "alb":
            arn = _str(annotations.get(_ACM_KEY))
            scheme = _str(annotations.get("alb.ingress.kubernetes.io/scheme"), base.alb_scheme)
            return Tls(ingress=True, host=host, ingress_class=klass, controller="alb",
                       mode="acm" if _ACM_KEY in annotations else "none", acm_certificate_arn=arn,
                       alb_scheme=scheme, service_type=service_type)  # fmt: skip
        if _CLUSTER_ISSUER in annotations or _ISSUER in annotations:
            kind = "ClusterIssuer" if _CLUSTER_ISSUER in annotations else "Issuer"
            issuer = _str(annotations.get(_CLUSTER_ISSUER if kind == "ClusterIssuer" else _ISSUER))
            mode = "cert-manager"
        else:
            kind, issuer = base.issuer_kind, base.issuer
            mode = "existing-secret" if tls_list else "none"
        secret = _str(first.get("secretName"), base.secret_name) if tls_list else base.secret_name
        return Tls(ingress=True, host=host, ingress_class=klass, mode=mode, issuer=issuer,
                   issuer_kind=kind, secret_name=secret, service_type=service_type,
                   controller=controller)  # fmt: skip
    host = _str(values.get("hostName"))
    ssl = _dict(values.get("ssl"))
    if target == "v0.6" and ssl.get("enabled") is True:
        secret = _str(ssl.get("secretName"), base.secret_name)
        return Tls(ingress=False, host=host, ingress_class="", mode="existing-secret",
                   secret_name=secret, service_type=service_type)  # fmt: skip
    return Tls(ingress=False, host=host, ingress_class="", mode="none", service_type=service_type)


def _controller(annotations: dict, klass: str) -> str:
    """Which controller an imported ingress is for: its annotations, else its class."""
    if (
        any(str(key).startswith("alb.ingress.kubernetes.io/") for key in annotations)
        or klass == "alb"
    ):
        return "alb"
    if klass in ("gce", "gce-internal"):
        return "gce"
    if klass == "nginx" or any(
        str(k).startswith("nginx.ingress.kubernetes.io/") for k in annotations
    ):
        return "nginx"
    return "other"


# --- the two readers -----------------------------------------------------------------------


def _external_database(ext: dict, conn_max_age: int, **extra) -> Database:
    """externalServices.postgresql as the plan's external database (both charts spell it alike)."""
    return Database(
        kind="external",
        host=_str(ext.get("host")),
        port=_int(ext.get("port"), 5432),
        name=_str(ext.get("database"), "polyaxon"),
        user=_str(ext.get("user"), "polyaxon"),
        conn_max_age=_int(ext.get("connMaxAge"), conn_max_age),
        **extra,
    )


def _read_v2(values: dict, classes: dict[str, Pool], workloads: Pool | None,
             out: list[Finding]) -> Plan:  # fmt: skip
    pg = _dict(values.get("postgresql"))
    ext = _dict(_get(values, "externalServices.postgresql"))
    if pg.get("enabled", True) is False:
        # v2 chart defaults: connMaxAge 0; an unset sslmode means libpq's "prefer".
        database = _external_database(
            ext,
            conn_max_age=0,
            sslmode=_str(_get(ext, "options.sslmode"), "prefer"),
            ca_secret=_db_ca_secret(values),
        )
    else:
        if ext.get("host"):
            out.append(
                Finding(
                    WARNING,
                    "db_both",
                    "postgresql.enabled",
                    "Both the in-cluster PostgreSQL (postgresql.enabled is true or unset) and an "
                    "external host are set; the chart silently uses the in-cluster one. Choose "
                    "the external database in the wizard to use your host.",
                )
            )
        persistence = _dict(_get(pg, "primary.persistence"))
        database = Database(
            kind="in-cluster",
            user=_str(_get(pg, "auth.username"), "polyaxon"),
            name=_str(_get(pg, "auth.database"), "polyaxon"),
            size=_str(persistence.get("size"), "8Gi"),
            storage_class=_str(persistence.get("storageClass")),
        )
    redis_in = _get(values, "redis.enabled") is True
    ext_redis = _dict(_get(values, "externalServices.redis"))
    rabbit_in = _get(values, "rabbitmq.enabled") is True
    ext_rabbit = _dict(_get(values, "externalServices.rabbitmq"))
    components = Components(
        scheduler=_get(values, "scheduler.enabled") is True,
        broker=_str(values.get("broker"), "redis"),
        redis=Redis(
            kind="in-cluster" if redis_in or not ext_redis else "external",
            host=_str(ext_redis.get("host")),
            port=_int(ext_redis.get("port"), 6379),
            use_password=(
                _get(values, "redis.usePassword") is True
                or _get(values, "redis.auth.enabled") is True
                if redis_in or not ext_redis
                else _bool(ext_redis.get("usePassword"), False)
            ),
        ),
        rabbitmq=RabbitMQ(
            kind="in-cluster" if rabbit_in or not ext_rabbit else "external",
            host=_str(ext_rabbit.get("host")),
            port=_int(ext_rabbit.get("port"), 5672),
            user=_str(
                _get(values, "rabbitmq.auth.username")
                if rabbit_in or not ext_rabbit
                else ext_rabbit.get("user"),
                "polyaxon",
            ),  # fmt: skip
        ),
    )
    storage, registry = _v2_storage(values, out)
    sc = _dict(values.get("securityContext"))
    security = Security(
        enabled=sc.get("enabled") is True,
        uid=_int(sc.get("runAsUser"), 2222),
        gid=_int(sc.get("runAsGroup"), 2222),
        fs_group=_int(sc.get("fsGroup"), 2222),
        fs_group_change_policy=_str(sc.get("fsGroupChangePolicy")),
        allow_privilege_escalation=_bool(sc.get("allowPrivilegeEscalation"), False),
        run_as_non_root=_bool(sc.get("runAsNonRoot"), True),
    )
    scheduling = replace(
        _scheduling(values, classes, workloads),
        **({"registry_connection": registry} | _registry_fields(values)),
    )
    return Plan(
        target="v2",
        release=Plan().release,
        scheduling=scheduling,
        database=database,
        components=components,
        storage=storage,
        tls=_tls(values, "v2"),
        security=security,
        secrets=_secrets(values, "v2"),
    )


def _secrets(values: dict, target: str) -> Secrets:
    user = _dict(values.get("user"))
    name = _str(values.get("platformSecret"), Secrets().name) if target == "v2" else ""
    return Secrets(
        name=name if target == "v2" else Secrets().name,
        admin_user=_str(user.get("username"), "rootuser" if target == "v2" else "root"),
        admin_email=_str(user.get("email")),
    )


def _read_v06(values: dict, classes: dict[str, Pool], out: list[Finding]) -> Plan:
    pg = _dict(values.get("postgresql"))
    ext = _dict(_get(values, "externalServices.postgresql"))
    if pg.get("enabled", True) is False:
        database = _external_database(ext, conn_max_age=60)  # 0.6 chart default connMaxAge
    else:
        persistence = _dict(pg.get("persistence"))
        database = Database(
            kind="in-cluster",
            user=_str(pg.get("postgresqlUsername"), "polyaxon"),
            name=_str(pg.get("postgresqlDatabase"), "polyaxon"),
            size=_str(persistence.get("size"), "2Gi"),
            storage_class=_str(persistence.get("storageClass")),
        )
    redis_in = _get(values, "redis.enabled", True) is not False
    ext_redis = _dict(_get(values, "externalServices.redis"))
    rabbit_in = _get(values, "rabbitmq-ha.enabled", True) is not False
    ext_rabbit = _dict(_get(values, "externalServices.rabbitmq"))
    broker = values.get("broker")
    components = Components(
        scheduler=False,
        # Anything but "redis" (the chart default is unset) selects the AMQP broker.
        broker="redis" if broker == "redis" else "rabbitmq",
        redis=Redis(
            kind="in-cluster" if redis_in else "external",
            host=_str(ext_redis.get("host")),
            port=_int(ext_redis.get("port"), 6379),
            use_password=_bool(
                _get(values, "redis.usePassword") if redis_in else ext_redis.get("usePassword"),
                False,
            ),
        ),
        rabbitmq=RabbitMQ(
            kind="in-cluster" if rabbit_in else "external",
            host=_str(ext_rabbit.get("host")),
            port=_int(ext_rabbit.get("port"), 5672),
            user=_str(
                _get(values, "rabbitmq-ha.rabbitmqUsername")
                if rabbit_in
                else ext_rabbit.get("user"),
                "polyaxon",
            ),
        ),
    )
    sc = _dict(values.get("securityContext"))
    gid = _int(sc.get("group"), 2222)
    security = Security(
        enabled=sc.get("enabled") is True, uid=_int(sc.get("user"), 2222), gid=gid, fs_group=gid
    )
    return Plan(
        target="v0.6",
        scheduling=_scheduling(values, classes, None),
        database=database,
        components=components,
        storage=_v06_storage(values),
        tls=_tls(values, "v0.6"),
        security=security,
        secrets=_secrets(values, "v0.6"),
    )


# --- pitfalls fixed before reading ---------------------------------------------------------


def _fix_v2_pitfalls(values: dict, out: list[Finding]) -> Pool | None:
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
            workloads = _pool(sel, _dict(value).get("tolerations"))
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


# --- managed vs kept -----------------------------------------------------------------------


def _unmanaged(values: object, managed: object) -> object:
    """What of `values` the renderer does not write: the part `plan.kept` must carry. It shares
    the data of `values` (the importer's own copy, not changed once this is taken)."""
    if isinstance(values, dict) and isinstance(managed, dict):
        out = {}
        for key, value in values.items():
            if key not in managed:
                out[key] = value
            elif isinstance(value, dict) and isinstance(managed[key], dict):
                rest = _unmanaged(value, managed[key])
                if rest:
                    out[key] = rest
        return out
    return {}


def _with_kept(rendered: dict, kept: dict) -> dict:
    """`values.to_values(plan)` for the plan with `kept`, from what it renders without: the
    same keys in the same order (`values.to_sections` and `values.merge`), but sharing `kept`
    instead of copying it; only compared, never changed or returned."""

    def merge(kept: object, managed: object) -> object:
        if isinstance(kept, dict) and isinstance(managed, dict):
            out = dict(kept)
            for key, value in managed.items():
                out[key] = merge(kept.get(key), value)
            return out
        return managed

    if not kept:
        return rendered
    out = {key: merge(kept.get(key), value) for key, value in rendered.items()}
    out.update((key, value) for key, value in kept.items() if key not in rendered)
    return out


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_MAX_DIFF_FINDINGS = 60


def _diff(before: object, after: object, path: str, out: list[tuple[str, str, str]]) -> None:
    if before is after:
        return  # kept data, shared with the file: unchanged (it passed the codec: no NaN)
    if isinstance(before, dict) and isinstance(after, dict):
        for key in list(before) + [k for k in after if k not in before]:
            at = f"{path}.{key}" if path else str(key)
            if key not in after:
                out.append(("value_dropped", at, f"{_short(before[key])} is not written back."))
            elif key not in before:
                out.append(("value_added", at, f"the export adds {_short(after[key])}."))
            else:
                _diff(before[key], after[key], at, out)
    elif before != after:
        out.append(("value_changed", path, f"{_short(before)} becomes {_short(after)}."))


def _normalisation_findings(before: dict, after: dict, explained: list[Finding]) -> list[Finding]:
    """A finding for every value the export writes differently from the file (minus the ones a
    specific finding already explains)."""
    changes: list[tuple[str, str, str]] = []
    _diff(before, after, "", changes)
    covered = [f.path for f in explained]
    out = []
    for code, path, message in changes:
        if any(path == c or path.startswith(c + ".") or c.startswith(path + ".") for c in covered):
            continue
        severity = INFO if code == "value_added" else WARNING
        out.append(Finding(severity, code, path, f"{path}: {message}"))
    if len(out) > _MAX_DIFF_FINDINGS:
        rest = len(out) - _MAX_DIFF_FINDINGS
        out = out[:_MAX_DIFF_FINDINGS] + [
            Finding(INFO, "more_changes", "", f"{rest} more values differ in the export.")
        ]
    return out


# --- unknown keys ---------------------------------------------------------------------------

# Keys the charts read that their default values files do not list.
_EXTRA_KEYS = {
    "v2": {
        "polyaxonSecret", "internalToken", "hostName", "allowedHosts", "organizationKey", "tmux",
        "externalServices.postgresql.host", "externalServices.postgresql.port",
        "externalServices.postgresql.user", "externalServices.postgresql.password",
        "externalServices.postgresql.database", "externalServices.postgresql.connMaxAge",
        "externalServices.postgresql.options", "externalServices.postgresql.pgbouncer",
        "externalServices.redis.host", "externalServices.redis.port",
        "externalServices.redis.usePassword", "externalServices.redis.password",
        "externalServices.rabbitmq.host", "externalServices.rabbitmq.port",
        "externalServices.rabbitmq.user", "externalServices.rabbitmq.password",
        "postgresql.primary", "gateway.nodeSelector", "gateway.tolerations", "gateway.affinity",
        "agent.nodeSelector", "agent.tolerations", "agent.affinity", "operator.nodeSelector",
        "operator.tolerations", "operator.affinity", "gateway.hpa", "gateway.perCore",
    },
    "v0.6": {
        "polyaxonSecret", "internalToken", "hostName", "allowedHosts",
        "externalServices.postgresql.host", "externalServices.postgresql.port",
        "externalServices.postgresql.user", "externalServices.postgresql.password",
        "externalServices.postgresql.database", "externalServices.postgresql.connMaxAge",
        "externalServices.redis.host", "externalServices.redis.port",
        "externalServices.redis.usePassword", "externalServices.redis.password",
        "externalServices.rabbitmq.host", "externalServices.rabbitmq.port",
        "externalServices.rabbitmq.user", "externalServices.rabbitmq.password",
        "ssl.enabled", "ssl.secretName", "ssl.path", "ingress.annotations",
    },
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


@cache
def _key_index(target: str) -> tuple[frozenset[str], dict[str, tuple], dict[str, int]]:
    """The target's known paths; per parent, its child keys grouped by length for `_close_key`
    (each with a bit per letter it uses and its letter counts); the bit of each letter."""
    known = known_keys(target)
    children: dict[str, set[str]] = {}
    for path in known:
        parent, _, key = path.rpartition(".")
        children.setdefault(parent, set()).add(key)
    bits: dict[str, int] = {}
    for letter in sorted({letter for path in known for letter in path}):
        bits[letter] = 1 << len(bits)
    index = {}
    for parent, keys in children.items():
        by_length: dict[int, list] = {}
        for key in sorted(keys):
            mask = sum(bits[letter] for letter in set(key))
            by_length.setdefault(len(key), []).append((key, mask, tuple(Counter(key).items())))
        index[parent] = tuple((length, tuple(group)) for length, group in by_length.items())
    return known, index, bits


def _close_key(word: str, candidates: tuple, bits: dict[str, int]) -> str | None:
    """`difflib.get_close_matches(word, keys, 1, 0.75)`, first match or None: the same three
    filters (lengths, shared letters, then SequenceMatcher.ratio, each `2.0 * n / total` as in
    difflib) and the same pick, but with each key's length and letters counted once per target,
    not once per word, and most keys ruled out by the letters the word lacks; a file can have
    thousands of unknown keys."""
    if not word:  # difflib scores two empty strings 1.0, an empty and any other 0.0
        return "" if any(key_length == 0 for key_length, _ in candidates) else None
    length = len(word)
    letters = dict(Counter(word))
    lacks = ~sum(bits.get(letter, 0) for letter in letters)
    cutoff = _TYPO_CUTOFF
    matcher = None
    best = None
    for key_length, group in candidates:
        total = key_length + length
        if 2.0 * (key_length if key_length < length else length) / total < cutoff:
            continue  # real_quick_ratio
        for key, mask, key_letters in group:
            # Each letter of the key the word lacks is at least one letter not shared.
            if 2.0 * (key_length - (mask & lacks).bit_count()) / total < cutoff:
                continue
            shared = 0
            for letter, count in key_letters:
                have = letters.get(letter, 0)
                shared += count if count < have else have
            if 2.0 * shared / total < cutoff:
                continue  # quick_ratio
            if matcher is None:
                matcher = difflib.SequenceMatcher()
                matcher.set_seq2(word)
            matcher.set_seq1(key)
            score = matcher.ratio()
            if score >= cutoff and (best is None or (score, key) > best):
                best = (score, key)
    return None if best is None else best[1]


def _key_findings(values: dict, target: str) -> list[Finding]:
    known, index, bits = _key_index(target)
    out = []
    for parent in _STRICT_PARENTS[target]:
        node = _get(values, parent) if parent else values
        if not isinstance(node, dict):
            continue
        candidates = index.get(parent, ())
        for key in node:
            path = f"{parent}.{key}" if parent else key
            if path in known or path in _SECRET_PATHS:
                continue
            hint = _WRONG_CHART_HINT[target].get(path)
            close = None if hint else _close_key(key, candidates, bits)
            if hint:
                out.append(Finding(WARNING, "wrong_chart_key", path, hint))
            elif close is not None:
                full = f"{parent}.{close}" if parent else close
                out.append(
                    Finding(
                        WARNING,
                        "key_typo",
                        path,
                        f"{path} is not a key of the {target} chart: did you mean {full}? The "
                        "chart ignores keys it does not know.",
                    )
                )
            else:
                out.append(
                    Finding(
                        INFO,
                        "unknown_key",
                        path,
                        f"{path} is not a key of the {target} chart; it is kept, but the chart "
                        "may ignore it (and the v2 validator rejects unknown keys).",
                    )
                )
    return out


# --- migration 0.6 -> v2 -------------------------------------------------------------------

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


def _migrate_kept(kept: dict, source: str, target: str) -> tuple[dict, list[MigrationNote]]:
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


def _migration_store_notes(plan: Plan) -> list[MigrationNote]:
    st = plan.storage
    notes = [
        MigrationNote(
            "persistence.outputs",
            f"became the v2 artifacts store {st.artifacts.name!r}, which also holds the logs.",
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


# --- entry point ---------------------------------------------------------------------------


def import_values(values: dict, target: str | None = None, *, owned: bool = False) -> ImportResult:
    """Read a values file (a dict from `safeyaml.load_values`) into a plan for `target` ("v2"
    or "v0.6"; None: detect it). A 0.6 file with target "v2" is migrated.

    owned: the caller hands `values` over and will not use it again, so it is worked on in
    place (and `plan.kept` shares its data) instead of deep-copying a file of up to 2 MiB."""
    if target is not None and target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; use one of {TARGETS}")
    if not isinstance(values, dict):
        raise TypeError("values must be a dict (see safeyaml.load)")
    detected = detect_target(values)
    source = detected or target
    if source is None:
        return ImportResult(
            plan=None, target=None, detected=None, ambiguous=True,
            findings=(Finding(ERROR, "target_ambiguous", "",
                              "The file does not say clearly whether it is for the v2 or the 0.6 "
                              "chart: choose the target."),),
            kept_keys=(), secrets_found=(),
        )  # fmt: skip
    target = target or source
    findings: list[Finding] = []
    work = values if owned else copy.deepcopy(values)
    plan_secret = _str(work.get("platformSecret")) or Secrets().name
    secrets_found = _strip_secrets(work, plan_secret, findings)
    classes = _fix_nested_scheduling(work, findings)
    if source == "v2":
        workloads = _fix_v2_pitfalls(work, findings)
        plan = _read_v2(work, classes, workloads, findings)
    else:
        plan = _read_v06(work, classes, findings)
    rendered = values_module.to_values(plan)  # plan.kept is still empty
    kept = _unmanaged(work, rendered)
    _check_affinity(work, plan, findings)
    migration: list[MigrationNote] = []
    if target != source:
        kept, migration = _migrate_kept(kept, source, target)
        if source == "v0.6":
            migration = _migration_store_notes(plan) + migration
        plan = replace(plan, target=target)
        for note in migration:
            findings.append(
                Finding(WARNING, "migration", note.path, f"{note.path}: {note.message}")
            )
    plan = replace(plan, kept=kept, migration=tuple(migration))
    _check_codec_limits(plan)  # first: a file too large for a plan is refused before the rest
    key_findings = _key_findings(work, source)
    if target == source:
        # What values.to_values(plan) gives now that plan.kept is set, without copying kept.
        exported = _with_kept(rendered, kept)
        findings += _normalisation_findings(work, exported, findings)
    findings = key_findings + findings
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    findings.sort(key=lambda f: order.get(f.severity, 3))
    return ImportResult(
        plan=plan,
        target=target,
        detected=detected,
        ambiguous=False,
        findings=tuple(findings),
        kept_keys=tuple(sorted(kept)),
        secrets_found=tuple(secrets_found),
        migration=tuple(migration),
    )


def _check_affinity(values: dict, plan: Plan, out: list[Finding]) -> None:
    if plan.target != "v2" or "affinity" not in values:
        return
    affinity = values["affinity"]
    if affinity is None or plan.scheduling.spread_core:
        return
    out.append(
        Finding(
            WARNING,
            "affinity_replaced",
            "affinity",
            "The v2 export writes affinity: null (the chart copies the global affinity into the "
            "cleaner jobs' scheduling) or, with 'spread core pods' on, a podAntiAffinity; this "
            "affinity is not written back. Set per-component affinity (gateway.affinity, ...) "
            "if you need it.",
        )
    )


def _check_codec_limits(plan: Plan) -> None:
    """A plan must survive the plan codec (saved plans, sessions, the API); refuse it otherwise."""
    try:
        codec.from_dict(codec.to_dict(plan))
    except codec.PlanFormatError as exc:
        shown = "; ".join(f"{path or '(top)'}: {msg}" for path, msg in exc.problems[:3])
        raise ImportRefused(
            f"the file is too large for a wizard plan ({shown}); remove values you do not "
            "need (defaults, comments are fine)"
        ) from None
