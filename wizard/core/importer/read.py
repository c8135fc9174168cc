"""Readers: the settings the wizard manages, from a (fixed, secret-free) values file into a plan."""

from __future__ import annotations

import re
from dataclasses import replace

from .. import values as values_module
from ..checks import ERROR, INFO, WARNING, Finding
from ..plan import (
    DB_CA_CONNECTION,
    DB_CA_MOUNT_PATH,
    WORKLOAD_CLASSES,
    Affinity,
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
from ..safeyaml import SpelledInt
from ..yamlio import inline
from .affinity import read_affinity, show_path


class Findings(list):
    """The import's findings, and where the file holds a wrong value: those places are dropped
    from the kept values (never passed through to the chart) once the plan is read."""

    def __init__(self) -> None:
        super().__init__()
        self.wrong: list[tuple] = []
        # The part of the core pods' affinity the editor cannot hold: kept as it is.
        self.affinity_rest: dict = {}


_EXPECTED = {
    "expected_text": "text",
    "expected_integer": "a whole number",
    "expected_boolean": "true or false",
    "expected_mapping": "a mapping (key: value)",
    "expected_list": "a list (- item)",
}


def _wrong(out: list, code: str, where: tuple, value: object, detail: str = "") -> None:
    shown = value.text if isinstance(value, SpelledInt) else inline(value)
    expected = detail or f"expected {_EXPECTED[code]}"
    out.append(
        Finding(ERROR, code, show_path(where), f"{expected}, found {shown}; the chart would not "
                "read it as meant. Fix it in the file or in the wizard (the plan has the default).")
    )  # fmt: skip
    if isinstance(out, Findings):
        out.wrong.append(where)


def drop(values: dict, where: tuple) -> None:
    """Remove the value at `where` (keys and list indexes) if it is there."""
    node: object = values
    for part in where[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return
    if isinstance(node, dict):
        node.pop(where[-1], None)
    elif isinstance(node, list) and isinstance(where[-1], int) and where[-1] < len(node):
        node[where[-1]] = None  # keep the other items where they are


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _get(values: dict, path: str) -> object:
    """The value at a dotted path ("" is `values` itself); None where there is none."""
    node: object = values
    for part in path.split(".") if path else ():
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _pop(values: dict, path: str) -> object:
    """Remove a dotted path if present; returns the removed value (None if absent)."""
    parent, _, key = path.rpartition(".")
    node = _get(values, parent)
    return node.pop(key, None) if isinstance(node, dict) else None


def _str(value: object, default: str = "") -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return default


def _typed(node: dict, key: str, where: tuple, out: list, kind: type, code: str, default):
    """`node[key]` if it is a `kind`; a value of another type is an error at `where + key`.
    Absent, null or wrong: the default."""
    value = node.get(key)
    if value is None:
        return default
    if isinstance(value, kind):
        return value
    _wrong(out, code, (*where, key), value)
    return default


def text(node: dict, key: str, where: tuple, out: list, default: str = "") -> str:
    """`node[key]` as text (a number is read as its digits); anything else is an error at
    `where + key`. Absent or null: the default."""
    value = node.get(key)
    if isinstance(value, int) and not isinstance(value, bool | SpelledInt):
        return str(value)
    return _typed(node, key, where, out, str, "expected_text", default)


def integer(node: dict, key: str, where: tuple, out: list, default: int, low: int = 0,
            high: int = 2**31 - 1) -> int:  # fmt: skip
    """`node[key]` as a plain decimal whole number in [low, high]; anything else is an error."""
    value = node.get(key)
    if value is None:
        return default
    if isinstance(value, SpelledInt):
        _wrong(out, "expected_integer", (*where, key), value, "expected a plain decimal number")
    elif isinstance(value, bool) or not isinstance(value, int):
        _wrong(out, "expected_integer", (*where, key), value)
    elif not low <= value <= high:
        _wrong(out, "out_of_range", (*where, key), value, f"expected a number from {low} to {high}")
    else:
        return value
    return default


def port(node: dict, key: str, where: tuple, out: list, default: int) -> int:
    return integer(node, key, where, out, default, 1, 65535)


def flag(node: dict, key: str, where: tuple, out: list, default: bool) -> bool:
    return _typed(node, key, where, out, bool, "expected_boolean", default)


def mapping(node: dict, key: str, where: tuple, out: list) -> dict:
    return _typed(node, key, where, out, dict, "expected_mapping", {})


def items(node: dict, key: str, where: tuple, out: list) -> list:
    return _typed(node, key, where, out, list, "expected_list", [])


# --- scheduling ----------------------------------------------------------------------------


def _labels(node: dict, key: str, where: tuple, out: list) -> tuple[Label, ...]:
    """A nodeSelector: label keys to text values (Kubernetes reads a map of strings)."""
    selector = mapping(node, key, where, out)
    return tuple(Label(str(k), text(selector, k, (*where, key), out)) for k in selector)


def _toleration(item: object, where: tuple, out: list) -> Toleration | None:
    if not isinstance(item, dict):
        _wrong(out, "expected_mapping", where, item)
        return None
    seconds = item.get("tolerationSeconds")
    return Toleration(
        key=text(item, "key", where, out),
        operator=text(item, "operator", where, out, "Equal") or "Equal",
        value=text(item, "value", where, out),
        effect=text(item, "effect", where, out),
        seconds="" if seconds is None else str(integer(item, "tolerationSeconds", where, out, 0)),
    )


def _tolerations(node: dict, key: str, where: tuple, out: list) -> tuple[Toleration, ...]:
    listed = items(node, key, where, out)
    found = (_toleration(item, (*where, key, i), out) for i, item in enumerate(listed))
    return tuple(t for t in found if t is not None)


def _pool(labels: tuple[Label, ...], tols: tuple[Toleration, ...]) -> Pool:
    """A pool; the toleration of its own taint (on its first label) becomes `taint`."""
    taint = False
    if labels:
        own = Toleration(labels[0].key, "Equal", labels[0].value, "NoSchedule")
        if own in tols:
            taint = True
            if tols[-1] == own:
                tols = tols[:-1]  # re-added by the renderer, in the same place
    return Pool(labels=labels, tolerations=tols, taint=taint)


def _pod_pool(holder: dict, where: tuple, out: list) -> Pool:
    """The pool of a pod's `nodeSelector` and `tolerations`, both in `holder`."""
    labels = _labels(holder, "nodeSelector", where, out)
    return _pool(labels, _tolerations(holder, "tolerations", where, out))


def _scheduling(
    values: dict,
    classes: dict[str, Pool],
    workloads: Pool | None,
    out: Findings,
    target: str = "v2",
) -> Scheduling:
    core = _pod_pool(values, (), out)
    raw = mapping(values, "affinity", (), out)
    affinity, spread, rest = read_affinity(raw, ("affinity",), out, core=True, target=target)
    core = replace(core, affinity=affinity)
    out.affinity_rest = rest
    base = Scheduling()
    if classes:
        pools = {name: classes.get(name, Pool()) for name in WORKLOAD_CLASSES}
        return Scheduling(
            mode="per-class", core=core, classes=ClassPools(**pools), spread_core=spread,
            workloads=workloads or base.workloads,
        )  # fmt: skip
    return Scheduling(core=core, spread_core=spread, workloads=workloads or base.workloads)


_BUILD_TAG = ":{{ globals.uuid }}"


def read_presets(presets: dict, base: Scheduling, out: list) -> Scheduling:
    """The runs' pools from v2 preset files (by class: what `values.to_presets` writes), and the
    builds' registry connection. One pool for every class is the two-pool layout."""
    pools: dict[str, Pool] = {}
    registry = base.registry_connection
    image = base.registry_image
    for name in WORKLOAD_CLASSES:
        preset = presets.get(name)
        if preset is None:
            continue
        where = (f"presets/{name}.yaml",)
        if not isinstance(preset, dict):
            _wrong(out, "expected_mapping", where, preset)
            continue
        holder, at = preset, where
        if name == "builds":
            holder, at = mapping(preset, "build", where, out), (*where, "build")
            registry = text(holder, "connection", at, out) or registry
            destination = _get(holder, "params.destination.value")
            if isinstance(destination, str) and destination.endswith(_BUILD_TAG):
                image = destination.removesuffix(_BUILD_TAG)  # values.to_presets writes it so
        patch = mapping(holder, "runPatch", at, out)
        env_at = (*at, "runPatch", "environment")
        environment = mapping(patch, "environment", (*at, "runPatch"), out)
        pool = _pod_pool(environment, env_at, out)
        pools[name] = replace(pool, affinity=_preset_affinity(environment, env_at, out))
    base = replace(base, registry_connection=registry, registry_image=image)
    if not pools:  # no class has a pool of its own
        return replace(base, mode="two-pool", workloads=Pool())
    if len(set(pools.values())) == 1 and len(pools) >= len(WORKLOAD_CLASSES) - 1:
        (pool,) = set(pools.values())
        return replace(base, mode="two-pool", workloads=pool)
    classes = {name: pools.get(name, Pool()) for name in WORKLOAD_CLASSES}
    return replace(base, mode="per-class", classes=ClassPools(**classes))


def _preset_affinity(environment: dict, where: tuple, out: list) -> Affinity:
    """A preset's node affinity; a part the editor cannot hold is not written back (a preset
    file has no kept values), which a finding says."""
    raw = mapping(environment, "affinity", where, out)
    affinity, _, rest = read_affinity(raw, (*where, "affinity"), out, core=False)
    for key in rest:
        out.append(
            Finding(
                WARNING,
                "affinity_not_representable",
                show_path((*where, "affinity", key)),
                "The wizard writes node affinity made of match expressions into presets; this "
                "part is not written back: add it to the exported preset by hand.",
            )
        )
    return affinity


# --- storage -------------------------------------------------------------------------------

_AZURE = re.compile(r"wasbs://([^@]*)@([^@./]*)\.blob\.core\.windows\.net/\Z")


def _bucket(kind: str, url: object) -> tuple[str, str] | None:
    """(bucket, account) from a bucket URL, or None if it is not that kind's URL. Polyaxon
    writes `s3://name/` as readily as `s3://name`: the trailing slash is dropped."""
    if not isinstance(url, str):
        return None
    if kind == "azure":
        match = _AZURE.match(url if url.endswith("/") else url + "/")
        return (match.group(1), match.group(2)) if match else None
    prefix = {"s3": "s3://", "gcs": "gs://"}[kind]
    if not url.startswith(prefix):
        return None
    name = url[len(prefix) :]
    return (name[:-1] if name.endswith("/") and "/" not in name[:-1] else name), ""


_V2_KINDS = {"s3": "s3", "gcs": "gcs", "wasb": "azure", "volume_claim": "claim",
             "host_path": "host-path"}  # fmt: skip


def _store_from_connection(conn: object, where: tuple, out: list) -> Store | None:
    if not isinstance(conn, dict):
        _wrong(out, "expected_mapping", where, conn)
        return None
    name = text(conn, "name", where, out)
    kind = _V2_KINDS.get(text(conn, "kind", where, out))
    schema = mapping(conn, "schema", where, out)
    if kind is None or not name:
        return None
    at = (*where, "schema")
    if kind in ("s3", "gcs", "azure"):
        parsed = _bucket(kind, text(schema, "bucket", at, out))
        if parsed is None:
            return None
        secret = text(mapping(conn, "secret", where, out), "name", (*where, "secret"), out)
        return Store(name=name, kind=kind, bucket=parsed[0], account=parsed[1], secret=secret)
    key = "volumeClaim" if kind == "claim" else "hostPath"
    value = text(schema, key, at, out)
    if not value:
        return None
    return Store(
        name=name,
        kind=kind,
        claim=value if kind == "claim" else "",
        host_path=value if kind == "host-path" else "",
        mount_path=text(schema, "mountPath", at, out),
        read_only=flag(schema, "readOnly", at, out, False),
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


def _wizard_connection(conn: object, registry: dict, db_ca: bool) -> bool:
    """The registry and database-CA connections the wizard writes itself (issue 13), given the
    file's `_registry_fields` and whether it mounts the database CA."""
    if not isinstance(conn, dict):
        return False
    if (
        registry
        and conn.get("kind") == "registry"
        and conn.get("name") == registry["registry_connection"]
    ):
        return True
    return db_ca and conn.get("name") == DB_CA_CONNECTION


_DEFAULT_V2_ARTIFACTS = Store(
    name="default-artifacts-store", kind="host-path", host_path="/tmp/artifactsStore",
    mount_path="/artifactsStore",
)  # fmt: skip


def _v2_storage(values: dict, out: list[Finding]) -> tuple[Storage, str]:
    raw = values.get("artifactsStore")
    if raw is None:
        artifacts = _DEFAULT_V2_ARTIFACTS
    else:
        artifacts = _store_from_connection(raw, ("artifactsStore",), out)
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
    conns = items(values, "connections", (), out)
    if conns:
        for conn in conns:
            if isinstance(conn, dict) and conn.get("kind") == "registry" and not registry:
                registry = _str(conn.get("name"))
        # Looked up once: per connection, a file of thousands of connections took seconds.
        registry_fields, db_ca = _registry_fields(values), bool(_db_ca_secret(values))
        conns = [c for c in conns if not _wizard_connection(c, registry_fields, db_ca)]
        parsed = []
        quiet: list = []  # a connection the wizard does not manage is kept, not judged
        for i, conn in enumerate(conns):  # stops at the first one the wizard would not write alike
            store = _store_from_connection(conn, ("connections", i), quiet)
            if store is None or values_module._connection(store, f"/data/{store.name}") != conn:
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


def _store_from_entity(name: str, entity: object, default: Store, where: tuple,
                       out: list) -> Store:  # fmt: skip
    if entity is None:
        return default
    if not isinstance(entity, dict):
        _wrong(out, "expected_mapping", where, entity)
        return default
    common = {"name": name, "mount_path": text(entity, "mountPath", where, out),
              "read_only": flag(entity, "readOnly", where, out, False)}  # fmt: skip
    kind = text(entity, "store", where, out)
    if kind in ("s3", "gcs", "azure"):
        bucket = text(entity, "bucket", where, out)
        parsed = _bucket(kind, bucket) or (bucket, "")
        return Store(**common, kind=kind, bucket=parsed[0], account=parsed[1],
                     secret=text(entity, "secret", where, out),
                     secret_key=text(entity, "secretKey", where, out))  # fmt: skip
    claim = text(entity, "existingClaim", where, out)
    if claim:
        return Store(**common, kind="claim", claim=claim)
    host_path = text(entity, "hostPath", where, out)
    if host_path:
        return Store(**common, kind="host-path", host_path=host_path)
    return replace(default, name=name)


def _v06_storage(values: dict, out: list) -> Storage:
    persistence = mapping(values, "persistence", (), out)
    at = ("persistence",)
    single = {
        name: _store_from_entity(name, persistence.get(name), _V06_DEFAULTS[name], (*at, name), out)
        for name in ("logs", "repos", "upload")
    }
    outputs = mapping(persistence, "outputs", at, out)
    if outputs:
        name, entity = next(iter(outputs.items()))
        artifacts = _store_from_entity(
            name, entity, replace(_V06_DEFAULTS["outputs"], name=name), (*at, "outputs", name), out
        )
    else:
        artifacts = _V06_DEFAULTS["outputs"]
    data = tuple(
        _store_from_entity(name, entity, Store(name=name), (*at, "data", name), out)
        for name, entity in mapping(persistence, "data", at, out).items()
    )
    return Storage(artifacts=artifacts, data=data, **single)


# --- TLS -----------------------------------------------------------------------------------

_CLUSTER_ISSUER = "cert-manager.io/cluster-issuer"
_ISSUER = "cert-manager.io/issuer"
_ACM_KEY = "alb.ingress.kubernetes.io/certificate-arn"


def _tls(values: dict, target: str, out: list) -> Tls:
    ingress = mapping(values, "ingress", (), out)
    at = ("ingress",)
    annotations = mapping(ingress, "annotations", at, out)
    notes_at = (*at, "annotations")
    if target == "v2":
        service = mapping(mapping(values, "gateway", (), out), "service", ("gateway",), out)
        service_type = text(service, "type", ("gateway", "service"), out, "ClusterIP")
    else:
        service_type = text(values, "serviceType", (), out, "LoadBalancer")
    base = Tls()
    tls_list = items(ingress, "tls", at, out)
    first = tls_list[0] if tls_list else {}
    if not isinstance(first, dict):
        _wrong(out, "expected_mapping", (*at, "tls", 0), first)
        first = {}
    if flag(ingress, "enabled", at, out, False):
        host = text(ingress, "hostName", at, out)
        if target == "v2" and "className" in ingress:
            klass = text(ingress, "className", at, out)
        else:
            klass = text(annotations, "kubernetes.io/ingress.class", notes_at, out)
        controller = _controller(annotations, klass)
        if (
            target == "v2"
            and controller != "alb"
            and "className" not in ingress
            and "kubernetes.io/ingress.class" in annotations
        ):
            controller = "gce"  # v2 Ingresses name a class by annotation only for GKE
        if controller == "alb":
            arn = text(annotations, _ACM_KEY, notes_at, out)
            scheme_key = "alb.ingress.kubernetes.io/scheme"
            scheme = text(annotations, scheme_key, notes_at, out, base.alb_scheme)
            return Tls(ingress=True, host=host, ingress_class=klass, controller="alb",
                       mode="acm" if _ACM_KEY in annotations else "none", acm_certificate_arn=arn,
                       alb_scheme=scheme, service_type=service_type)  # fmt: skip
        if _CLUSTER_ISSUER in annotations or _ISSUER in annotations:
            kind = "ClusterIssuer" if _CLUSTER_ISSUER in annotations else "Issuer"
            issuer_key = _CLUSTER_ISSUER if kind == "ClusterIssuer" else _ISSUER
            issuer = text(annotations, issuer_key, notes_at, out)
            mode = "cert-manager"
        else:
            kind, issuer = base.issuer_kind, base.issuer
            mode = "existing-secret" if tls_list else "none"
        secret = (
            text(first, "secretName", (*at, "tls", 0), out, base.secret_name)
            if tls_list
            else base.secret_name
        )
        return Tls(ingress=True, host=host, ingress_class=klass, mode=mode, issuer=issuer,
                   issuer_kind=kind, secret_name=secret, service_type=service_type,
                   controller=controller)  # fmt: skip
    host = text(values, "hostName", (), out)
    if target == "v0.6":
        ssl = mapping(values, "ssl", (), out)
        if flag(ssl, "enabled", ("ssl",), out, False):
            secret = text(ssl, "secretName", ("ssl",), out, base.secret_name)
            return Tls(ingress=False, host=host, ingress_class="", mode="existing-secret",
                       secret_name=secret, service_type=service_type)  # fmt: skip
    return Tls(ingress=False, host=host, ingress_class="", mode="none", service_type=service_type)


def _controller(annotations: dict, klass: str) -> str:
    """Which controller an imported ingress is for: its annotations, else its class."""
    if klass == "alb" or any(str(k).startswith("alb.ingress.kubernetes.io/") for k in annotations):
        return "alb"
    if klass in ("gce", "gce-internal"):
        return "gce"
    if klass == "nginx" or any(
        str(k).startswith("nginx.ingress.kubernetes.io/") for k in annotations
    ):
        return "nginx"
    return "other"


# --- the two readers -----------------------------------------------------------------------

_EXT = ("externalServices",)


def _external(values: dict, name: str, out: list) -> dict:
    return mapping(mapping(values, "externalServices", (), out), name, _EXT, out)


def _external_database(ext: dict, conn_max_age: int, out: list, **extra) -> Database:
    """externalServices.postgresql as the plan's external database (both charts spell it alike)."""
    at = (*_EXT, "postgresql")
    return Database(
        kind="external",
        host=text(ext, "host", at, out),
        port=port(ext, "port", at, out, 5432),
        name=text(ext, "database", at, out, "polyaxon"),
        user=text(ext, "user", at, out, "polyaxon"),
        conn_max_age=integer(ext, "connMaxAge", at, out, conn_max_age),
        **extra,
    )


def _redis(values: dict, in_cluster: bool, use_password: bool, out: list) -> Redis:
    ext = _external(values, "redis", out)
    at = (*_EXT, "redis")
    return Redis(
        kind="in-cluster" if in_cluster else "external",
        host=text(ext, "host", at, out),
        port=port(ext, "port", at, out, 6379),
        use_password=use_password if in_cluster else flag(ext, "usePassword", at, out, False),
    )


def _rabbitmq(values: dict, in_cluster: bool, user: str, out: list) -> RabbitMQ:
    ext = _external(values, "rabbitmq", out)
    at = (*_EXT, "rabbitmq")
    return RabbitMQ(
        kind="in-cluster" if in_cluster else "external",
        host=text(ext, "host", at, out),
        port=port(ext, "port", at, out, 5672),
        user=user if in_cluster else text(ext, "user", at, out, "polyaxon"),
    )


def read_v2(values: dict, classes: dict[str, Pool], workloads: Pool | None,
            out: list[Finding]) -> Plan:  # fmt: skip
    pg = mapping(values, "postgresql", (), out)
    ext = _external(values, "postgresql", out)
    if not flag(pg, "enabled", ("postgresql",), out, True):
        # v2 chart defaults: connMaxAge 0; an unset sslmode means libpq's "prefer".
        options = mapping(ext, "options", (*_EXT, "postgresql"), out)
        sslmode = text(options, "sslmode", (*_EXT, "postgresql", "options"), out, "prefer")
        database = _external_database(ext, 0, out, sslmode=sslmode, ca_secret=_db_ca_secret(values))
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
        auth = mapping(pg, "auth", ("postgresql",), out)
        primary = mapping(pg, "primary", ("postgresql",), out)
        persistence = mapping(primary, "persistence", ("postgresql", "primary"), out)
        at = ("postgresql", "primary", "persistence")
        database = Database(
            kind="in-cluster",
            user=text(auth, "username", ("postgresql", "auth"), out, "polyaxon"),
            name=text(auth, "database", ("postgresql", "auth"), out, "polyaxon"),
            size=text(persistence, "size", at, out, "8Gi"),
            storage_class=text(persistence, "storageClass", at, out),
        )
    redis = mapping(values, "redis", (), out)
    redis_in = flag(redis, "enabled", ("redis",), out, False)
    redis_ext = bool(_external(values, "redis", out))
    redis_auth = mapping(redis, "auth", ("redis",), out)
    use_password = flag(redis, "usePassword", ("redis",), out, False) or flag(
        redis_auth, "enabled", ("redis", "auth"), out, False
    )
    rabbit = mapping(values, "rabbitmq", (), out)
    rabbit_in = flag(rabbit, "enabled", ("rabbitmq",), out, False)
    rabbit_ext = bool(_external(values, "rabbitmq", out))
    rabbit_auth = mapping(rabbit, "auth", ("rabbitmq",), out)
    rabbit_user = text(rabbit_auth, "username", ("rabbitmq", "auth"), out, "polyaxon")
    components = Components(
        scheduler=flag(
            mapping(values, "scheduler", (), out), "enabled", ("scheduler",), out, False
        ),
        broker=text(values, "broker", (), out, "redis"),
        redis=_redis(values, redis_in or not redis_ext, use_password, out),
        rabbitmq=_rabbitmq(values, rabbit_in or not rabbit_ext, rabbit_user, out),
    )
    storage, registry = _v2_storage(values, out)
    sc = mapping(values, "securityContext", (), out)
    at = ("securityContext",)
    gid = integer(sc, "runAsGroup", at, out, 2222)
    security = Security(
        enabled=flag(sc, "enabled", at, out, False),
        uid=integer(sc, "runAsUser", at, out, 2222),
        gid=gid,
        fs_group=integer(sc, "fsGroup", at, out, gid),  # unset or wrong: the guide's gid
        fs_group_change_policy=text(sc, "fsGroupChangePolicy", at, out),
        allow_privilege_escalation=flag(sc, "allowPrivilegeEscalation", at, out, False),
        run_as_non_root=flag(sc, "runAsNonRoot", at, out, True),
    )
    scheduling = replace(
        _scheduling(values, classes, workloads, out),
        **({"registry_connection": registry} | _registry_fields(values)),
    )
    return Plan(
        target="v2",
        release=Plan().release,
        scheduling=scheduling,
        database=database,
        components=components,
        storage=storage,
        tls=_tls(values, "v2", out),
        security=security,
        secrets=_secrets(values, "v2", out),
    )


def _secrets(values: dict, target: str, out: list) -> Secrets:
    user = mapping(values, "user", (), out)
    name = Secrets().name
    if target == "v2":
        name = text(values, "platformSecret", (), out, name)
    return Secrets(
        name=name,
        admin_user=text(user, "username", ("user",), out, "rootuser" if target == "v2" else "root"),
        admin_email=text(user, "email", ("user",), out),
    )


def read_v06(values: dict, classes: dict[str, Pool], out: list[Finding]) -> Plan:
    pg = mapping(values, "postgresql", (), out)
    ext = _external(values, "postgresql", out)
    if not flag(pg, "enabled", ("postgresql",), out, True):
        database = _external_database(ext, 60, out)  # 0.6 chart default connMaxAge
    else:
        persistence = mapping(pg, "persistence", ("postgresql",), out)
        at = ("postgresql", "persistence")
        database = Database(
            kind="in-cluster",
            user=text(pg, "postgresqlUsername", ("postgresql",), out, "polyaxon"),
            name=text(pg, "postgresqlDatabase", ("postgresql",), out, "polyaxon"),
            size=text(persistence, "size", at, out, "2Gi"),
            storage_class=text(persistence, "storageClass", at, out),
        )
    redis = mapping(values, "redis", (), out)
    redis_in = flag(redis, "enabled", ("redis",), out, True)
    rabbit = mapping(values, "rabbitmq-ha", (), out)
    rabbit_in = flag(rabbit, "enabled", ("rabbitmq-ha",), out, True)
    rabbit_user = text(rabbit, "rabbitmqUsername", ("rabbitmq-ha",), out, "polyaxon")
    broker = text(values, "broker", (), out)
    components = Components(
        scheduler=False,
        # Anything but "redis" (the chart default is unset) selects the AMQP broker.
        broker="redis" if broker == "redis" else "rabbitmq",
        redis=_redis(values, redis_in, flag(redis, "usePassword", ("redis",), out, False), out),
        rabbitmq=_rabbitmq(values, rabbit_in, rabbit_user, out),
    )
    sc = mapping(values, "securityContext", (), out)
    at = ("securityContext",)
    gid = integer(sc, "group", at, out, 2222)
    security = Security(
        enabled=flag(sc, "enabled", at, out, False),
        uid=integer(sc, "user", at, out, 2222),
        gid=gid,
        fs_group=gid,
    )
    return Plan(
        target="v0.6",
        scheduling=_scheduling(values, classes, None, out, "v0.6"),
        database=database,
        components=components,
        storage=_v06_storage(values, out),
        tls=_tls(values, "v0.6", out),
        security=security,
        secrets=_secrets(values, "v0.6", out),
    )
