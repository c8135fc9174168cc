"""The deployment plan: every decision the production guide asks for, as frozen dataclasses.

A plan holds raw answers (plain strings, ints, bools): whether they are valid is decided by
`checks.check(plan)`, never by the constructors, so a half-finished plan can always be held,
shown and saved. A plan never holds a password or key, only names of Kubernetes Secrets.
"""

# No `from __future__ import annotations`: codec.py reads each field's type from
# `dataclasses.fields()`, which then holds the type itself rather than its name.
from dataclasses import dataclass, field, replace

TARGETS = ("v2", "v0.6")
CHART_VERSIONS = {"v2": "2.15.1", "v0.6": "0.6.1"}
# Workload classes of the guide; in v2 each gets a preset file (notebooks covers tensorboards).
WORKLOAD_CLASSES = ("experiments", "jobs", "builds", "notebooks")
SCHEDULING_MODES = ("two-pool", "per-class")
# Where the cluster runs: a managed provider's node pools carry their labels and taints (set with
# its own CLI, so new nodes get them); "other" clusters are labelled with kubectl.
PROVIDERS = ("gke", "eks", "aks", "other")
DB_KINDS = ("external", "in-cluster")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
SERVICE_KINDS = ("in-cluster", "external")
BROKERS = ("redis", "rabbitmq")
STORE_KINDS = ("s3", "gcs", "azure", "claim", "host-path")
CLOUD_STORE_KINDS = ("s3", "gcs", "azure")
TLS_MODES = ("cert-manager", "existing-secret", "acm", "none")
# Which controller serves the ingress: each needs its own annotations (docs/ingress-and-tls.md).
INGRESS_CONTROLLERS = ("nginx", "gce", "alb", "other")
ALB_SCHEMES = ("internet-facing", "internal")
ISSUER_KINDS = ("ClusterIssuer", "Issuer")
SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer")
TOLERATION_OPERATORS = ("Equal", "Exists")
TOLERATION_EFFECTS = ("", "NoSchedule", "PreferNoSchedule", "NoExecute")
FS_GROUP_POLICIES = ("", "OnRootMismatch", "Always")
# Node selector operators Kubernetes accepts in node affinity match expressions.
NODE_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
SPREAD_TOPOLOGY = "kubernetes.io/hostname"


def choice(default: str, options: tuple[str, ...]):
    """A string field limited to `options` (listed in the JSON Schema, enforced by checks)."""
    return field(default=default, metadata={"choices": options})


@dataclass(frozen=True)
class Label:
    key: str
    value: str


@dataclass(frozen=True)
class Toleration:
    key: str = ""
    operator: str = choice("Equal", TOLERATION_OPERATORS)
    value: str = ""
    effect: str = choice("NoSchedule", TOLERATION_EFFECTS)
    # tolerationSeconds (NoExecute only): how long a pod stays once the taint appears; "" unset.
    seconds: str = ""


@dataclass(frozen=True)
class MatchExpression:
    """One node label requirement: `key operator values` (In/NotIn take values, Exists and
    DoesNotExist none, Gt/Lt one integer)."""

    key: str = ""
    operator: str = choice("In", NODE_OPERATORS)
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class NodeSelectorTerm:
    """Expressions that must all hold (ANDed); the terms of a list are ORed."""

    expressions: tuple[MatchExpression, ...] = ()


@dataclass(frozen=True)
class PreferredTerm:
    """A soft node preference: the scheduler adds `weight` (1..100) to nodes matching `term`."""

    weight: int = 1
    term: NodeSelectorTerm = NodeSelectorTerm()


@dataclass(frozen=True)
class SpreadTerm:
    """A preferred pod anti-affinity term: pods carrying `labels` avoid sharing a `topology_key`
    domain (a node, a zone). Core pools only: runs are not spread."""

    weight: int = 100
    topology_key: str = SPREAD_TOPOLOGY
    labels: tuple[Label, ...] = ()


@dataclass(frozen=True)
class Affinity:
    """Node affinity (required terms ORed; preferred terms weighted) and, for core, pod
    anti-affinity beyond the simple `spread_core` switch."""

    required: tuple[NodeSelectorTerm, ...] = ()
    preferred: tuple[PreferredTerm, ...] = ()
    spread: tuple[SpreadTerm, ...] = ()


@dataclass(frozen=True)
class Pool:
    """A set of nodes, found by their labels. `taint` keeps pods without a matching toleration off
    them: the taint is `<first label key>=<value>:NoSchedule` and the pool's own pods tolerate it."""

    labels: tuple[Label, ...] = ()
    tolerations: tuple[Toleration, ...] = ()
    taint: bool = False
    affinity: Affinity = Affinity()


@dataclass(frozen=True)
class ClassPools:
    experiments: Pool = Pool(labels=(Label("polyaxon", "experiments"),))
    jobs: Pool = Pool(labels=(Label("polyaxon", "experiments"),))
    builds: Pool = Pool(labels=(Label("polyaxon", "builds"),), taint=True)
    notebooks: Pool = Pool(labels=(Label("polyaxon", "experiments"),))


@dataclass(frozen=True)
class Scheduling:
    mode: str = choice("two-pool", SCHEDULING_MODES)
    core: Pool = Pool(labels=(Label("polyaxon", "core"),), taint=True)
    workloads: Pool = Pool(labels=(Label("polyaxon", "workloads"),))
    classes: ClassPools = ClassPools()
    spread_core: bool = False
    # v2 builds preset: the registry connection (declared in values.yaml `connections`) kaniko
    # pushes to, the registry's address, the Secret holding its Docker config.json, and the image
    # (repository under the registry) builds are pushed as (DEFAULT_BUILD_IMAGE when empty).
    registry_connection: str = ""
    provider: str = choice("other", PROVIDERS)
    registry_url: str = ""
    registry_secret: str = ""
    registry_image: str = ""


@dataclass(frozen=True)
class Database:
    kind: str = choice("external", DB_KINDS)
    host: str = ""
    port: int = 5432
    name: str = "polyaxon"
    user: str = "polyaxon"
    sslmode: str = choice("require", SSL_MODES)
    conn_max_age: int = 60
    # verify-ca / verify-full: the Secret holding the provider's CA bundle (key ca.crt), mounted
    # into the API pod and named by sslrootcert.
    ca_secret: str = ""
    size: str = "20Gi"
    storage_class: str = ""


@dataclass(frozen=True)
class Redis:
    kind: str = choice("in-cluster", SERVICE_KINDS)
    host: str = ""
    port: int = 6379
    use_password: bool = True
    # The external Redis accepts only TLS connections (in-transit encryption), which the chart
    # cannot make: recorded so the checks can say so.
    tls: bool = False


@dataclass(frozen=True)
class RabbitMQ:
    kind: str = choice("in-cluster", SERVICE_KINDS)
    host: str = ""
    port: int = 5672
    user: str = "polyaxon"


@dataclass(frozen=True)
class Components:
    """Broker and cache. v2 Community Edition needs neither unless the celery scheduler is on;
    0.6 always needs Redis, and RabbitMQ unless the broker is Redis."""

    scheduler: bool = False
    broker: str = choice("redis", BROKERS)
    redis: Redis = Redis()
    rabbitmq: RabbitMQ = RabbitMQ()


@dataclass(frozen=True)
class Store:
    name: str
    kind: str = choice("s3", STORE_KINDS)
    bucket: str = ""
    account: str = ""  # Azure storage account
    secret: str = ""  # existing Kubernetes Secret with the bucket credentials
    secret_key: str = ""  # 0.6: the key of that Secret holding them
    claim: str = ""
    host_path: str = ""
    mount_path: str = ""
    read_only: bool = False


@dataclass(frozen=True)
class Storage:
    """Durable stores. v2: `artifacts` holds outputs and logs, `data` become connections.
    0.6: `artifacts` is the outputs store; logs, repos and upload are stores of their own."""

    artifacts: Store = Store(name="artifacts")
    logs: Store = Store(name="logs", kind="claim", claim="polyaxon-logs")
    repos: Store = Store(name="repos", kind="claim", claim="polyaxon-repos")
    upload: Store = Store(name="upload", kind="claim", claim="polyaxon-upload")
    data: tuple[Store, ...] = ()


@dataclass(frozen=True)
class Tls:
    ingress: bool = True
    host: str = ""
    ingress_class: str = "nginx"
    controller: str = choice("nginx", INGRESS_CONTROLLERS)
    mode: str = choice("cert-manager", TLS_MODES)
    issuer: str = "letsencrypt-prod"
    issuer_kind: str = choice("ClusterIssuer", ISSUER_KINDS)
    secret_name: str = "polyaxon-tls"
    service_type: str = choice("ClusterIP", SERVICE_TYPES)
    # AWS ALB: the load balancer's scheme and the ACM certificate (ALB ignores TLS Secrets).
    alb_scheme: str = choice("internet-facing", ALB_SCHEMES)
    acm_certificate_arn: str = ""


@dataclass(frozen=True)
class Security:
    enabled: bool = True
    uid: int = 2222
    gid: int = 2222
    fs_group: int = 2222
    fs_group_change_policy: str = choice("OnRootMismatch", FS_GROUP_POLICIES)
    allow_privilege_escalation: bool = False
    run_as_non_root: bool = True


@dataclass(frozen=True)
class Secrets:
    """Where the passwords and keys live: one existing Kubernetes Secret, created by the runbook
    from environment variables. v2 mounts it as `platformSecret`; 0.6 cannot reference it, so the
    runbook reads it back into `helm upgrade` at install time."""

    name: str = "polyaxon-secrets"
    admin_user: str = "admin"
    admin_email: str = ""


@dataclass(frozen=True)
class MigrationNote:
    """A setting of an imported 0.6 file that the v2 chart cannot take, and what to do instead."""

    path: str
    message: str


@dataclass(frozen=True)
class Plan:
    target: str = choice("v2", TARGETS)
    release: str = "polyaxon"
    namespace: str = "polyaxon"
    scheduling: Scheduling = Scheduling()
    database: Database = Database()
    components: Components = Components()
    storage: Storage = Storage()
    tls: Tls = Tls()
    security: Security = Security()
    secrets: Secrets = Secrets()
    # Chart values the wizard does not manage (images, resources, replicas...), carried through
    # from an imported values file and written back unchanged. Never holds a secret: the importer
    # strips every secret-bearing key before a plan is built.
    kept: dict = field(default_factory=dict)
    # Notes from migrating a 0.6 file to v2; the runbook lists them.
    migration: tuple[MigrationNote, ...] = ()

    @property
    def chart_version(self) -> str:
        return CHART_VERSIONS.get(self.target, CHART_VERSIONS["v2"])


# Plan sections in wizard order: (attribute, step slug, title).
SECTIONS = (
    ("scheduling", "scheduling", "Scheduling"),
    ("database", "database", "Database"),
    ("components", "components", "Other components"),
    ("storage", "storage", "Storage"),
    ("tls", "ssl", "SSL"),
    ("security", "security-context", "Security context"),
    ("secrets", "secrets", "Secrets and admin"),
)


def workload_pools(plan: Plan) -> dict[str, Pool]:
    """The pool each workload class runs on."""
    sched = plan.scheduling
    if sched.mode == "per-class":
        return {name: getattr(sched.classes, name) for name in WORKLOAD_CLASSES}
    return {name: sched.workloads for name in WORKLOAD_CLASSES}


def taint_of(pool: Pool) -> Toleration | None:
    """The NoSchedule taint a tainted pool puts on its nodes (and its pods tolerate)."""
    if not pool.taint or not pool.labels:
        return None
    first = pool.labels[0]
    return Toleration(key=first.key, operator="Equal", value=first.value, effect="NoSchedule")


def pool_tolerations(pool: Pool) -> tuple[Toleration, ...]:
    """The pool's own tolerations plus the one for its taint, without repeats."""
    taint = taint_of(pool)
    extra = (taint,) if taint and taint not in pool.tolerations else ()
    return pool.tolerations + extra


def needs_redis(plan: Plan) -> bool:
    comp = plan.components
    if plan.target == "v0.6":
        return True
    return comp.scheduler and comp.broker == "redis"


def needs_rabbitmq(plan: Plan) -> bool:
    comp = plan.components
    if plan.target == "v0.6":
        return comp.broker == "rabbitmq"
    return comp.scheduler and comp.broker == "rabbitmq"


def stores(plan: Plan) -> dict[str, Store]:
    """The stores the target chart consumes, by plan path."""
    st = plan.storage
    found = {"storage.artifacts": st.artifacts}
    if plan.target == "v0.6":
        found |= {"storage.logs": st.logs, "storage.repos": st.repos, "storage.upload": st.upload}
    found |= {f"storage.data.{i}": store for i, store in enumerate(st.data)}
    return found


def with_changes(obj, **changes):
    """dataclasses.replace, re-exported so doors need not import dataclasses for it."""
    return replace(obj, **changes)


# The external database's CA bundle (verify-ca / verify-full): the key of its Secret, the connection
# that mounts it into the API pod, and where libpq reads it (sslrootcert).
DB_CA_KEY = "ca.crt"
DB_CA_CONNECTION = "polyaxon-db-ca"
DB_CA_MOUNT_PATH = "/etc/polyaxon/db-ca"
VERIFY_SSL_MODES = ("verify-ca", "verify-full")


def db_ca_mounted(plan: Plan) -> bool:
    """v2 with an external database that verifies the server's certificate against a given CA."""
    db = plan.database
    return (
        plan.target == "v2"
        and db.kind == "external"
        and db.sslmode in VERIFY_SSL_MODES
        and bool(db.ca_secret)
    )


def registry_declared(plan: Plan) -> bool:
    """v2 with a complete registry connection: only then is a builds preset written."""
    s = plan.scheduling
    return plan.target == "v2" and all((s.registry_connection, s.registry_url, s.registry_secret))


# The image builds are pushed as when the plan names none (values.yaml cannot carry it: an
# imported file gives it back only through the builds preset).
DEFAULT_BUILD_IMAGE = "polyaxon-builds"
