"""Readers: the settings the wizard manages, from a (fixed, secret-free) values file into a plan."""

from __future__ import annotations

import re
from dataclasses import replace

from .. import values as values_module
from ..checks import ERROR, INFO, WARNING, Finding
from ..plan import (
    WORKLOAD_CLASSES,
    ClassPools,
    Components,
    Database,
    Label,
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
        if target == "v2":
            klass = _str(ingress.get("className"))
        else:
            klass = _str(annotations.get("kubernetes.io/ingress.class"))
        if _CLUSTER_ISSUER in annotations or _ISSUER in annotations:
            kind = "ClusterIssuer" if _CLUSTER_ISSUER in annotations else "Issuer"
            issuer = _str(annotations.get(_CLUSTER_ISSUER if kind == "ClusterIssuer" else _ISSUER))
            mode = "cert-manager"
        else:
            kind, issuer = base.issuer_kind, base.issuer
            mode = "existing-secret" if tls_list else "none"
        secret = _str(first.get("secretName"), base.secret_name) if tls_list else base.secret_name
        return Tls(ingress=True, host=host, ingress_class=klass, mode=mode, issuer=issuer,
                   issuer_kind=kind, secret_name=secret, service_type=service_type)  # fmt: skip
    host = _str(values.get("hostName"))
    ssl = _dict(values.get("ssl"))
    if target == "v0.6" and ssl.get("enabled") is True:
        secret = _str(ssl.get("secretName"), base.secret_name)
        return Tls(ingress=False, host=host, ingress_class="", mode="existing-secret",
                   secret_name=secret, service_type=service_type)  # fmt: skip
    return Tls(ingress=False, host=host, ingress_class="", mode="none", service_type=service_type)


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


def read_v2(values: dict, classes: dict[str, Pool], workloads: Pool | None,
             out: list[Finding]) -> Plan:  # fmt: skip
    pg = _dict(values.get("postgresql"))
    ext = _dict(_get(values, "externalServices.postgresql"))
    if pg.get("enabled", True) is False:
        # v2 chart defaults: connMaxAge 0; an unset sslmode means libpq's "prefer".
        database = _external_database(
            ext, conn_max_age=0, sslmode=_str(_get(ext, "options.sslmode"), "prefer")
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
    scheduling = replace(_scheduling(values, classes, workloads), registry_connection=registry)
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


def read_v06(values: dict, classes: dict[str, Pool], out: list[Finding]) -> Plan:
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
