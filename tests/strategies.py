"""Hypothesis strategies for plans (plain Python, no Django).

`valid_plans()` draws plans built from valid pieces in every combination the wizard offers, with
YAML-hostile strings (`on`, `y`, `1e3`, `0o17`...) wherever a field accepts them. `any_plans()`
draws arbitrary text into every free-text field, for properties that must hold for any input.
"""

from __future__ import annotations

from hypothesis import strategies as st

from wizard.core import secretfilter
from wizard.core.plan import (
    Affinity,
    ClassPools,
    Components,
    Database,
    Label,
    MatchExpression,
    NodeSelectorTerm,
    Plan,
    Pool,
    PreferredTerm,
    RabbitMQ,
    Redis,
    Scheduling,
    Secrets,
    Security,
    SpreadTerm,
    Storage,
    Store,
    Tls,
    Toleration,
)
from wizard.core.rules import dangerous_host_path

YAML_WORDS = [
    "y",
    "n",
    "on",
    "off",
    "yes",
    "no",
    "true",
    "false",
    "null",
    "1e3",
    "0o17",
    "0x1F",
    "NaN",
    "1",
    "012",
]

ACM_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
dns_label = st.from_regex(r"\A[a-z]([a-z0-9-]{0,10}[a-z0-9])?\Z")
dns_name = st.builds(lambda parts: ".".join(parts), st.lists(dns_label, min_size=1, max_size=3))
label_name = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9]([-A-Za-z0-9_.]{0,12}[A-Za-z0-9])?\Z"), st.sampled_from(YAML_WORDS)
)
label_key = st.one_of(label_name, st.builds(lambda p, n: f"{p}/{n}", dns_name, label_name))
label_value = st.one_of(st.just(""), label_name)
poly_name = st.one_of(st.from_regex(r"\A[-a-zA-Z0-9_]{1,20}\Z"), st.sampled_from(YAML_WORDS))
abs_path = st.builds(
    lambda parts: "/" + "/".join(parts),
    st.lists(
        st.from_regex(r"\A[a-zA-Z0-9_ .-]{1,8}\Z").filter(lambda s: s not in (".", "..")),
        min_size=1,
        max_size=3,
    ),
).filter(lambda path: dangerous_host_path(path) is None)


@st.composite
def tolerations(draw):
    operator = draw(st.sampled_from(["Equal", "Exists"]))
    key = draw(label_key) if operator == "Equal" else draw(st.one_of(st.just(""), label_key))
    value = draw(label_value) if operator == "Equal" else ""
    effect = draw(st.sampled_from(["", "NoSchedule", "PreferNoSchedule", "NoExecute"]))
    seconds = ""
    if effect == "NoExecute":  # Kubernetes takes tolerationSeconds with NoExecute only
        seconds = draw(st.one_of(st.just(""), st.integers(0, 10**6).map(str)))
    return Toleration(key=key, operator=operator, value=value, effect=effect, seconds=seconds)


@st.composite
def match_expressions(draw):
    operator = draw(st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]))
    if operator in ("In", "NotIn"):
        values = tuple(draw(st.lists(label_name, min_size=1, max_size=3)))
    elif operator in ("Gt", "Lt"):
        values = (str(draw(st.integers(-1000, 10**6))),)
    else:
        values = ()
    return MatchExpression(key=draw(label_key), operator=operator, values=values)


node_terms = st.builds(
    NodeSelectorTerm, st.lists(match_expressions(), min_size=1, max_size=3).map(tuple)
)


@st.composite
def spread_terms(draw):
    keys = draw(st.lists(label_key, min_size=1, max_size=2, unique=True))
    return SpreadTerm(
        weight=draw(st.integers(1, 100)),
        topology_key=draw(
            st.sampled_from(["kubernetes.io/hostname", "topology.kubernetes.io/zone"])
        ),
        labels=tuple(Label(k, draw(label_value)) for k in keys),
    )


@st.composite
def affinities(draw, core=False):
    """Valid affinities: mostly none, as most pools have none."""
    if draw(st.integers(0, 2)) == 0:
        return Affinity()
    preferred = st.builds(PreferredTerm, st.integers(1, 100), node_terms)
    return Affinity(
        required=tuple(draw(st.lists(node_terms, max_size=2))),
        preferred=tuple(draw(st.lists(preferred, max_size=2))),
        spread=tuple(draw(st.lists(spread_terms(), max_size=2))) if core else (),
    )


@st.composite
def pools(draw, taint=None):
    keys = draw(st.lists(label_key, min_size=1, max_size=3, unique=True))
    labels = tuple(Label(k, draw(label_name)) for k in keys)  # non-empty values: taints need one
    tols = tuple(draw(st.lists(tolerations(), max_size=3)))
    return Pool(
        labels=labels,
        tolerations=tols,
        taint=draw(st.booleans()) if taint is None else taint,
        affinity=draw(affinities(core=taint is True)),
    )


@st.composite
def stores(draw, name, kinds=("s3", "gcs", "azure", "claim", "host-path")):
    kind = draw(st.sampled_from(kinds))
    common = {
        "name": name,
        "kind": kind,
        "mount_path": draw(st.one_of(st.just(""), abs_path)),
        "read_only": draw(st.booleans()),
    }
    if kind == "s3":
        return Store(
            **common,
            bucket=draw(st.from_regex(r"\A[a-z0-9][a-z0-9-]{2,20}[a-z0-9]\Z")),
            secret=draw(dns_name),
            secret_key=draw(
                st.from_regex(r"\A[-._a-zA-Z0-9]{1,12}\Z").filter(lambda s: s not in (".", ".."))
            ),
        )
    if kind == "gcs":
        return Store(
            **common,
            bucket=draw(st.from_regex(r"\A[a-f0-9][a-f0-9_-]{2,20}[a-f0-9]\Z")),
            secret=draw(dns_name),
            secret_key="key.json",
        )
    if kind == "azure":
        return Store(
            **common,
            bucket=draw(st.from_regex(r"\A[a-z0-9]{3,20}\Z")),
            account=draw(st.from_regex(r"\A[a-z0-9]{3,24}\Z")),
            secret=draw(dns_name),
            secret_key="azure.json",
        )
    if kind == "claim":
        return Store(**common, claim=draw(dns_name))
    return Store(**common, host_path=draw(abs_path))


@st.composite
def registries(draw) -> dict:
    """A builds registry: none, complete (connection, address and Secret; the image optional), or
    now and then half-given (registry_incomplete), as people leave it."""
    kind = draw(st.sampled_from(["none", "complete", "complete", "partial"]))
    if kind == "none":
        return {}
    found = {
        "registry_connection": draw(poly_name),
        "registry_url": draw(dns_name),
        "registry_secret": draw(dns_name),
        "registry_image": draw(st.one_of(st.just(""), dns_label)),
    }
    if kind == "partial":
        found[draw(st.sampled_from(["registry_url", "registry_secret"]))] = ""
    return found


@st.composite
def valid_plans(draw):
    target = draw(st.sampled_from(["v2", "v0.6"]))
    core = draw(pools(taint=True))
    mode = draw(st.sampled_from(["two-pool", "per-class"]))
    scheduling = Scheduling(
        mode=mode,
        core=core,
        workloads=draw(pools()),
        classes=ClassPools(
            **{c: draw(pools()) for c in ("experiments", "jobs", "builds", "notebooks")}
        ),
        spread_core=draw(st.booleans()),
        **draw(registries()),
    )
    db_kind = draw(st.sampled_from(["external", "in-cluster"]))
    database = Database(
        kind=db_kind,
        host=draw(st.one_of(dns_name, st.ip_addresses().map(str))),
        port=draw(st.integers(1, 65535)),
        name=draw(poly_name),
        user=draw(poly_name),
        sslmode=draw(st.sampled_from(["disable", "require", "verify-ca", "verify-full"])),
        ca_secret=draw(st.one_of(st.just(""), dns_name)),
        conn_max_age=draw(st.integers(0, 3600)),
        size=draw(st.sampled_from(["20Gi", "1Ti", "500M"])),
        storage_class=draw(st.one_of(st.just(""), dns_name)),
    )
    svc_kind = st.sampled_from(["in-cluster", "external"])
    components = Components(
        scheduler=draw(st.booleans()),
        broker=draw(st.sampled_from(["redis", "rabbitmq"])),
        redis=Redis(
            kind=draw(svc_kind),
            host=draw(dns_name),
            port=draw(st.integers(1, 65535)),
            use_password=draw(st.booleans()),
        ),
        rabbitmq=RabbitMQ(
            kind=draw(svc_kind),
            host=draw(dns_name),
            port=draw(st.integers(1, 65535)),
            user=draw(poly_name),
        ),
    )
    file_kinds = ("claim", "host-path")
    names = draw(
        st.lists(st.from_regex(r"\A[a-z][a-z0-9_-]{0,10}\Z"), min_size=5, max_size=8, unique=True)
    )
    storage = Storage(
        artifacts=draw(stores(names[0])),
        logs=draw(stores(names[1])),
        repos=draw(stores(names[2], file_kinds)),
        upload=draw(stores(names[3], file_kinds)),
        data=tuple(draw(stores(n)) for n in names[4:]),
    )
    ingress = draw(st.booleans())
    mode_choices = (
        ["cert-manager", "existing-secret", "none"]
        if ingress
        else (["none", "existing-secret"] if target == "v0.6" else ["none"])
    )
    controller = draw(st.sampled_from(["nginx", "gce", "alb", "other"]))
    if ingress and controller == "alb":
        mode_choices = ["acm", "none"]
    tls_mode = draw(st.sampled_from(mode_choices))
    service_type = (
        "NodePort"
        if (not ingress and tls_mode == "existing-secret")
        else draw(st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer"]))
    )
    tls = Tls(
        ingress=ingress,
        host=draw(dns_name),
        ingress_class=draw(st.one_of(st.just(""), dns_name)),
        mode=tls_mode,
        issuer=draw(dns_name),
        issuer_kind=draw(st.sampled_from(["ClusterIssuer", "Issuer"])),
        secret_name=draw(dns_name),
        service_type=service_type,
        controller=controller,
        alb_scheme=draw(st.sampled_from(["internet-facing", "internal"])),
        acm_certificate_arn=draw(st.sampled_from(["", ACM_ARN])),
    )
    uid, gid = draw(st.integers(1, 2**31 - 1)), draw(st.integers(0, 2**31 - 1))
    security = Security(
        enabled=draw(st.booleans()),
        uid=uid,
        gid=gid,
        fs_group=draw(st.one_of(st.just(gid), st.integers(0, 65535))),
        fs_group_change_policy=draw(st.sampled_from(["", "OnRootMismatch", "Always"])),
        allow_privilege_escalation=draw(st.booleans()),
        run_as_non_root=draw(st.booleans()),
    )
    secrets = Secrets(
        name=draw(dns_name),
        admin_user=draw(poly_name),
        admin_email=draw(
            st.one_of(st.just(""), st.builds(lambda u, d: f"{u}@{d}.com", dns_label, dns_label))
        ),
    )
    return Plan(
        target=target,
        release=draw(dns_label),
        namespace=draw(dns_label),
        scheduling=scheduling,
        database=database,
        components=components,
        storage=storage,
        tls=tls,
        security=security,
        secrets=secrets,
    )


_C0_REFUSED = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
hostile_text = st.one_of(
    # any text a plan accepts: no C0 control but tab and line breaks (codec.text_problem)
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters=_C0_REFUSED), max_size=30),
    st.sampled_from(
        YAML_WORDS
        + [
            "",
            " ",
            "- a",
            "a: b",
            "#x",
            "'",
            '"',
            "&a",
            "*a",
            "!!python/object:os.system",
            "\u2028",
            "\x85",
            "${x}",
            "{{ .Values }}",
        ]
    ),
)


@st.composite
def any_plans(draw):
    """A valid plan with arbitrary text poured into its free-text fields."""
    plan = draw(valid_plans())
    from dataclasses import replace

    t = lambda: draw(hostile_text)  # noqa: E731
    return replace(
        plan,
        scheduling=replace(
            plan.scheduling,
            core=Pool(
                labels=(Label(t(), t()),),
                tolerations=(Toleration(t(), "Equal", t(), "NoSchedule"),),
                taint=True,
            ),
            workloads=Pool(labels=(Label(t(), t()),)),
        ),
        database=replace(plan.database, host=t(), name=t(), user=t(), storage_class=t(), size=t()),
        storage=replace(
            plan.storage,
            artifacts=replace(
                plan.storage.artifacts,
                name=t(),
                bucket=t(),
                secret=t(),
                claim=t(),
                host_path=t(),
                mount_path=t(),
            ),
        ),
        tls=replace(plan.tls, host=t(), ingress_class=t(), issuer=t(), secret_name=t()),
        secrets=replace(plan.secrets, name=t(), admin_user=t(), admin_email=t()),
        kept=draw(kept_values),
    )


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)
    ),
    max_leaves=10,
)
# Kept chart values a plan accepts: codec refuses any that the secret filter finds a secret in
# (a drawn key can spell one, e.g. {"k8s": {"authorisation": ...}}).
kept_values = st.dictionaries(
    st.one_of(
        hostile_text, st.sampled_from(["gateway", "ingress", "nodeSelector", "timezone", "user"])
    ),
    json_values,
    max_size=4,
).filter(lambda kept: not secretfilter.find(kept))
