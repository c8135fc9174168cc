"""Values renderer: the minimal Helm override file for the plan's target chart, and v2 preset files.

Only what the plan decides is written, with keys spelled as the chart consumes them (see
shared/reference/polyaxon-chart-notes.md). Secrets are never written: the chart paths that hold
them are filled at install time from the plan's Kubernetes Secret (see `credentials.py`).
"""

from __future__ import annotations

import copy
import json

from . import yamlio
from .credentials import GCS_MOUNT_PATH
from .plan import (
    DB_CA_CONNECTION,
    DB_CA_KEY,
    DB_CA_MOUNT_PATH,
    DEFAULT_BUILD_IMAGE,
    Affinity,
    MatchExpression,
    NodeSelectorTerm,
    Plan,
    Pool,
    SpreadTerm,
    Store,
    Toleration,
    db_ca_mounted,
    needs_rabbitmq,
    needs_redis,
    pool_tolerations,
    registry_declared,
    workload_pools,
)

GUIDE = "https://github.com/polyaxon/polyaxon/blob/v0.6.1/docs/guides/best-practices-for-deploying-polyaxon.md"
# The same guide for v2 charts (polyaxon/polyaxon site/setup/deployment-strategies/best-practices.mdx).
GUIDE_V2 = "https://polyaxon.com/docs/setup/deployment-strategies/best-practices/"


def guide(plan: Plan) -> str:
    """The production guide of the plan's target chart."""
    return GUIDE if plan.target == "v0.6" else GUIDE_V2


# Ingress annotations per controller (docs/ingress-and-tls.md). nginx: artifact uploads need a large
# body, log streaming and websockets long reads and no buffering.
_NGINX_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/proxy-body-size": "4G",
    "nginx.ingress.kubernetes.io/proxy-connect-timeout": "60",
    "nginx.ingress.kubernetes.io/proxy-read-timeout": "600",
    "nginx.ingress.kubernetes.io/proxy-send-timeout": "600",
    "nginx.ingress.kubernetes.io/proxy-buffering": "off",
}
_MOUNTS = {
    "artifacts": "/artifacts",
    "logs": "/polyaxon-logs",
    "repos": "/polyaxon-repos",
    "upload": "/tmp/upload",
}
_EXTERNAL = "External (managed) services the platform connects to."


def to_sections(plan: Plan) -> list[tuple[str, dict]]:
    """(comment, top-level keys) per concern of the guide, in file order; values the plan keeps
    from an imported file are merged under the keys the wizard writes, the rest come last."""
    sections = _v06_sections(plan) if plan.target == "v0.6" else _v2_sections(plan)
    sections = [(comment, data) for comment, data in sections if data]
    if not plan.kept:
        return sections
    managed = {key for _, data in sections for key in data}
    merged = [(c, {k: merge(plan.kept.get(k), v) for k, v in data.items()}) for c, data in sections]
    rest = {k: copy.deepcopy(v) for k, v in plan.kept.items() if k not in managed}
    if rest:
        merged.append(("Kept as-is from the imported file (not managed by the wizard).", rest))
    return merged


def merge(kept: object, managed: object) -> object:
    """Deep merge: the wizard's value wins; mappings merge key by key; kept data is copied."""
    if isinstance(kept, dict) and isinstance(managed, dict):
        out = copy.deepcopy(kept)
        for key, value in managed.items():
            out[key] = merge(kept.get(key), value)
        return out
    return copy.deepcopy(managed)


def to_values(plan: Plan) -> dict:
    """The override values as one dict (what `yaml.safe_load(to_yaml(plan))` returns)."""
    values: dict = {}
    for _, data in to_sections(plan):
        values.update(data)
    return values


def to_yaml(plan: Plan) -> str:
    return _header_comment(plan) + "\n" + yamlio.dump_commented(to_sections(plan))


def _header_comment(plan: Plan) -> str:
    return yamlio.comment(
        f"Polyaxon {plan.chart_version} production values for release {_q(plan.release)} "
        f"in namespace {_q(plan.namespace)}.\nSecrets are not in this file: apply it with the "
        "helm command of RUNBOOK.md, which reads them\nfrom the Kubernetes Secret "
        f"{_q(plan.secrets.name)}."
        + (
            f"\nThe cluster's node pools are managed by {_q(plan.scheduling.provider)}."
            if plan.scheduling.provider != "other"
            else ""
        )
    )


def _q(value: str) -> str:
    """A user value quoted for a comment line (yamlio.comment escapes what is left)."""
    return json.dumps(value, ensure_ascii=False)


def _selector(pool: Pool) -> dict:
    return {label.key: label.value for label in pool.labels}


def _toleration(tol: Toleration) -> dict:
    out: dict = {}
    if tol.key:
        out["key"] = tol.key
    out["operator"] = tol.operator
    if tol.operator != "Exists":
        out["value"] = tol.value
    if tol.effect:
        out["effect"] = tol.effect
    if tol.seconds:
        out["tolerationSeconds"] = (
            int(tol.seconds) if tol.seconds.isascii() and tol.seconds.isdigit() else tol.seconds
        )
    return out


def _pinning(pool: Pool) -> dict:
    """nodeSelector + tolerations that put a pod on the pool's nodes."""
    out: dict = {}
    if pool.labels:
        out["nodeSelector"] = _selector(pool)
    tolerations = pool_tolerations(pool)
    if tolerations:
        out["tolerations"] = [_toleration(t) for t in tolerations]
    return out


def _expression(expr: MatchExpression) -> dict:
    out: dict = {"key": expr.key, "operator": expr.operator}
    if expr.values:
        out["values"] = list(expr.values)
    return out


def _term(term: NodeSelectorTerm) -> dict:
    return {"matchExpressions": [_expression(e) for e in term.expressions]}


def node_affinity(affinity: Affinity) -> dict:
    """The pool's nodeAffinity (required terms ORed, weighted preferences); {} when it has none."""
    out: dict = {}
    if affinity.required:
        out["requiredDuringSchedulingIgnoredDuringExecution"] = {
            "nodeSelectorTerms": [_term(t) for t in affinity.required]
        }
    if affinity.preferred:
        out["preferredDuringSchedulingIgnoredDuringExecution"] = [
            {"weight": p.weight, "preference": _term(p.term)} for p in affinity.preferred
        ]
    return out


def spread_term(term: SpreadTerm) -> dict:
    """A preferred podAntiAffinity term keeping pods with `term.labels` apart."""
    return {
        "weight": term.weight,
        "podAffinityTerm": {
            "labelSelector": {"matchLabels": {label.key: label.value for label in term.labels}},
            "topologyKey": term.topology_key,
        },
    }


def core_affinity(plan: Plan) -> dict:
    """The core pods' affinity: the core pool's node affinity, the `spread_core` switch's pod
    anti-affinity and the editor's own spread terms; {} when none is set."""
    sched = plan.scheduling
    out: dict = {}
    node = node_affinity(sched.core.affinity)
    if node:
        out["nodeAffinity"] = node
    anti = []
    if sched.spread_core:
        # 0.6 pods carry type=polyaxon-core; v2 pods carry app.kubernetes.io/part-of=polyaxon-core
        # and never `type`, so each target's spread selects the label its own pods have
        # (tests/render checks it).
        key = "type" if plan.target == "v0.6" else "app.kubernetes.io/part-of"
        anti.append(
            {
                "weight": 100,
                "podAffinityTerm": {
                    "labelSelector": {
                        "matchExpressions": [
                            {"key": key, "operator": "In", "values": ["polyaxon-core"]}
                        ]
                    },
                    "topologyKey": "kubernetes.io/hostname",
                },
            }
        )
    anti += [spread_term(t) for t in sched.core.affinity.spread]
    if anti:
        out["podAntiAffinity"] = {"preferredDuringSchedulingIgnoredDuringExecution": anti}
    return out


def _v2_core_affinity(plan: Plan) -> dict | None:
    """v2's global affinity: null when none is set; otherwise with `podAffinity: null`, because
    Helm merges a written map with the chart's default, whose podAffinity selects
    `type=polyaxon-core`, a label no v2 pod carries (chart notes 3.1, 6.1)."""
    affinity = core_affinity(plan)
    kept = plan.kept.get("affinity")
    kept = kept if isinstance(kept, dict) else {}
    if not affinity and not kept:
        return None
    if "podAffinity" in kept:  # the user's own, kept from an imported file
        return affinity
    return {**affinity, "podAffinity": None}


def _preset_environment(pool: Pool) -> dict:
    """A run's environment on the pool: nodeSelector, tolerations and node affinity. Presets are
    merged by Polyaxon onto the run, not with chart defaults: no podAffinity to null."""
    environment = _pinning(pool)
    node = node_affinity(pool.affinity)
    if node:
        environment["affinity"] = {"nodeAffinity": node}
    return environment


# --- v2 (chart 2.15.x) -----------------------------------------------------------------------


def _v2_sections(plan: Plan) -> list[tuple[str, dict]]:
    if core_affinity(plan):
        affinity = (
            "affinity places core pods (node affinity, spread replicas); its podAffinity null keeps\n"
            "the chart's default podAffinity from merging in.\n"
        )
    else:
        affinity = "affinity null drops the chart's default podAffinity, which also steered the cleaner jobs.\n"
    if plan.database.kind == "external":
        database = "external (managed) PostgreSQL, the guide's advice for HA"
    else:
        database = (
            "in-cluster PostgreSQL with a persistent volume, pinned to the core pool (not HA)"
        )
    return [
        (
            "Scheduling: core components (gateway, agent, operator, hooks) on the core pool; core nodes\n"
            "are tainted (RUNBOOK.md) and runs reach their own pools through the preset files.\n"
            f"{affinity}Guide: {GUIDE_V2}#scheduling",
            {**_pinning(plan.scheduling.core), "affinity": _v2_core_affinity(plan)},
        ),
        (
            f"Database: {database}.\nGuide: {GUIDE_V2}#database-high-availability",
            _database(plan),
        ),
        (
            "Other components: the celery scheduler and its broker (Community Edition runs without them).\n"
            f"Guide: {GUIDE_V2}#other-components-high-availability",
            _v2_components(plan),
        ),
        (_EXTERNAL, _external_services(plan)),
        (
            "Storage: one durable artifacts store for outputs and logs; data stores as connections.\n"
            f"Guide: {GUIDE_V2}#storages",
            _v2_storage(plan),
        ),
        (f"SSL: {_tls_summary(plan)}\nGuide: {GUIDE_V2}#ssl--network-security", _v2_tls(plan)),
        (
            "Security context: core services and runs as a non-root uid/gid; volumes get the fsGroup.\n"
            f"Guide: {GUIDE_V2}#security-context",
            {"securityContext": _security(plan)},
        ),
        (
            "Secrets: every password and key comes from this existing Secret (RUNBOOK.md creates it).",
            {"platformSecret": plan.secrets.name, "user": _user(plan)},
        ),
    ]


def _database(plan: Plan) -> dict:
    db = plan.database
    if db.kind == "external":
        return {"postgresql": {"enabled": False}}
    persistence = {"enabled": True, "size": db.size}
    if db.storage_class:
        persistence["storageClass"] = db.storage_class
    pin = _pinning(plan.scheduling.core)
    if plan.target == "v0.6":
        return {
            "postgresql": {
                "enabled": True,
                "postgresqlUsername": db.user,
                "postgresqlDatabase": db.name,
                "persistence": persistence,
                "master": pin,
            }
        }
    return {
        "postgresql": {
            "enabled": True,
            "auth": {"username": db.user, "database": db.name},
            # bitnami 15.x reads primary.*, not the chart's stale postgresql.persistence.
            "primary": {"persistence": persistence, **pin},
        }
    }


def _v2_components(plan: Plan) -> dict:
    comp = plan.components
    if not comp.scheduler:
        return {}
    out: dict = {"scheduler": {"enabled": True}, "broker": comp.broker}
    if needs_redis(plan) and comp.redis.kind == "in-cluster":
        auth = comp.redis.use_password
        # bitnami reads auth.enabled, the polyaxon templates read usePassword: set both.
        out["redis"] = {
            "enabled": True,
            "usePassword": auth,
            "auth": {"enabled": auth},
            "master": _pinning(plan.scheduling.core),
            "replica": _pinning(plan.scheduling.core),
        }
    if needs_rabbitmq(plan) and comp.rabbitmq.kind == "in-cluster":
        out["rabbitmq"] = {
            "enabled": True,
            "auth": {"username": comp.rabbitmq.user},
            **_pinning(plan.scheduling.core),
        }
    return out


def _external_services(plan: Plan) -> dict:
    db, comp = plan.database, plan.components
    ext: dict = {}
    if db.kind == "external":
        pg = {
            "host": db.host,
            "port": db.port,
            "database": db.name,
            "user": db.user,
            "connMaxAge": db.conn_max_age,
        }
        if plan.target == "v2":
            pg["options"] = {"sslmode": db.sslmode}
            if db_ca_mounted(plan):
                # libpq's default root.crt is absent in the image: point it at the mounted CA.
                pg["options"]["sslrootcert"] = f"{DB_CA_MOUNT_PATH}/{DB_CA_KEY}"
        ext["postgresql"] = pg
    if needs_redis(plan) and comp.redis.kind == "external":
        ext["redis"] = {
            "host": comp.redis.host,
            "port": comp.redis.port,
            "usePassword": comp.redis.use_password,
        }
    if needs_rabbitmq(plan) and comp.rabbitmq.kind == "external":
        ext["rabbitmq"] = {
            "host": comp.rabbitmq.host,
            "port": comp.rabbitmq.port,
            "user": comp.rabbitmq.user,
        }
    return {"externalServices": ext} if ext else {}


def _v2_storage(plan: Plan) -> dict:
    out: dict = {"artifactsStore": _connection(plan.storage.artifacts, _MOUNTS["artifacts"])}
    connections = [_connection(s, f"/data/{s.name}") for s in plan.storage.data]
    sched = plan.scheduling
    if registry_declared(plan):
        # kaniko reads the Docker config.json from /kaniko/.docker.
        connections.append(
            {
                "name": sched.registry_connection,
                "kind": "registry",
                "schema": {"url": sched.registry_url},
                "secret": {"name": sched.registry_secret, "mountPath": "/kaniko/.docker"},
            }
        )
    if db_ca_mounted(plan):
        connections.append(
            {
                "name": DB_CA_CONNECTION,
                "kind": "custom",
                "secret": {"name": plan.database.ca_secret, "mountPath": DB_CA_MOUNT_PATH},
            }
        )
        # mountConnections mounts the named connections into the API (gateway) pod only.
        out["mountConnections"] = [DB_CA_CONNECTION]
    if connections:
        out["connections"] = connections
    return out


# The v2 connection kind of each bucket store.
_BUCKET_KINDS = {"s3": "s3", "gcs": "gcs", "azure": "wasb"}


def _bucket_url(store: Store) -> str:
    if store.kind == "s3":
        return f"s3://{store.bucket}"
    if store.kind == "gcs":
        return f"gs://{store.bucket}"
    return f"wasbs://{store.bucket}@{store.account}.blob.core.windows.net/"


def _connection(store: Store, default_mount: str) -> dict:
    if store.kind in _BUCKET_KINDS:
        secret = {"name": store.secret}
        if store.kind == "gcs":
            secret["mountPath"] = GCS_MOUNT_PATH
        return {
            "name": store.name,
            "kind": _BUCKET_KINDS[store.kind],
            "schema": {"bucket": _bucket_url(store)},
            "secret": secret,
        }
    if store.kind == "claim":
        kind, schema = "volume_claim", {"volumeClaim": store.claim}
    else:
        kind, schema = "host_path", {"hostPath": store.host_path}
    schema["mountPath"] = store.mount_path or default_mount
    schema["readOnly"] = store.read_only
    return {"name": store.name, "kind": kind, "schema": schema}


def _tls_summary(plan: Plan) -> str:
    tls = plan.tls
    if not tls.ingress:
        if tls.mode == "existing-secret" and plan.target == "v0.6":
            return f"no ingress; the API's NodePort service serves TLS on port 443 with Secret {_q(tls.secret_name)}."
        return f"no ingress; the service is exposed as {_q(tls.service_type)}."
    how = {
        "cert-manager": f"a Let's Encrypt certificate from cert-manager ({_q(tls.issuer_kind)} {_q(tls.issuer)})",
        "existing-secret": f"the certificate in Secret {_q(tls.secret_name)}",
        "acm": f"the ACM certificate {_q(tls.acm_certificate_arn)}",
    }.get(tls.mode, "no TLS")
    served = {
        "nginx": "ingress-nginx (upload size and timeouts for artifacts, logs and websockets)",
        "gce": "GKE's load balancer (class annotation, container-native backends, 600 s timeout)",
        "alb": f"an AWS ALB ({_q(tls.alb_scheme)}, ip targets)",
    }.get(tls.controller, f"the ingress class {_q(tls.ingress_class)}")
    return f"ingress for {_q(tls.host)} through {served}, with {how}."


def _controller_annotations(plan: Plan) -> dict:
    """What the plan's ingress controller needs on the Ingress besides the TLS issuer."""
    tls = plan.tls
    if tls.controller == "nginx":
        return dict(_NGINX_ANNOTATIONS)
    if tls.controller == "alb":
        prefix = "alb.ingress.kubernetes.io/"
        out = {
            prefix + "scheme": tls.alb_scheme,
            # ip targets reach the pods directly: the gateway service can stay ClusterIP.
            prefix + "target-type": "ip",
            prefix + "healthcheck-path": "/healthz/",  # the chart's own probes on the gateway
            prefix + "load-balancer-attributes": "idle_timeout.timeout_seconds=600",
        }
        if tls.mode == "acm":
            out[prefix + "listen-ports"] = '[{"HTTP": 80}, {"HTTPS": 443}]'
            out[prefix + "certificate-arn"] = tls.acm_certificate_arn
            out[prefix + "ssl-redirect"] = "443"
        else:
            out[prefix + "listen-ports"] = '[{"HTTP": 80}]'
        return out
    return {}


def _ingress(plan: Plan, annotations: dict, class_name: str = "") -> dict:
    tls = plan.tls
    annotations = {**annotations, **_controller_annotations(plan)}
    if tls.mode == "cert-manager":
        key = (
            "cert-manager.io/cluster-issuer"
            if tls.issuer_kind == "ClusterIssuer"
            else "cert-manager.io/issuer"
        )
        annotations = {**annotations, key: tls.issuer}
    ingress: dict = {"enabled": True, "hostName": tls.host}
    if class_name:
        ingress["className"] = class_name
    if annotations:
        ingress["annotations"] = annotations
    if tls.mode in ("cert-manager", "existing-secret"):
        ingress["tls"] = [{"secretName": tls.secret_name, "hosts": [tls.host]}]
    return ingress


# The GKE BackendConfig (created by the runbook) that sets the backend timeout. Not derived from
# the release: values.yaml does not carry it, so an imported file keeps its name.
GCE_BACKEND_CONFIG = "polyaxon-gateway-backend"


def _v2_tls(plan: Plan) -> dict:
    tls = plan.tls
    service: dict = {"type": tls.service_type}
    out: dict = {"gateway": {"service": service}}
    if tls.ingress:
        if tls.controller == "gce":
            # GKE ignores an Ingress that sets ingressClassName: it reads the annotation only.
            # GKE's default class is gce.
            annotations = {"kubernetes.io/ingress.class": tls.ingress_class or "gce"}
            out["ingress"] = _ingress(plan, annotations)
            # Container-native backends (NEG) let a ClusterIP service back a GKE Ingress; the
            # BackendConfig gives log streaming and uploads more than GKE's 30 s default.
            service["annotations"] = {
                "cloud.google.com/neg": '{"ingress": true}',
                "cloud.google.com/backend-config": json.dumps({"default": GCE_BACKEND_CONFIG}),
            }
        else:
            out["ingress"] = _ingress(plan, {}, tls.ingress_class)
    elif tls.host:
        out["hostName"] = tls.host
    return out


def _security(plan: Plan) -> dict:
    sec = plan.security
    if not sec.enabled:
        return {"enabled": False}
    if plan.target == "v0.6":
        return {"enabled": True, "user": sec.uid, "group": sec.gid}
    out = {"enabled": True, "runAsUser": sec.uid, "runAsGroup": sec.gid, "fsGroup": sec.fs_group}
    if sec.fs_group_change_policy:
        out["fsGroupChangePolicy"] = sec.fs_group_change_policy
    out["allowPrivilegeEscalation"] = sec.allow_privilege_escalation
    out["runAsNonRoot"] = sec.run_as_non_root
    return out


def _user(plan: Plan) -> dict:
    user = {"username": plan.secrets.admin_user}
    if plan.secrets.admin_email:
        user["email"] = plan.secrets.admin_email
    return user


def to_presets(plan: Plan) -> dict[str, dict]:
    """v2 preset files by workload class: `polyaxon run -f polyaxonfile.yaml -f presets/<class>.yaml`.

    Community Edition has no chart key that schedules runs, so these are how runs reach their pools.
    A class whose pool has neither labels nor tolerations gets no file (it would change nothing).
    """
    if plan.target != "v2":
        return {}
    presets = {}
    for name, pool in workload_pools(plan).items():
        environment = _preset_environment(pool)
        if not environment:
            continue
        if name == "builds":
            if not registry_declared(plan):
                continue
            sched = plan.scheduling
            build = {
                "hubRef": "kaniko",
                "connection": sched.registry_connection,
                # kaniko's destination: the image under the registry connection's URL.
                "params": {
                    "destination": {
                        "connection": sched.registry_connection,
                        "value": f"{sched.registry_image or DEFAULT_BUILD_IMAGE}:{{{{ globals.uuid }}}}",
                    }
                },
                "runPatch": {"environment": environment},
            }
            presets[name] = {"isPreset": True, "build": build}
        else:
            presets[name] = {"isPreset": True, "runPatch": {"environment": environment}}
    return presets


def preset_yaml(plan: Plan, name: str) -> str:
    usage = {
        "builds": "polyaxon run -f polyaxonfile.yaml -f presets/builds.yaml  (adds a kaniko build on the builds pool)",
        "notebooks": "polyaxon run --hub notebook -f presets/notebooks.yaml  (also --hub tensorboard)",
    }.get(name, f"polyaxon run -f polyaxonfile.yaml -f presets/{name}.yaml")
    comment = (
        f"Preset for {name}: schedules these runs on their node pool.\n"
        f"Check: polyaxon check -f polyaxonfile.yaml -f presets/{name}.yaml\nUse:   {usage}"
    )
    return yamlio.comment(comment) + yamlio.dump(to_presets(plan)[name])


# --- 0.6 (legacy chart 0.6.1) ----------------------------------------------------------------


def _v06_sections(plan: Plan) -> list[tuple[str, dict]]:
    scheduling = _pinning(plan.scheduling.core)
    affinity = core_affinity(plan)
    if affinity:
        # 0.6 core pods carry type=polyaxon-core, so the chart's default podAffinity (which
        # Helm merges in) still means something there: it is left as the chart has it.
        scheduling["affinity"] = affinity
    return [
        (
            "Scheduling: flat core selector (the guide's nested per-class nodeSelector is not valid for\n"
            "0.5+ charts). Defaults for experiments, jobs, builds, notebooks and tensorboards are set in\n"
            f"the Polyaxon UI settings (RUNBOOK.md).\nGuide: {GUIDE}#scheduling",
            scheduling,
        ),
        (f"Database.\nGuide: {GUIDE}#database-high-availability", _database(plan)),
        (
            "Other components: Redis and the broker, pinned to the core pool when in-cluster.\n"
            f"Guide: {GUIDE}#other-components-high-availability",
            _v06_components(plan),
        ),
        (_EXTERNAL, _external_services(plan)),
        (
            f"Storage: durable logs, repos, uploads, outputs and data.\nGuide: {GUIDE}#storages",
            {"persistence": _v06_persistence(plan)},
        ),
        (f"SSL: {_tls_summary(plan)}\nGuide: {GUIDE}#ssl", _v06_tls(plan)),
        (
            f"Security context: fsGroup for core pods, uid/gid for runs.\nGuide: {GUIDE}#security-context",
            {"securityContext": _security(plan)},
        ),
        (
            "Initial admin user; its password is set at install time from the Secret (RUNBOOK.md).",
            {"user": _user(plan)},
        ),
    ]


def _v06_components(plan: Plan) -> dict:
    comp = plan.components
    pin = _pinning(plan.scheduling.core)
    out: dict = {"broker": comp.broker}
    if comp.redis.kind == "in-cluster":
        out["redis"] = {
            "enabled": True,
            "usePassword": comp.redis.use_password,
            "master": dict(pin),
            "slave": dict(pin),
        }
    else:
        out["redis"] = {"enabled": False}
    if needs_rabbitmq(plan) and comp.rabbitmq.kind == "in-cluster":
        out["rabbitmq-ha"] = {"enabled": True, "rabbitmqUsername": comp.rabbitmq.user, **pin}
    else:
        out["rabbitmq-ha"] = {"enabled": False}
    out["docker-registry"] = dict(pin)
    return out


def _v06_entity(store: Store, default_mount: str, read_only: bool) -> dict:
    if store.kind in ("s3", "gcs", "azure"):
        return {
            "store": store.kind,
            "bucket": _bucket_url(store),
            "secret": store.secret,
            "secretKey": store.secret_key,
        }
    entity = (
        {"existingClaim": store.claim} if store.kind == "claim" else {"hostPath": store.host_path}
    )
    entity["mountPath"] = store.mount_path or default_mount
    if read_only:
        entity["readOnly"] = store.read_only
    return entity


def _v06_persistence(plan: Plan) -> dict:
    st = plan.storage
    return {
        "logs": _v06_entity(st.logs, _MOUNTS["logs"], False),
        "repos": _v06_entity(st.repos, _MOUNTS["repos"], False),
        "upload": _v06_entity(st.upload, _MOUNTS["upload"], False),
        "outputs": {st.artifacts.name: _v06_entity(st.artifacts, "/outputs", True)},
        **(
            {"data": {s.name: _v06_entity(s, f"/data/{s.name}", True) for s in st.data}}
            if st.data
            else {}
        ),
    }


def _v06_tls(plan: Plan) -> dict:
    tls = plan.tls
    out: dict = {"serviceType": tls.service_type}
    if tls.ingress:
        klass = tls.ingress_class or ("gce" if tls.controller == "gce" else "")
        annotations = {"kubernetes.io/ingress.class": klass} if klass else {}
        out["ingress"] = _ingress(plan, annotations)
    else:
        if tls.host:
            out["hostName"] = tls.host
        if tls.mode == "existing-secret":
            out["ssl"] = {"enabled": True, "secretName": tls.secret_name}
            if tls.service_type == "NodePort":
                # Polyaxon's docs: NodePort SSL serves on the API service's port 443.
                out["api"] = {"service": {"externalPort": 443}}
    return out
