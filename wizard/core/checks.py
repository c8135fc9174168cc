"""Checks: every field rule and every cross-field rule of the production guide, as findings.

`check(plan)` looks only at the fields the plan's target chart consumes (hidden answers never
raise findings). Each finding has a stable `code` (tests and the UI key on it), the dotted `path`
of the field it is about, and a message that says how to fix it. Errors block export.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import rules
from .credentials import GCS_MOUNT_PATH, store_secrets
from .plan import (
    ALB_SCHEMES,
    BROKERS,
    CLOUD_STORE_KINDS,
    DB_CA_CONNECTION,
    DB_KINDS,
    FS_GROUP_POLICIES,
    INGRESS_CONTROLLERS,
    ISSUER_KINDS,
    NODE_OPERATORS,
    PROVIDERS,
    SCHEDULING_MODES,
    SECTIONS,
    SERVICE_KINDS,
    SERVICE_TYPES,
    SSL_MODES,
    STORE_KINDS,
    TARGETS,
    TLS_MODES,
    TOLERATION_EFFECTS,
    TOLERATION_OPERATORS,
    VERIFY_SSL_MODES,
    WORKLOAD_CLASSES,
    Affinity,
    Label,
    NodeSelectorTerm,
    Plan,
    Pool,
    RabbitMQ,
    Redis,
    Store,
    Toleration,
    needs_rabbitmq,
    needs_redis,
    pool_tolerations,
    stores,
    taint_of,
    workload_pools,
)
from .yamlio import inline

ERROR, WARNING, INFO = "error", "warning", "info"
# Chart 2.15.1 names objects `<release>-polyaxon-<suffix>` and puts the same string in the
# app.kubernetes.io/name label (at most 63 characters). The longest it renders is this one
# (tests/render/ renders the chart at the limit and one past it).
V2_LONGEST_SUFFIX = "-polyaxon-operator-clusterrole-binding"
V2_RELEASE_MAX = 63 - len(V2_LONGEST_SUFFIX)
SEVERITIES = (ERROR, WARNING, INFO)
_STEP_OF_SECTION = {attr: slug for attr, slug, _ in SECTIONS}


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    path: str
    message: str

    @property
    def step(self) -> str:
        """The wizard step that owns the field (plan-wide fields belong to the first step)."""
        return _STEP_OF_SECTION.get(self.path.split(".", 1)[0], SECTIONS[0][1])

    def line(self) -> str:
        return f"{self.severity.upper()} {self.code} {self.path}: {self.message}"


class _Report:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, severity: str, code: str, path: str, message: str) -> None:
        self.findings.append(Finding(severity, code, path, message))

    def rule(self, code: str, path: str, problem: str | None, what: str) -> bool:
        """Record an error if a field rule failed; True when the value passed."""
        if problem:
            self.add(ERROR, code, path, f"{what} {problem}.")
        return problem is None

    def optional(self, code: str, path: str, value: str, problem: str | None, what: str) -> None:
        """A field that may be left empty: its field rule, when it is given."""
        if value:
            self.rule(code, path, problem, what)

    def choice(self, code: str, path: str, value: str, allowed: tuple[str, ...], what: str) -> bool:
        if value in allowed:
            return True
        shown = ", ".join(repr(a) for a in allowed)
        self.add(ERROR, code, path, f"{what} must be one of {shown}; got {inline(value)}.")
        return False


def check(plan: Plan) -> list[Finding]:
    """All findings for the plan, errors first, then in wizard order."""
    report = _Report()
    if not report.choice("target_invalid", "target", plan.target, TARGETS, "The target chart"):
        return report.findings
    _check_plan(plan, report)
    _check_scheduling(plan, report)
    _check_database(plan, report)
    _check_components(plan, report)
    _check_storage(plan, report)
    _check_tls(plan, report)
    _check_security(plan, report)
    _check_secrets(plan, report)
    return sorted(report.findings, key=lambda f: SEVERITIES.index(f.severity))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def _check_plan(plan: Plan, r: _Report) -> None:
    r.rule(
        "release_invalid",
        "release",
        rules.dns_label_problem(plan.release, 53),
        "The Helm release name",
    )
    r.rule(
        "namespace_invalid", "namespace", rules.dns_label_problem(plan.namespace), "The namespace"
    )
    if plan.target == "v2" and len(plan.release) > V2_RELEASE_MAX:
        r.add(
            ERROR,
            "release_too_long",
            "release",
            f"The chart names objects <release>{V2_LONGEST_SUFFIX} and uses those names as label "
            f"values, which Kubernetes caps at 63 characters: keep the release name to "
            f"{V2_RELEASE_MAX} characters (this one has {len(plan.release)}).",
        )
    if plan.target == "v0.6":
        r.add(
            WARNING,
            "legacy_chart",
            "target",
            "The 0.6.1 chart only installs with Helm 2 on Kubernetes 1.21 or older (it uses removed "
            "v1beta1 APIs and a template current Helm rejects). Choose the v2 target for a new cluster.",
        )


# --- scheduling ------------------------------------------------------------------------------


def _check_scheduling(plan: Plan, r: _Report) -> None:
    sched = plan.scheduling
    if not r.choice(
        "scheduling_mode_invalid",
        "scheduling.mode",
        sched.mode,
        SCHEDULING_MODES,
        "The scheduling mode",
    ):
        return
    if (
        r.choice(
            "provider_invalid",
            "scheduling.provider",
            sched.provider,
            PROVIDERS,
            "The cluster provider",
        )
        and sched.provider == "other"
    ):
        _hint_provider(plan, r)
    _check_pool(sched.core, "scheduling.core", r)
    _check_spread_selects_core(plan, r)
    if not sched.core.labels:
        r.add(
            ERROR,
            "core_labels_missing",
            "scheduling.core.labels",
            "Give the core pool at least one node label (e.g. polyaxon=core) so the API, agent and "
            "database stay on their own nodes.",
        )
    if not sched.core.taint:
        r.add(
            WARNING,
            "core_untainted",
            "scheduling.core.taint",
            "Runs that set no node selector can still be scheduled on the core nodes. Taint the core "
            "nodes so only Polyaxon's own components (which tolerate the taint) run there.",
        )
    pools = _distinct_workload_pools(plan)
    for path, pool in pools.items():
        _check_pool(pool, path, r)
        if not pool.labels:
            r.add(
                WARNING,
                "workload_labels_missing",
                f"{path}.labels",
                "Give this workload pool a node label so its runs go to the nodes meant for them.",
            )
        if _can_share_nodes(sched.core, pool):
            r.add(
                WARNING,
                "shared_nodes",
                f"{path}.labels",
                "These runs can land on the core nodes: give the pool a label the core nodes do not "
                "have, and taint the core nodes without letting this pool tolerate the taint.",
            )
    _check_untolerated_taints(plan, pools, r)
    if plan.target == "v2":
        name = sched.registry_connection
        if not name:
            r.add(
                WARNING,
                "registry_connection_missing",
                "scheduling.registry_connection",
                "Name the registry connection kaniko pushes to; without it no builds preset is written.",
            )
        else:
            r.rule(
                "registry_connection_invalid",
                "scheduling.registry_connection",
                rules.polyaxon_name_problem(name),
                "The registry connection name",
            )
        if name:
            _check_registry(plan, r)


def _check_registry(plan: Plan, r: _Report) -> None:
    """A builds preset pushes through a connection values.yaml must declare: url and Secret."""
    sched = plan.scheduling
    if not (sched.registry_url and sched.registry_secret):
        r.add(
            WARNING,
            "registry_incomplete",
            "scheduling.registry_secret" if sched.registry_url else "scheduling.registry_url",
            "Give the registry's address and the Secret holding its Docker config.json; until then "
            "values.yaml declares no registry and no builds preset is written.",
        )
    r.optional(
        "registry_url_invalid",
        "scheduling.registry_url",
        sched.registry_url,
        rules.registry_url_problem(sched.registry_url),
        "The registry address",
    )
    r.optional(
        "registry_secret_invalid",
        "scheduling.registry_secret",
        sched.registry_secret,
        rules.dns_subdomain_problem(sched.registry_secret),
        "The registry Secret name",
    )
    r.optional(
        "registry_image_invalid",
        "scheduling.registry_image",
        sched.registry_image,
        rules.image_name_problem(sched.registry_image),
        "The image name",
    )


# Label domains that give away a managed cluster.
_PROVIDER_LABELS = {
    "cloud.google.com": "gke",
    "eks.amazonaws.com": "eks",
    "kubernetes.azure.com": "aks",
    "agentpool": "aks",
}


def _hint_provider(plan: Plan, r: _Report) -> None:
    sched = plan.scheduling
    pools = [sched.core, sched.workloads, *(getattr(sched.classes, n) for n in WORKLOAD_CLASSES)]
    for pool in pools:
        for label in pool.labels:
            provider = _PROVIDER_LABELS.get(label.key.split("/", 1)[0])
            if provider:
                r.add(
                    INFO,
                    "provider_not_named",
                    "scheduling.provider",
                    f"The pools select {label.key}, a label of {provider.upper()} nodes: name the provider, "
                    "so the runbook sets labels and taints on its node pools (new nodes get them too) "
                    "instead of on today's nodes with kubectl.",
                )
                return


def _check_untolerated_taints(plan: Plan, pools: dict[str, Pool], r: _Report) -> None:
    """The runbook puts a tainted pool's first label and its taint on the same nodes, so a pool
    that selects that label without tolerating the taint matches only nodes it may not use: its
    runs stay Pending."""
    tainted = [("scheduling.core", plan.scheduling.core)]
    tainted += [(path, pool) for path, pool in pools.items() if pool.taint]
    for path, pool in pools.items():
        selected = {(label.key, label.value) for label in pool.labels}
        for owner_path, owner in tainted:
            taint = taint_of(owner)
            if owner == pool or taint is None or (taint.key, taint.value) not in selected:
                continue
            if _tolerates(pool, taint):
                continue
            core = owner_path == "scheduling.core"
            r.add(
                ERROR,
                "core_taint_not_tolerated" if core else "pool_taint_not_tolerated",
                f"{path}.labels",
                f"This pool selects {taint.key}={taint.value}, the label that marks the tainted "
                + ("core nodes" if core else f"nodes of {owner_path}")
                + ", but does not tolerate their taint: its runs cannot be scheduled there (they stay "
                "Pending), and any other node given that label draws those pods too. Give the pool a "
                "label of its own nodes, or tolerate the taint if sharing those nodes is meant.",
            )


def _distinct_workload_pools(plan: Plan) -> dict[str, Pool]:
    if plan.scheduling.mode == "per-class":
        return {f"scheduling.classes.{name}": pool for name, pool in workload_pools(plan).items()}
    return {"scheduling.workloads": plan.scheduling.workloads}


def _check_pool(pool: Pool, path: str, r: _Report) -> None:
    """One pool's own rules: its labels (a tainted pool's first needs a value), its tolerations
    and its affinity terms."""
    seen: set[str] = set()
    for i, label in enumerate(pool.labels):
        _check_label(label, f"{path}.labels.{i}", r)
        if label.key in seen:
            r.add(
                ERROR,
                "label_key_duplicate",
                f"{path}.labels.{i}.key",
                f"The label key {inline(label.key)} is given twice; a node has one value per key.",
            )
        seen.add(label.key)
    if pool.taint and pool.labels and not pool.labels[0].value:
        r.add(
            ERROR,
            "taint_value_missing",
            f"{path}.labels.0.value",
            "A tainted pool's first label becomes its taint: give it a value (e.g. polyaxon=core).",
        )
    for i, tol in enumerate(pool.tolerations):
        _check_toleration(tol, f"{path}.tolerations.{i}", r)
    _check_affinity(pool.affinity, f"{path}.affinity", path == "scheduling.core", r)


def _check_label(label: Label, at: str, r: _Report) -> None:
    r.rule("label_key_invalid", f"{at}.key", rules.label_key_problem(label.key), "The label key")
    r.rule(
        "label_value_invalid",
        f"{at}.value",
        rules.label_value_problem(label.value),
        "The label value",
    )


def _check_affinity(affinity: Affinity, path: str, core: bool, r: _Report) -> None:
    """Node affinity and pod anti-affinity as the Kubernetes API server validates them."""
    for i, term in enumerate(affinity.required):
        _check_term(term, f"{path}.required.{i}", r)
    for i, pref in enumerate(affinity.preferred):
        at = f"{path}.preferred.{i}"
        _check_weight(pref.weight, f"{at}.weight", r)
        _check_term(pref.term, f"{at}.term", r)
    if affinity.spread and not core:
        r.add(
            WARNING,
            "spread_not_core",
            f"{path}.spread",
            "Spreading applies to the core pods only; runs are not spread: remove these terms.",
        )
        return
    for i, term in enumerate(affinity.spread):
        at = f"{path}.spread.{i}"
        _check_weight(term.weight, f"{at}.weight", r)
        r.rule(
            "spread_topology_key_invalid",
            f"{at}.topology_key",
            rules.label_key_problem(term.topology_key),
            "The topology key",
        )
        if not term.labels:
            r.add(
                ERROR,
                "spread_labels_missing",
                f"{at}.labels",
                "Name the pod labels to spread (e.g. app.kubernetes.io/part-of=polyaxon-core); "
                "an empty selector matches every pod in the namespace.",
            )
        for j, label in enumerate(term.labels):
            _check_label(label, f"{at}.labels.{j}", r)


def _check_weight(weight: int, at: str, r: _Report) -> None:
    if not 1 <= weight <= 100:
        r.add(
            ERROR,
            "affinity_weight_invalid",
            at,
            f"A preference weight is a whole number from 1 to 100; got {weight}.",
        )


def _is_int64(value: str) -> bool:
    digits = value[1:] if value[:1] in "+-" else value
    return digits.isascii() and digits.isdigit() and -(2**63) <= int(value) < 2**63


def _check_term(term: NodeSelectorTerm, path: str, r: _Report) -> None:
    if not term.expressions:
        r.add(
            ERROR,
            "affinity_term_empty",
            f"{path}.expressions",
            "A node selector term without expressions matches no node: add one or remove the term.",
        )
    for i, expr in enumerate(term.expressions):
        at = f"{path}.expressions.{i}"
        r.rule(
            "affinity_key_invalid", f"{at}.key", rules.label_key_problem(expr.key), "The label key"
        )
        if not r.choice(
            "affinity_operator_invalid",
            f"{at}.operator",
            expr.operator,
            NODE_OPERATORS,
            "The operator",
        ):
            continue
        count = len(expr.values)
        if expr.operator in ("In", "NotIn") and count == 0:
            r.add(
                ERROR,
                "affinity_values_missing",
                f"{at}.values",
                f"{expr.operator} needs at least one value.",
            )
        elif expr.operator in ("Exists", "DoesNotExist") and count:
            r.add(
                ERROR,
                "affinity_values_not_allowed",
                f"{at}.values",
                f"{expr.operator} takes no values: clear them, or use In/NotIn.",
            )
        elif expr.operator in ("Gt", "Lt") and (count != 1 or not _is_int64(expr.values[0])):
            r.add(
                ERROR,
                "affinity_value_not_integer",
                f"{at}.values",
                f"{expr.operator} takes exactly one whole number (the label's value is compared "
                "as an integer).",
            )
        elif expr.operator in ("In", "NotIn"):
            for j, value in enumerate(expr.values):
                r.rule(
                    "affinity_value_invalid",
                    f"{at}.values.{j}",
                    rules.label_value_problem(value),
                    "A label value",
                )


# Labels every v2 core pod carries (chart 2.15.1 templates/partials/_labels.tpl): a spread term
# that selects anything else matches no Polyaxon pod and spreads nothing.
_V2_CORE_POD_LABELS = {
    "app.kubernetes.io/part-of": ("polyaxon-core",),
    "app.kubernetes.io/component": (
        "polyaxon-api",
        "polyaxon-workers",
        "polyaxon-helpers",
        "polyaxon-agent",
        "polyaxon-config",
        "polyaxon-hooks",
    ),
}


def _check_spread_selects_core(plan: Plan, r: _Report) -> None:
    if plan.target != "v2":
        return
    for i, term in enumerate(plan.scheduling.core.affinity.spread):
        for j, label in enumerate(term.labels):
            known = _V2_CORE_POD_LABELS.get(label.key)
            if label.key == "app.kubernetes.io/name" or (known and label.value in known):
                continue
            r.add(
                WARNING,
                "spread_selects_no_core_pod",
                f"scheduling.core.affinity.spread.{i}.labels.{j}",
                f"No v2 core pod carries the label {inline(label.key)}={inline(label.value)}; "
                "select app.kubernetes.io/part-of=polyaxon-core (all core pods) or "
                "app.kubernetes.io/component=polyaxon-api (one component).",
            )


def _check_toleration(tol: Toleration, at: str, r: _Report) -> None:
    ok_op = r.choice(
        "toleration_operator_invalid",
        f"{at}.operator",
        tol.operator,
        TOLERATION_OPERATORS,
        "The toleration operator",
    )
    r.choice(
        "toleration_effect_invalid",
        f"{at}.effect",
        tol.effect,
        TOLERATION_EFFECTS,
        "The toleration effect ('' means every effect)",
    )
    if tol.key:
        r.rule(
            "toleration_key_invalid",
            f"{at}.key",
            rules.label_key_problem(tol.key),
            "The toleration key",
        )
    elif ok_op and tol.operator == "Equal":
        r.add(
            ERROR,
            "toleration_key_missing",
            f"{at}.key",
            "A toleration without a key must use the Exists operator (it then tolerates every taint).",
        )
    if ok_op and tol.operator == "Exists" and tol.value:
        r.add(
            ERROR,
            "toleration_exists_with_value",
            f"{at}.value",
            "With the Exists operator the value must be empty; use Equal to match a value.",
        )
    r.rule(
        "toleration_value_invalid",
        f"{at}.value",
        rules.label_value_problem(tol.value),
        "The toleration value",
    )
    if tol.seconds and not (tol.seconds.isascii() and tol.seconds.isdigit()):
        r.add(
            ERROR,
            "toleration_seconds_invalid",
            f"{at}.seconds",
            "tolerationSeconds is a whole number of seconds, e.g. 300.",
        )
    elif tol.seconds and tol.effect != "NoExecute":
        # Kubernetes' API validation: tolerationSeconds only means something for NoExecute.
        r.add(
            ERROR,
            "toleration_seconds_without_no_execute",
            f"{at}.seconds",
            "tolerationSeconds applies only to the NoExecute effect: set that effect or clear it.",
        )


def _tolerates(pool: Pool, taint: Toleration) -> bool:
    for tol in pool_tolerations(pool):
        if tol.effect not in ("", taint.effect):
            continue
        if tol.operator == "Exists" and (not tol.key or tol.key == taint.key):
            return True
        if tol.operator == "Equal" and tol.key == taint.key and tol.value == taint.value:
            return True
    return False


def _can_share_nodes(core: Pool, pool: Pool) -> bool:
    """Core nodes carry exactly the core labels: a pool whose selector they satisfy, and whose
    pods the core taint does not stop, can be scheduled there."""
    core_labels = {(label.key, label.value) for label in core.labels}
    selected = {(label.key, label.value) for label in pool.labels} <= core_labels
    if not selected:
        return False
    taint = taint_of(core)
    return taint is None or _tolerates(pool, taint)


# --- database --------------------------------------------------------------------------------


def _check_database(plan: Plan, r: _Report) -> None:
    db = plan.database
    if not r.choice("db_kind_invalid", "database.kind", db.kind, DB_KINDS, "The database kind"):
        return
    # Both kinds: the chart creates (or connects as) these, and the runbook's backup names them.
    r.rule(
        "db_name_invalid",
        "database.name",
        rules.pg_identifier_problem(db.name),
        "The database name",
    )
    r.rule(
        "db_user_invalid",
        "database.user",
        rules.pg_identifier_problem(db.user, user=True),
        "The database user",
    )
    if db.kind == "in-cluster":
        r.add(
            WARNING,
            "in_cluster_db",
            "database.kind",
            "The in-cluster PostgreSQL is a single pod, not highly available. The guide recommends an "
            "external (managed) PostgreSQL for production.",
        )
        r.rule(
            "db_size_invalid", "database.size", rules.quantity_problem(db.size), "The volume size"
        )
        r.optional(
            "storage_class_invalid",
            "database.storage_class",
            db.storage_class,
            rules.dns_subdomain_problem(db.storage_class),
            "The storage class",
        )
        return
    if not db.host:
        r.add(
            ERROR,
            "db_host_missing",
            "database.host",
            "Give the host name of the external PostgreSQL, or choose the in-cluster database.",
        )
    else:
        r.rule(
            "db_host_invalid",
            "database.host",
            rules.hostname_problem(db.host, allow_ip=True),
            "The database host",
        )
    r.rule("db_port_invalid", "database.port", rules.port_problem(db.port), "The database port")
    if db.conn_max_age < 0:
        r.add(
            ERROR,
            "conn_max_age_invalid",
            "database.conn_max_age",
            "Connection max age is in seconds and cannot be negative (0 closes after each request).",
        )
    if plan.target == "v2":
        if r.choice(
            "db_sslmode_invalid", "database.sslmode", db.sslmode, SSL_MODES, "The SSL mode"
        ):
            if db.sslmode in ("disable", "allow", "prefer"):
                r.add(
                    WARNING,
                    "db_ssl_off",
                    "database.sslmode",
                    "Database traffic may go unencrypted; use sslmode require (or verify-full with the "
                    "provider's CA).",
                )
            if db.sslmode in VERIFY_SSL_MODES:
                _check_db_ca(plan, r)
    else:
        r.add(
            INFO,
            "db_sslmode_unsupported",
            "database.sslmode",
            "The 0.6 chart has no SSL option for PostgreSQL: enforce SSL on the server side instead.",
        )


def _check_db_ca(plan: Plan, r: _Report) -> None:
    """verify-ca/verify-full need the provider's CA where libpq looks (sslrootcert)."""
    db = plan.database
    if not db.ca_secret:
        r.add(
            ERROR,
            "db_ca_missing",
            "database.ca_secret",
            f"sslmode {db.sslmode} checks the server against a CA certificate the API pod does "
            "not have, so it would never connect: name the Secret that will hold the provider's "
            "CA (RUNBOOK.md creates it), or use sslmode require.",
        )
    else:
        r.rule(
            "db_ca_secret_invalid",
            "database.ca_secret",
            rules.dns_subdomain_problem(db.ca_secret),
            "The CA Secret name",
        )
    if plan.components.scheduler:
        # The chart mounts connections (the CA) into the API pod only; the scheduler and
        # workers also connect to the database.
        r.add(
            ERROR,
            "db_ca_scheduler_unsupported",
            "database.sslmode",
            "With the scheduler on, its pods connect to the database too, and the chart mounts the CA "
            "into the API pod only: use sslmode require, or turn the scheduler off.",
        )


# --- other components ------------------------------------------------------------------------


def _check_components(plan: Plan, r: _Report) -> None:
    comp = plan.components
    if plan.target == "v0.6" or comp.scheduler:
        r.choice("broker_invalid", "components.broker", comp.broker, BROKERS, "The broker")
    if needs_redis(plan):
        _check_service(comp.redis, "components.redis", "Redis", r)
        if comp.redis.kind == "external" and comp.redis.tls:
            r.add(
                ERROR,
                "redis_tls_unsupported",
                "components.redis.tls",
                "The Polyaxon chart connects to Redis without TLS, so a managed Redis that requires "
                "in-transit encryption (ElastiCache with encryption in transit, Memorystore with TLS) "
                "will refuse it. Allow plain connections from the cluster's private network, or use the "
                "in-cluster Redis.",
            )
        if not comp.redis.use_password:
            r.add(
                WARNING,
                "redis_no_password",
                "components.redis.use_password",
                "Redis without a password lets any pod in the cluster read and write it.",
            )
    if needs_rabbitmq(plan):
        _check_service(comp.rabbitmq, "components.rabbitmq", "RabbitMQ", r)
        r.rule(
            "rabbitmq_user_invalid",
            "components.rabbitmq.user",
            rules.polyaxon_name_problem(comp.rabbitmq.user),
            "The RabbitMQ user",
        )


def _check_service(svc: Redis | RabbitMQ, path: str, what: str, r: _Report) -> None:
    code = path.rsplit(".", 1)[1]
    if not r.choice(
        f"{code}_kind_invalid", f"{path}.kind", svc.kind, SERVICE_KINDS, f"The {what} kind"
    ):
        return
    if svc.kind == "in-cluster":
        r.add(
            INFO,
            f"in_cluster_{code}",
            f"{path}.kind",
            f"On a cloud provider a managed {what} survives node failures better than the in-cluster one.",
        )
        return
    if not svc.host:
        r.add(
            ERROR, f"{code}_host_missing", f"{path}.host", f"Give the host of the external {what}."
        )
    else:
        r.rule(
            f"{code}_host_invalid",
            f"{path}.host",
            rules.hostname_problem(svc.host, allow_ip=True),
            f"The {what} host",
        )
    r.rule(f"{code}_port_invalid", f"{path}.port", rules.port_problem(svc.port), f"The {what} port")


# --- storage ---------------------------------------------------------------------------------

_ZERO_SIX_FILE_ONLY = ("storage.repos", "storage.upload")


def _check_storage(plan: Plan, r: _Report) -> None:
    names: dict[str, str] = {}
    for path, store in stores(plan).items():
        _check_store(plan.target, store, path, r)
        if store.name in names:
            r.add(
                ERROR,
                "store_name_duplicate",
                f"{path}.name",
                f"The store name {inline(store.name)} is already used by {names[store.name]}; names must be unique.",
            )
        names.setdefault(store.name, path)
        if plan.target == "v2" and store.name == DB_CA_CONNECTION:
            r.add(
                ERROR,
                "store_name_reserved",
                f"{path}.name",
                f"{DB_CA_CONNECTION!r} is the connection that mounts the database CA: pick another name.",
            )
        if store.kind in CLOUD_STORE_KINDS and store.secret and store.secret == plan.secrets.name:
            r.add(
                ERROR,
                "store_secret_is_platform_secret",
                f"{path}.secret",
                "Store credentials are mounted into every run that uses the store: the platform "
                "Secret would hand user code the database password and the signing key. Use a Secret "
                "that holds only the bucket credentials.",
            )
    _check_store_variables(plan, r)
    _check_mount_paths(plan, r)


def _check_store_variables(plan: Plan, r: _Report) -> None:
    """The runbook fills each store Secret from environment variables: two different Secrets
    filled from the same variables would silently hold the same credentials."""
    seen: dict[str, str] = {}
    for ss in store_secrets(plan):
        for var in ss.variables:
            if var in seen and seen[var] != ss.name:
                r.add(
                    ERROR,
                    "store_secret_variables_shared",
                    f"{ss.store}.secret",
                    f"The Secrets {seen[var]!r} and {ss.name!r} would both be filled from ${var}: "
                    "use one Secret for both stores, or names that differ in more than punctuation.",
                )
                return
            seen[var] = ss.name


def _mount_points(plan: Plan) -> list[tuple[str, str, str]]:
    """(plan path, mount path, what is mounted there) for every store mounted into pods."""
    points = []
    v2 = plan.target == "v2"
    for path, store in stores(plan).items():
        if store.kind in ("claim", "host-path"):
            # v2 mounts a volume store at its mount path, or /artifacts and /data/<name>.
            default = "/artifacts" if path == "storage.artifacts" else f"/data/{store.name}"
            mount = store.mount_path or (default if v2 else "")
            if mount:
                source = store.claim if store.kind == "claim" else store.host_path
                points.append((f"{path}.mount_path", mount, f"{store.kind}:{source}"))
        elif v2 and store.kind == "gcs" and store.secret:
            points.append((f"{path}.secret", GCS_MOUNT_PATH, f"secret:{store.secret}"))
    return points


def _check_mount_paths(plan: Plan, r: _Report) -> None:
    taken: dict[str, tuple[str, str]] = {}
    for path, mount, source in _mount_points(plan):
        normal = "/" + "/".join(part for part in mount.split("/") if part)
        if normal == "/":
            r.add(
                ERROR,
                "mount_path_root",
                path,
                "A store mounted at / would hide the container's whole file system: pick a folder.",
            )
            continue
        if normal in taken and taken[normal][1] != source:
            what = (
                "Every GCS store's key file is mounted at the same path: give the GCS stores one "
                "Secret."
                if source.startswith("secret:")
                else f"{taken[normal][0]} is already mounted at {normal}: pick another mount path."
            )
            r.add(ERROR, "mount_path_duplicate", path, what)
        taken.setdefault(normal, (path, source))


def _check_store(target: str, store: Store, path: str, r: _Report) -> None:
    r.rule(
        "store_name_invalid",
        f"{path}.name",
        rules.polyaxon_name_problem(store.name),
        "The store name",
    )
    if not r.choice(
        "store_kind_invalid", f"{path}.kind", store.kind, STORE_KINDS, "The store kind"
    ):
        return
    if store.kind in CLOUD_STORE_KINDS:
        if target == "v0.6" and path in _ZERO_SIX_FILE_ONLY:
            r.add(
                ERROR,
                "store_cloud_unsupported",
                f"{path}.kind",
                "The 0.6 chart mounts repos and uploads from a volume only: use a claim (PVC).",
            )
            return
        r.rule(
            "bucket_invalid",
            f"{path}.bucket",
            rules.bucket_problem(store.kind, store.bucket),
            "The container name" if store.kind == "azure" else "The bucket name",
        )
        if store.kind == "azure":
            r.rule(
                "azure_account_invalid",
                f"{path}.account",
                rules.azure_account_problem(store.account),
                "The storage account",
            )
        if not store.secret:
            r.add(
                ERROR,
                "store_secret_missing",
                f"{path}.secret",
                "Name the existing Kubernetes Secret holding the bucket credentials.",
            )
        else:
            r.rule(
                "secret_name_invalid",
                f"{path}.secret",
                rules.dns_subdomain_problem(store.secret),
                "The Secret name",
            )
        if target == "v0.6":
            r.rule(
                "secret_key_invalid",
                f"{path}.secret_key",
                rules.secret_key_problem(store.secret_key),
                "The key inside the Secret",
            )
        return
    if store.kind == "claim":
        r.rule(
            "claim_invalid",
            f"{path}.claim",
            rules.dns_subdomain_problem(store.claim),
            "The claim (PVC) name",
        )
    else:
        r.rule(
            "host_path_invalid",
            f"{path}.host_path",
            rules.absolute_path_problem(store.host_path),
            "The host path",
        )
        danger = rules.dangerous_host_path(store.host_path)
        if danger:
            r.add(ERROR, "host_path_dangerous", f"{path}.host_path", danger)
        r.add(
            WARNING,
            "temporary_storage",
            f"{path}.kind",
            "A host path lives on one node and is lost with it: use a cloud bucket or a ReadWriteMany "
            "claim for durable storage.",
        )
    r.optional(
        "mount_path_invalid",
        f"{path}.mount_path",
        store.mount_path,
        rules.absolute_path_problem(store.mount_path),
        "The mount path",
    )


# --- SSL -------------------------------------------------------------------------------------


def _check_tls(plan: Plan, r: _Report) -> None:
    tls = plan.tls
    r.choice(
        "service_type_invalid",
        "tls.service_type",
        tls.service_type,
        SERVICE_TYPES,
        "The service type",
    )
    if not r.choice("tls_mode_invalid", "tls.mode", tls.mode, TLS_MODES, "The TLS mode"):
        return
    if not tls.ingress and tls.service_type == "LoadBalancer" and tls.mode == "none":
        r.add(
            ERROR,
            "plain_http_load_balancer",
            "tls.service_type",
            "A LoadBalancer service without TLS puts logins and API tokens on a public address in "
            "clear text: use an ingress with TLS.",
        )
    if tls.ingress and not _check_controller(plan, r):
        return
    if tls.ingress:
        if not tls.host:
            r.add(
                ERROR,
                "ingress_host_missing",
                "tls.host",
                "Give the domain users reach Polyaxon at, e.g. polyaxon.example.com.",
            )
        else:
            r.rule(
                "host_invalid",
                "tls.host",
                rules.hostname_problem(tls.host, allow_ip=False, allow_wildcard=True),
                "The host",
            )
        if tls.host.startswith("*"):
            r.add(
                ERROR,
                "ingress_host_wildcard",
                "tls.host",
                "The platform's address must be one concrete name (polyaxon.example.com): "
                "a wildcard host routes every matching name to Polyaxon, and the API and "
                "its links need one address.",
            )
        r.optional(
            "ingress_class_invalid",
            "tls.ingress_class",
            tls.ingress_class,
            rules.dns_subdomain_problem(tls.ingress_class),
            "The ingress class",
        )
    else:
        r.optional(
            "host_invalid",
            "tls.host",
            tls.host,
            rules.hostname_problem(tls.host, allow_ip=True),
            "The host",
        )
    if tls.mode == "acm":
        if not tls.ingress:
            r.add(
                ERROR,
                "acm_requires_alb",
                "tls.ingress",
                "ACM certificates are served by an AWS ALB ingress: turn the ingress on.",
            )
        return
    if tls.mode == "none":
        r.add(
            WARNING,
            "tls_off",
            "tls.mode",
            "Without TLS, logins and API tokens cross the network in clear text. Use cert-manager with "
            "Let's Encrypt, or an existing certificate.",
        )
        if not tls.ingress and tls.service_type == "ClusterIP":
            r.add(
                INFO,
                "not_exposed",
                "tls.service_type",
                "With no ingress and a ClusterIP service, Polyaxon is reachable only by kubectl port-forward.",
            )
        return
    if tls.mode == "cert-manager":
        if not tls.ingress:
            r.add(
                ERROR,
                "cert_manager_requires_ingress",
                "tls.ingress",
                "cert-manager issues certificates for an ingress: turn the ingress on or bring a certificate.",
            )
        r.rule(
            "issuer_invalid",
            "tls.issuer",
            rules.dns_subdomain_problem(tls.issuer),
            "The issuer name",
        )
        r.choice(
            "issuer_kind_invalid",
            "tls.issuer_kind",
            tls.issuer_kind,
            ISSUER_KINDS,
            "The issuer kind",
        )
    if not tls.secret_name:
        r.add(
            ERROR,
            "tls_secret_missing",
            "tls.secret_name",
            "Name the TLS Secret (cert-manager writes it; otherwise it must hold your certificate).",
        )
    else:
        r.rule(
            "tls_secret_invalid",
            "tls.secret_name",
            rules.dns_subdomain_problem(tls.secret_name),
            "The TLS Secret name",
        )
    if tls.mode == "existing-secret" and not tls.ingress:
        if plan.target == "v2":
            r.add(
                ERROR,
                "tls_requires_ingress",
                "tls.ingress",
                "The v2 chart serves TLS only through an ingress (its ssl.* keys mount no certificate). "
                "Turn the ingress on.",
            )
        elif tls.service_type != "NodePort":
            r.add(
                ERROR,
                "ssl_requires_node_port",
                "tls.service_type",
                "Without an ingress, the 0.6 chart serves TLS on a NodePort service: choose NodePort.",
            )


def _check_controller(plan: Plan, r: _Report) -> bool:
    """What the ingress controller needs; False when nothing more should be checked."""
    tls = plan.tls
    if not r.choice(
        "ingress_controller_invalid",
        "tls.controller",
        tls.controller,
        INGRESS_CONTROLLERS,
        "The ingress controller",
    ):
        return False
    if tls.controller == "alb":
        r.choice("alb_scheme_invalid", "tls.alb_scheme", tls.alb_scheme, ALB_SCHEMES, "The scheme")
        if tls.mode in ("cert-manager", "existing-secret"):
            r.add(
                ERROR,
                "alb_ignores_tls_secret",
                "tls.mode",
                "An AWS ALB terminates TLS with a certificate from ACM and ignores Kubernetes TLS "
                "Secrets: choose the ACM mode and give the certificate ARN.",
            )
        if tls.mode == "acm":
            r.rule(
                "acm_certificate_arn_invalid",
                "tls.acm_certificate_arn",
                rules.acm_arn_problem(tls.acm_certificate_arn),
                "The ACM certificate ARN",
            )
    elif tls.mode == "acm":
        r.add(
            ERROR,
            "acm_requires_alb",
            "tls.mode",
            "ACM certificates are served by an AWS ALB only: choose the ALB controller, or another "
            "TLS mode.",
        )
    if tls.controller == "gce" and tls.ingress_class not in ("gce", "gce-internal"):
        r.add(
            WARNING,
            "gce_ingress_class",
            "tls.ingress_class",
            "GKE's controller serves the classes gce (external) and gce-internal only.",
        )
    if tls.controller == "other":
        r.add(
            INFO,
            "ingress_controller_unchecked",
            "tls.controller",
            "For this controller the wizard writes the ingress class, host and TLS only. It cannot "
            "check the upload size (artifacts), the read timeout (log streaming) or websocket "
            "support: set them with your controller's own annotations.",
        )
    return True


# --- security context ------------------------------------------------------------------------


def _check_security(plan: Plan, r: _Report) -> None:
    sec = plan.security
    if not sec.enabled:
        r.add(
            WARNING,
            "security_context_off",
            "security.enabled",
            "Since 0.5 the guide recommends running every Polyaxon service and run as a non-root user: "
            "turn the security context on.",
        )
        return
    r.rule("uid_invalid", "security.uid", rules.id_problem(sec.uid), "The user id")
    r.rule("gid_invalid", "security.gid", rules.id_problem(sec.gid), "The group id")
    v2 = plan.target == "v2"
    # Both official deploy checks read 0 as "unset" and reject the pair, so root is not just
    # against the guide's advice: the chart's own validation refuses it.
    if sec.uid == 0:
        r.add(
            ERROR,
            "root_user",
            "security.uid",
            "uid 0 is root: the guide asks for a non-root user, and Polyaxon's deploy check rejects 0. "
            "Pick a uid such as 2222.",
        )
    if sec.gid == 0:
        r.add(
            ERROR,
            "root_group",
            "security.gid",
            "gid 0 is the root group, and Polyaxon's deploy check rejects 0. Pick a gid such as 2222.",
        )
    if not v2:
        return
    if r.rule(
        "fs_group_invalid", "security.fs_group", rules.id_problem(sec.fs_group), "The fsGroup"
    ):
        if sec.fs_group != sec.gid:
            r.add(
                INFO,
                "fs_group_differs",
                "security.fs_group",
                "The guide gives mounted volumes the same group as the gid; this fsGroup differs.",
            )
    r.choice(
        "fs_group_policy_invalid",
        "security.fs_group_change_policy",
        sec.fs_group_change_policy,
        FS_GROUP_POLICIES,
        "The fsGroup change policy",
    )
    if sec.allow_privilege_escalation:
        r.add(
            WARNING,
            "privilege_escalation",
            "security.allow_privilege_escalation",
            "Processes may gain more privileges than their parent (setuid binaries): turn it off.",
        )
    if not sec.run_as_non_root:
        r.add(
            INFO,
            "run_as_non_root_off",
            "security.run_as_non_root",
            "runAsNonRoot makes Kubernetes refuse to start a container as root, as a safety net.",
        )


# --- secrets and admin -----------------------------------------------------------------------


def _check_secrets(plan: Plan, r: _Report) -> None:
    sec = plan.secrets
    r.rule(
        "secret_name_invalid",
        "secrets.name",
        rules.dns_subdomain_problem(sec.name),
        "The Secret name",
    )
    r.rule(
        "admin_user_invalid",
        "secrets.admin_user",
        rules.polyaxon_name_problem(sec.admin_user),
        "The admin user name",
    )
    r.optional(
        "admin_email_invalid",
        "secrets.admin_email",
        sec.admin_email,
        rules.email_problem(sec.admin_email),
        "The admin e-mail",
    )
