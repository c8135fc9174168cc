"""One Django form per wizard step, bound to the raw POST the session keeps for that step.

A step form never refuses to produce its plan section: `apply(plan)` takes each field's cleaned
value, else its raw value coerced to the field's type, else the default. Whether the answers are
good is for `core.checks` to say; `attach(findings)` puts those findings (and the forms' own
errors, from Django's `full_clean` and its `clean_<field>()`/`clean()` hooks) next to the field
each one is about.

The repeated parts of a step are small forms with a prefix: a pool (`core-taint`), a store
(`artifacts-bucket`), Redis (`redis-host`), and one form per row of a list editor
(`core-labels-0-key`). `add_row`/`remove_row` edit the raw data of a list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from wizard.core import inventory, rules, secretfilter
from wizard.core.checks import Finding
from wizard.core.codec import MAX_INT, MAX_ITEMS
from wizard.core.plan import (
    ALB_SCHEMES,
    DB_KINDS,
    FS_GROUP_POLICIES,
    INGRESS_CONTROLLERS,
    ISSUER_KINDS,
    NODE_OPERATORS,
    PROVIDERS,
    SCHEDULING_MODES,
    SERVICE_KINDS,
    SERVICE_TYPES,
    SPREAD_TOPOLOGY,
    SSL_MODES,
    STORE_KINDS,
    TLS_MODES,
    TOLERATION_EFFECTS,
    TOLERATION_OPERATORS,
    WORKLOAD_CLASSES,
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
    with_changes,
)

RawData = dict[str, list[str]]
# Control characters never reach the plan (they would break the YAML and the runbook's shell).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ROW_KEY = re.compile(r"(?P<group>[a-z_]+(?:-[a-z_]+)*)-(?P<row>[0-9]{1,6})-(?P<part>[a-z_]+)\Z")
# Blank rows added by "Add ..." buttons, by the last part of the group name.
_BLANK_ROWS = {
    "labels": {"key": "", "value": ""},
    "tolerations": {
        "key": "",
        "operator": "Equal",
        "value": "",
        "effect": "NoSchedule",
        "seconds": "",
    },
    "data": {"name": "", "kind": "s3"},
    # Affinity rows (one match expression each; rows with the same term number form one term).
    "required": {"key": "", "operator": "In", "values": "", "term": "1"},
    "preferred": {"key": "", "operator": "In", "values": "", "weight": "50", "term": "1"},
    "spread": {
        "labels": "app.kubernetes.io/part-of=polyaxon-core",
        "topology_key": SPREAD_TOPOLOGY,
        "weight": "100",
    },
}


# --- raw data helpers ----------------------------------------------------------------------


def raw_of(data) -> RawData:
    """A QueryDict (or dict of lists) as a plain JSON-safe dict of lists of strings."""
    if isinstance(data, QueryDict) or hasattr(data, "lists"):
        return {k: [str(v) for v in vs] for k, vs in data.lists()}
    return {k: [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in data.items()}


def _rows(data) -> dict[str, list[int]]:
    """Each row group's row numbers, in order."""
    rows: dict[str, set[int]] = defaultdict(set)
    for key in data:
        m = _ROW_KEY.match(key)
        if m:
            rows[m["group"]].add(int(m["row"]))
    return {group: sorted(found) for group, found in rows.items()}


def normalize_rows(data: RawData) -> RawData:
    """Renumber every row group 0..n-1 in order (at most MAX_ITEMS rows), so field names follow
    plan list indexes."""
    renumber = {g: {old: new for new, old in enumerate(rows)} for g, rows in _rows(data).items()}
    out: RawData = {}
    for key, values in data.items():
        m = _ROW_KEY.match(key)
        if m:
            new = renumber[m["group"]][int(m["row"])]
            if new >= MAX_ITEMS:
                continue
            key = f"{m['group']}-{new}-{m['part']}"
        out[key] = values
    return out


def row_count(data, group: str) -> int:
    return min(len(_rows(data).get(group, ())), MAX_ITEMS)


def add_row(data: RawData, group: str) -> tuple[RawData, str | None]:
    """The data with one blank row more in `group`; also the new row's first field name."""
    blank = _BLANK_ROWS.get(group.rsplit("-", 1)[-1])
    n = row_count(data, group)
    if blank is None or n >= MAX_ITEMS:
        return data, None
    new = dict(data)
    for part, value in blank.items():
        new[f"{group}-{n}-{part}"] = [value]
    return new, f"{group}-{n}-{next(iter(blank))}"


def remove_row(data: RawData, target: str) -> RawData:
    """The data without row `<group>-<n>`, renumbered."""
    prefix = target + "-"
    return normalize_rows({k: v for k, v in data.items() if not k.startswith(prefix)})


# --- fields --------------------------------------------------------------------------------


def _rule(problem, code: str):
    """A rules.*_problem predicate as a Django validator raising with the finding's code."""

    def validate(value):
        found = problem(value)
        if found:
            raise ValidationError(f"This value {found}.", code=code)

    return validate


def _choices(values, labels: dict[str, str] | None = None):
    labels = labels or {}
    return [(v, labels.get(v, v)) for v in values]


def _no_control_characters(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError(
            "Remove the control characters (tabs, escapes) from this value.",
            code="control_characters",
        )


def _no_credentials(value: str) -> None:
    if secretfilter.secret_text(value):  # user:password@ or a private key: never in a plan
        raise ValidationError(
            "This holds a password or key; give the host or name only, and keep the secret "
            "in the Kubernetes Secret (the runbook creates it).",
            code="secret_in_field",
        )


def _text(label: str, help_text: str = "", **kw) -> forms.CharField:
    attrs = {"autocomplete": "off", "spellcheck": "false", **kw.pop("attrs", {})}
    validators = [_no_control_characters, _no_credentials, *kw.pop("validators", [])]
    widget = kw.pop("widget", forms.TextInput)
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=1024,
        widget=widget(attrs=attrs),
        validators=validators,
        **kw,
    )


def _int(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=-MAX_INT,
        max_value=MAX_INT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _bool(label: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, help_text=help_text, required=False)


def _select(label: str, values, help_text: str = "", labels=None, radio=False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=_choices(values, labels),
        widget=forms.RadioSelect if radio else forms.Select,
    )


@dataclass(frozen=True)
class Message:
    severity: str  # error | warning | info
    code: str
    text: str
    field: str | None  # form field (or group) name it sits next to; None: the step as a whole


# --- the forms -----------------------------------------------------------------------------


class Section(forms.Form):
    """A form of the wizard; `answer` reads a field's value even when it is not valid."""

    def answer(self, name: str, default):
        """The field's cleaned value, else its raw value coerced to the field's type, else
        `default` (for a field this form does not have, or that was not posted)."""
        field = self.fields.get(name)
        if field is None:
            return default
        raw = self.data.get(self.add_prefix(name))
        if isinstance(field, forms.BooleanField):
            return (raw or "") not in ("", "off", "false", "0")
        if raw is None:
            return default
        if name not in self.errors and self.cleaned_data.get(name) is not None:
            return self.cleaned_data[name]
        if isinstance(field, forms.ChoiceField):
            return default  # a forged choice never reaches the plan
        text = _CONTROL.sub("", raw).strip()
        if secretfilter.secret_text(text):
            return default  # a credential never reaches the plan (the field shows the error)
        if isinstance(field, forms.IntegerField):
            try:
                number = int(text)
            except ValueError:
                return default
            return number if abs(number) <= MAX_INT else default
        return text


class LabelForm(Section):
    key = _text("Key")
    value = _text("Value")

    def label(self) -> Label:
        return Label(self.answer("key", ""), self.answer("value", ""))


class TolerationForm(Section):
    key = _text("Key")
    operator = _select("Operator", TOLERATION_OPERATORS)
    value = _text("Value")
    effect = _select("Effect", TOLERATION_EFFECTS, labels={"": "Any effect"})
    seconds = _text(
        "Seconds", "NoExecute only: how long a running pod stays after the taint appears."
    )

    def toleration(self) -> Toleration:
        d = Toleration()
        return Toleration(**{n: self.answer(n, getattr(d, n)) for n in self.fields})


def _split_values(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


class ExpressionForm(Section):
    """A node affinity row: one match expression, in the term its number names."""

    key = _text("Node label key")
    operator = _select("Operator", NODE_OPERATORS)
    values = _text(
        "Values",
        "Comma-separated. In/NotIn: one or more; Exists/DoesNotExist: none; Gt/Lt: one number.",
    )
    term = _int(
        "Term", "Rows with the same term number must all match; different terms are alternatives."
    )

    def expression(self) -> MatchExpression:
        return MatchExpression(
            key=self.answer("key", ""),
            operator=self.answer("operator", "In"),
            values=_split_values(self.answer("values", "")),
        )


class PreferenceForm(ExpressionForm):
    weight = _int("Weight", "1 to 100: how much a matching node is preferred.")


class SpreadForm(Section):
    """A core spread row: pods with these labels prefer different topology domains."""

    labels = _text(
        "Pod labels", "key=value, comma-separated, e.g. app.kubernetes.io/part-of=polyaxon-core."
    )
    topology_key = _text(
        "Topology key",
        "kubernetes.io/hostname: one per node; topology.kubernetes.io/zone: one per zone.",
    )
    weight = _int("Weight", "1 to 100.")

    def spread(self) -> SpreadTerm:
        pairs = (part.partition("=") for part in _split_values(self.answer("labels", "")))
        return SpreadTerm(
            weight=self.answer("weight", 100),
            topology_key=self.answer("topology_key", ""),
            labels=tuple(Label(k.strip(), v.strip()) for k, _, v in pairs),
        )


def _grouped(rows: list, read) -> list[tuple[object, list]]:
    """Rows grouped by their term number, in the order terms first appear."""
    terms: dict[object, list] = {}
    for row in rows:
        terms.setdefault(row.answer("term", 1), []).append(read(row))
    return list(terms.items())


class PoolForm(Section):
    """A pool of nodes: its taint, and a form per label and per toleration."""

    taint = _bool("Taint these nodes")

    def __init__(self, data, *, prefix: str, title: str, taint_help: str, counts: dict):
        super().__init__(data, prefix=prefix)
        self.title = title
        self.fields["taint"].help_text = taint_help
        self.labels_group, self.tolerations_group = f"{prefix}-labels", f"{prefix}-tolerations"
        self.labels = [
            LabelForm(data, prefix=f"{self.labels_group}-{i}")
            for i in range(counts.get(self.labels_group, 0))
        ]
        self.tolerations = [
            TolerationForm(data, prefix=f"{self.tolerations_group}-{i}")
            for i in range(counts.get(self.tolerations_group, 0))
        ]
        # Affinity rows: groups `<pool>-affinity-required|preferred|spread` (findings at
        # `scheduling.<pool>.affinity.required...` land on the group).
        self.core = prefix == "core"
        group = f"{prefix}-affinity"
        self.required_group, self.preferred_group = f"{group}-required", f"{group}-preferred"
        self.spread_group = f"{group}-spread"
        self.required = [
            ExpressionForm(data, prefix=f"{self.required_group}-{i}")
            for i in range(counts.get(self.required_group, 0))
        ]
        self.preferred = [
            PreferenceForm(data, prefix=f"{self.preferred_group}-{i}")
            for i in range(counts.get(self.preferred_group, 0))
        ]
        self.spreads = [
            SpreadForm(data, prefix=f"{self.spread_group}-{i}")
            for i in range(counts.get(self.spread_group, 0) if self.core else 0)
        ]

    def row_groups(self) -> dict[str, list]:
        return {
            self.labels_group: self.labels,
            self.tolerations_group: self.tolerations,
            self.required_group: self.required,
            self.preferred_group: self.preferred,
            **({self.spread_group: self.spreads} if self.core else {}),
        }

    def term_rows(self, kind: str) -> list[list[Section]]:
        """The required or preferred rows by term, in plan order (a finding's term index)."""
        rows = self.required if kind == "required" else self.preferred
        return [group for _, group in _grouped(rows, lambda row: row)]

    def affinity(self) -> Affinity:
        required = _grouped(self.required, ExpressionForm.expression)
        preferred = _grouped(
            self.preferred, lambda row: (row.answer("weight", 1), row.expression())
        )
        return Affinity(
            required=tuple(NodeSelectorTerm(tuple(exprs)) for _, exprs in required),
            preferred=tuple(
                PreferredTerm(weight=rows[0][0], term=NodeSelectorTerm(tuple(e for _, e in rows)))
                for _, rows in preferred
            ),
            spread=tuple(f.spread() for f in self.spreads),
        )

    def pool(self, default: Pool) -> Pool:
        return Pool(
            labels=tuple(f.label() for f in self.labels),
            tolerations=tuple(f.toleration() for f in self.tolerations),
            taint=self.answer("taint", default.taint),
            affinity=self.affinity(),
        )

    @staticmethod
    def initial(prefix: str, pool: Pool) -> dict:
        out: dict = {f"{prefix}-taint": pool.taint}
        for i, label in enumerate(pool.labels):
            out |= {f"{prefix}-labels-{i}-{k}": v for k, v in vars(label).items()}
        for i, tol in enumerate(pool.tolerations):
            out |= {f"{prefix}-tolerations-{i}-{k}": v for k, v in vars(tol).items()}
        aff, row = pool.affinity, 0
        for t, term in enumerate(aff.required, 1):
            for e in term.expressions:
                at = f"{prefix}-affinity-required-{row}"
                out |= _expression_initial(at, e) | {f"{at}-term": t}
                row += 1
        row = 0
        for t, pref in enumerate(aff.preferred, 1):
            for e in pref.term.expressions:
                at = f"{prefix}-affinity-preferred-{row}"
                out |= _expression_initial(at, e) | {f"{at}-term": t, f"{at}-weight": pref.weight}
                row += 1
        for i, spread in enumerate(aff.spread):
            at = f"{prefix}-affinity-spread-{i}"
            out |= {
                f"{at}-labels": ", ".join(f"{lb.key}={lb.value}" for lb in spread.labels),
                f"{at}-topology_key": spread.topology_key,
                f"{at}-weight": spread.weight,
            }
        return out


def _expression_initial(at: str, expr: MatchExpression) -> dict:
    return {
        f"{at}-key": expr.key,
        f"{at}-operator": expr.operator,
        f"{at}-values": ", ".join(expr.values),
    }


_KIND_LABELS = {
    "s3": "Amazon S3",
    "gcs": "Google Cloud Storage",
    "azure": "Azure Blob Storage",
    "claim": "Persistent volume claim",
    "host-path": "Host path (not durable)",
}


class StoreForm(Section):
    name = _text("Name", "Lower-case letters, digits, '-' and '_'; unique.")
    kind = _select(
        "Kind",
        STORE_KINDS,
        "Buckets and ReadWriteMany claims are durable; a host path is lost with its node.",
        labels=_KIND_LABELS,
    )
    bucket = _text("Bucket (or Azure container)", "The bare name, without s3:// or gs://.")
    account = _text("Azure storage account")
    secret = _text(
        "Credentials Secret", "An existing Kubernetes Secret holding the bucket credentials."
    )
    secret_key = _text(
        "Key inside the Secret", "The key of that Secret holding the credentials file."
    )
    claim = _text("Claim (PVC) name", "A ReadWriteMany claim, if several nodes mount it.")
    host_path = _text("Host path", "An absolute path on the node.")
    mount_path = _text("Mount path", "Optional; absolute path inside the containers.")
    read_only = _bool("Mount read-only")

    def __init__(self, data, *, prefix: str, v2: bool, title: str = ""):
        super().__init__(data, prefix=prefix)
        self.title = title
        if v2:  # v2 reads the whole Secret; only 0.6 names a key inside it
            del self.fields["secret_key"]

    def store(self, default: Store) -> Store:
        return Store(**{n: self.answer(n, getattr(default, n)) for n in vars(default)})


class VolumeStoreForm(StoreForm):
    """The 0.6 repos and upload stores: a claim or a host path, never a bucket."""

    kind = _select(
        "Kind", ("claim", "host-path"), StoreForm.base_fields["kind"].help_text, labels=_KIND_LABELS
    )


class ServiceForm(Section):
    kind = _select(
        "Where does it run?",
        SERVICE_KINDS,
        "Guide: on a cloud provider, think about a managed version of this dependency.",
        labels={"in-cluster": "In-cluster", "external": "External (managed)"},
        radio=True,
    )
    host = _text("Host", "DNS name or IP address of the managed service.")


class RedisForm(ServiceForm):
    port = _int("Port", "Usually 6379.")
    tls = _bool(
        "The managed Redis accepts only TLS connections",
        "In-transit encryption (ElastiCache, Memorystore, Azure Cache with TLS only). The Polyaxon "
        "chart cannot connect to Redis over TLS, so such a Redis will not work with it.",
    )
    use_password = _bool(
        "Redis requires a password", "The password lives in the Kubernetes Secret."
    )


class RabbitMQForm(ServiceForm):
    port = _int("Port", "Usually 5672.")
    user = _text("RabbitMQ user")


class StepForm(Section):
    """A step's form, with its parts (prefixed forms) and list rows (a form per row)."""

    slug = ""
    attr = ""
    v2_only: tuple[str, ...] = ()  # fields the legacy 0.6 chart has no setting for

    def __init__(self, data: RawData, *, target: str):
        self.target = target
        self.raw = normalize_rows(data)
        self.counts = {group: len(rows) for group, rows in _rows(self.raw).items()}
        super().__init__(MultiValueDict(self.raw))
        if not self.v2:
            for name in self.v2_only:
                del self.fields[name]
        self.parts: dict[str, Section] = {}  # by prefix
        self.lists: dict[str, list[Section]] = {}  # a list editor's group -> its row forms
        self.add_parts()
        self.messages: dict[str | None, list[Message]] = {}

    def add_parts(self) -> None:
        """Make the step's prefixed forms (none by default)."""

    def apply(self, plan: Plan) -> Plan:
        """The plan with this step's answers in it."""
        raise NotImplementedError

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        """Field name -> value for a plan (the inverse of `apply`)."""
        raise NotImplementedError

    @classmethod
    def raw_from_plan(cls, plan: Plan) -> RawData:
        out: RawData = {}
        for name, value in cls.initial(plan).items():
            if value is True:
                out[name] = ["on"]
            elif value is not False and value is not None:
                out[name] = [str(value)]
        return out

    @property
    def v2(self) -> bool:
        return self.target != "v0.6"

    def all_forms(self) -> list[Section]:
        """This form, its parts and every row form."""
        rows = [row for group in self.lists.values() for row in group]
        return [self, *self.parts.values(), *rows]

    @cached_property
    def field_names(self) -> frozenset[str]:
        """Every posted name this step owns (e.g. `release`, `core-labels-0-key`)."""
        return frozenset(form.add_prefix(n) for form in self.all_forms() for n in form.fields)

    def message_slots(self) -> list[str]:
        """The names whose message slot holds a message (every field and list has a slot)."""
        return [name for name, msgs in self.messages.items() if name is not None and msgs]

    def bound(self, name: str) -> forms.BoundField:
        """The bound field of a posted name, from whichever of the step's forms has it."""
        for form in self.all_forms():
            prefix = f"{form.prefix}-" if form.prefix else ""
            if name.startswith(prefix) and name[len(prefix) :] in form.fields:
                return form[name[len(prefix) :]]
        raise KeyError(name)

    # findings next to fields -------------------------------------------------------------------

    def field_for(self, path: str) -> str | None:
        """The field (or list group) a finding's plan path is about, else None."""
        parts = path.split(".")
        if parts[0] == self.attr:
            parts = parts[1:]
        if parts[:1] == ["classes"]:
            parts = parts[1:]
        names = self.field_names | set(self.lists)
        while parts:
            name = "-".join(parts)
            if name in names:
                return name
            parts = parts[:-1]
        return None

    def attach(self, findings: list[Finding]) -> None:
        """Sort this step's findings and the forms' own errors by the field they are about."""
        msgs: dict[str | None, list[Message]] = defaultdict(list)
        for f in findings:
            if f.step != self.slug:
                continue
            name = self.field_for(f.path)
            msgs[name].append(Message(f.severity, f.code, f.message, name))
        for form in self.all_forms():
            for name, errors in form.errors.items():
                key = None if name == "__all__" else form.add_prefix(name)
                for error in errors.as_data():
                    code = error.code or "invalid"
                    if not any(m.code == code for m in msgs[key]):
                        msgs[key].append(Message("error", code, " ".join(error.messages), key))
        self.messages = dict(msgs)

    def messages_for(self, name: str | None) -> list[Message]:
        return self.messages.get(name, [])

    def all_messages(self) -> list[Message]:
        order = {"error": 0, "warning": 1, "info": 2}
        found = [m for ms in self.messages.values() for m in ms]
        return sorted(found, key=lambda m: order.get(m.severity, 3))

    def has_errors(self) -> bool:
        return any(m.severity == "error" for m in self.all_messages())


# --- scheduling ----------------------------------------------------------------------------

_POOLS = {
    "core": (
        "Core pool",
        "Taint the core nodes (first label = taint) so runs without a node selector stay off them.",
    ),
    "workloads": ("Workload pool", "Only runs that tolerate the taint will land here."),
    "experiments": ("Experiments", ""),
    "jobs": ("Jobs", ""),
    "builds": ("Builds", ""),
    "notebooks": ("Notebooks and tensorboards", ""),
}
_AFFINITY_PATH = re.compile(
    r"scheduling\.(?:classes\.)?(?P<pool>[a-z]+)\.affinity\.(?P<kind>required|preferred)\."
    r"(?P<term>[0-9]+)\.(?:(?P<weight>weight)|(?:term\.)?expressions\.(?P<expr>[0-9]+)\."
    r"(?P<part>key|operator|values))"
)
_CLASS_TAINT_HELP = "Keep other runs off these nodes (e.g. GPU or build nodes)."


class SchedulingForm(StepForm):
    slug = "scheduling"
    attr = "scheduling"
    v2_only = ("registry_connection", "registry_url", "registry_secret", "registry_image")

    release = _text(
        "Helm release name",
        "Lower-case letters, digits and '-', at most 53 characters.",
        validators=[_rule(lambda v: rules.dns_label_problem(v, 53), "release_invalid")],
    )
    namespace = _text(
        "Namespace",
        "The Kubernetes namespace Polyaxon is installed into.",
        validators=[_rule(rules.dns_label_problem, "namespace_invalid")],
    )
    mode = _select(
        "How are workloads scheduled?",
        SCHEDULING_MODES,
        "Guide: at a minimum, use two selectors, one for core components and one for "
        "the workloads, to keep them separated.",
        labels={
            "two-pool": "Two pools: core and workloads",
            "per-class": "A pool per workload class (experiments, jobs, builds, notebooks)",
        },
        radio=True,
    )
    provider = _select(
        "Where does the cluster run?",
        PROVIDERS,
        "On GKE, EKS and AKS the runbook sets each pool's labels and taints on the provider's "
        "node pool, so nodes added later get them too; elsewhere it labels today's nodes with "
        "kubectl.",
        labels={
            "gke": "Google Kubernetes Engine (GKE)",
            "eks": "Amazon EKS",
            "aks": "Azure Kubernetes Service (AKS)",
            "other": "Another cluster (bare metal, on-premises): kubectl",
        },
        radio=True,
    )
    spread_core = _bool(
        "Spread core replicas across nodes",
        "Prefers a different node for each core replica (pod anti-affinity). To spread by zone "
        "or by component, add spread terms under the core pool's advanced section.",
    )
    registry_connection = _text(
        "Registry connection for builds",
        "The name of the registry connection kaniko pushes images to (declared in the "
        "agent's connections).",
    )

    registry_url = _text(
        "Registry address",
        "Host and optional path, no scheme, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com.",
    )
    registry_secret = _text(
        "Registry Secret",
        "A Secret with a Docker config.json that can push; RUNBOOK.md creates it from "
        "DOCKER_CONFIG_FILE.",
    )
    registry_image = _text(
        "Image for builds",
        "The repository builds are pushed as, e.g. ml/builds (default polyaxon-builds).",
    )

    def add_parts(self) -> None:
        for prefix, (title, taint_help) in _POOLS.items():
            pool = PoolForm(
                self.data,
                prefix=prefix,
                title=title,
                taint_help=taint_help or _CLASS_TAINT_HELP,
                counts=self.counts,
            )
            self.parts[prefix] = pool
            self.lists.update(pool.row_groups())

    def field_for(self, path: str) -> str | None:
        """An affinity expression's finding sits on its row: plan terms are grouped from rows
        by term number, so plan indexes are not row numbers."""
        m = _AFFINITY_PATH.match(path)
        pool = self.parts.get(m["pool"]) if m else None
        if isinstance(pool, PoolForm):
            terms = pool.term_rows(m["kind"])
            t, e = int(m["term"]), int(m["expr"] or 0)
            if t < len(terms) and e < len(terms[t]):
                return f"{terms[t][e].prefix}-{m['part'] or 'weight'}"
        return super().field_for(path)

    def class_pools(self) -> list[PoolForm]:
        return [self.parts[n] for n in WORKLOAD_CLASSES]

    def apply(self, plan: Plan) -> Plan:
        d = Scheduling()
        pools = {n: self.parts[n].pool(getattr(d.classes, n)) for n in WORKLOAD_CLASSES}
        scheduling = Scheduling(
            mode=self.answer("mode", d.mode),
            provider=self.answer("provider", d.provider),
            core=self.parts["core"].pool(d.core),
            workloads=self.parts["workloads"].pool(d.workloads),
            classes=ClassPools(**pools),
            spread_core=self.answer("spread_core", d.spread_core),
            registry_connection=self.answer("registry_connection", d.registry_connection),
            registry_url=self.answer("registry_url", d.registry_url),
            registry_secret=self.answer("registry_secret", d.registry_secret),
            registry_image=self.answer("registry_image", d.registry_image),
        )
        return with_changes(
            plan,
            release=self.answer("release", plan.release),
            namespace=self.answer("namespace", plan.namespace),
            scheduling=scheduling,
        )

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        s = plan.scheduling
        out = {
            "release": plan.release,
            "namespace": plan.namespace,
            "mode": s.mode,
            "provider": s.provider,
            "spread_core": s.spread_core,
            "registry_connection": s.registry_connection,
            "registry_url": s.registry_url,
            "registry_secret": s.registry_secret,
            "registry_image": s.registry_image,
        }
        out |= PoolForm.initial("core", s.core)
        out |= PoolForm.initial("workloads", s.workloads)
        for name in WORKLOAD_CLASSES:
            out |= PoolForm.initial(name, getattr(s.classes, name))
        return out


# --- database ------------------------------------------------------------------------------


class DatabaseForm(StepForm):
    slug = "database"
    attr = "database"
    v2_only = ("sslmode", "ca_secret")

    kind = _select(
        "Where does PostgreSQL run?",
        DB_KINDS,
        "Guide: stateful applications are hard to run well on Kubernetes; for high "
        "availability, use an external (managed) PostgreSQL.",
        labels={
            "external": "External PostgreSQL (recommended)",
            "in-cluster": "In-cluster PostgreSQL (single pod)",
        },
        radio=True,
    )
    host = _text("Host", "DNS name or IP address of the PostgreSQL server.")
    port = _int("Port", "Usually 5432.")
    name = _text("Database name")
    user = _text("User", "The password goes into the Kubernetes Secret, never here.")
    sslmode = _select("SSL mode", SSL_MODES, "Use require, or verify-full with your provider's CA.")
    ca_secret = _text(
        "CA certificate Secret",
        "verify-ca and verify-full only: the Secret holding your provider's CA bundle (key ca.crt); "
        "RUNBOOK.md creates it from DB_CA_FILE and the API pod mounts it.",
    )
    conn_max_age = _int(
        "Connection max age (seconds)", "0 closes the connection after each request."
    )
    size = _text("Volume size", "A Kubernetes quantity, e.g. 20Gi.")
    storage_class = _text("Storage class", "Leave empty for the cluster default.")

    def apply(self, plan: Plan) -> Plan:
        d = Database()
        db = Database(**{n: self.answer(n, getattr(d, n)) for n in vars(d)})
        return with_changes(plan, database=db)

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        return dict(vars(plan.database))


# --- other components ----------------------------------------------------------------------


class ComponentsForm(StepForm):
    slug = "components"
    attr = "components"
    v2_only = ("scheduler",)

    scheduler = _bool(
        "Turn on the celery scheduler",
        "v2 Community Edition needs no broker or cache unless the celery scheduler is on.",
    )
    broker = _select(
        "Broker",
        ("redis", "rabbitmq"),
        "Which message broker the scheduler uses.",
        labels={"redis": "Redis", "rabbitmq": "RabbitMQ"},
        radio=True,
    )

    def add_parts(self) -> None:
        self.parts["redis"] = RedisForm(self.data, prefix="redis")
        self.parts["rabbitmq"] = RabbitMQForm(self.data, prefix="rabbitmq")

    def apply(self, plan: Plan) -> Plan:
        d = Components()
        redis, rabbitmq = self.parts["redis"], self.parts["rabbitmq"]
        comp = Components(
            scheduler=self.answer("scheduler", d.scheduler),
            broker=self.answer("broker", d.broker),
            redis=Redis(**{n: redis.answer(n, getattr(d.redis, n)) for n in vars(d.redis)}),
            rabbitmq=RabbitMQ(
                **{n: rabbitmq.answer(n, getattr(d.rabbitmq, n)) for n in vars(d.rabbitmq)}
            ),
        )
        return with_changes(plan, components=comp)

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        c = plan.components
        out = {"scheduler": c.scheduler, "broker": c.broker}
        out |= {f"redis-{k}": v for k, v in vars(c.redis).items()}
        out |= {f"rabbitmq-{k}": v for k, v in vars(c.rabbitmq).items()}
        return out


# --- storage -------------------------------------------------------------------------------

STORE_TITLES = {
    "artifacts": "Artifacts store",
    "logs": "Logs store",
    "repos": "Repos store",
    "upload": "Upload store",
}


class StorageForm(StepForm):
    slug = "storage"
    attr = "storage"

    def fixed_stores(self) -> tuple[str, ...]:
        return ("artifacts", "logs", "repos", "upload") if not self.v2 else ("artifacts",)

    def add_parts(self) -> None:
        for name in self.fixed_stores():
            form_class = VolumeStoreForm if name in ("repos", "upload") else StoreForm
            self.parts[name] = form_class(
                self.data, prefix=name, v2=self.v2, title=STORE_TITLES[name]
            )
        self.lists["data"] = [
            StoreForm(self.data, prefix=f"data-{i}", v2=self.v2)
            for i in range(self.counts.get("data", 0))
        ]

    def fixed_editors(self) -> list[StoreForm]:
        return [self.parts[n] for n in self.fixed_stores()]

    def apply(self, plan: Plan) -> Plan:
        d = Storage()
        fixed = {n: self.parts[n].store(getattr(d, n)) for n in self.fixed_stores()}
        data = tuple(form.store(Store(name="")) for form in self.lists["data"])
        return with_changes(plan, storage=Storage(**fixed, data=data))

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        st = plan.storage
        out: dict = {}
        for name in ("artifacts", "logs", "repos", "upload"):
            out |= {f"{name}-{k}": v for k, v in vars(getattr(st, name)).items()}
        for i, store in enumerate(st.data):
            out |= {f"data-{i}-{k}": v for k, v in vars(store).items()}
        return out


# --- SSL -----------------------------------------------------------------------------------


class TlsForm(StepForm):
    slug = "ssl"
    attr = "tls"

    ingress = _bool(
        "Expose Polyaxon through an ingress", "The usual way to serve a domain with TLS."
    )
    host = _text("Domain", "The host users reach Polyaxon at, e.g. polyaxon.example.com.")
    ingress_class = _text("Ingress class", "E.g. nginx.")
    controller = _select(
        "Ingress controller",
        INGRESS_CONTROLLERS,
        "Each controller needs its own annotations (docs/ingress-and-tls.md).",
        labels={
            "nginx": "ingress-nginx",
            "gce": "GKE's built-in controller (gce)",
            "alb": "AWS Load Balancer Controller (ALB)",
            "other": "Another controller",
        },
    )
    alb_scheme = _select(
        "Load balancer scheme",
        ALB_SCHEMES,
        "ALB only: a public (internet-facing) or VPC-internal load balancer.",
    )
    acm_certificate_arn = _text(
        "ACM certificate ARN",
        "ALB only: arn:aws:acm:<region>:<account>:certificate/<id>; an ALB ignores TLS Secrets.",
    )
    mode = _select(
        "How is TLS provided?",
        TLS_MODES,
        "Guide: security is important and we strongly recommend SSL for your deployment "
        "(Nginx ingress with Let's Encrypt works well).",
        labels={
            "cert-manager": "cert-manager issues the certificate (e.g. Let's Encrypt)",
            "existing-secret": "An existing TLS Secret holds my certificate",
            "acm": "An AWS Certificate Manager certificate (ALB only)",
            "none": "No TLS (not recommended)",
        },
        radio=True,
    )
    issuer = _text("Issuer name", "E.g. letsencrypt-prod.")
    issuer_kind = _select("Issuer kind", ISSUER_KINDS)
    secret_name = _text(
        "TLS Secret name", "cert-manager writes it; otherwise it must hold your certificate."
    )
    service_type = _select(
        "Service type", SERVICE_TYPES, "How the Polyaxon gateway service is exposed."
    )

    def apply(self, plan: Plan) -> Plan:
        d = Tls()
        return with_changes(plan, tls=Tls(**{n: self.answer(n, getattr(d, n)) for n in vars(d)}))

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        return dict(vars(plan.tls))


# --- security context ----------------------------------------------------------------------


class SecurityForm(StepForm):
    slug = "security-context"
    attr = "security"
    v2_only = (
        "fs_group",
        "fs_group_change_policy",
        "allow_privilege_escalation",
        "run_as_non_root",
    )

    enabled = _bool(
        "Run with a security context",
        "Guide: since v0.5, run all Polyaxon services and workloads as a non-root user.",
    )
    uid = _int("User id (uid)", "A non-root uid, e.g. 2222.")
    gid = _int("Group id (gid)", "Guide: mounted volumes get a filesystem group equal to this gid.")
    fs_group = _int("fsGroup", "Usually the same as the gid.")
    fs_group_change_policy = _select(
        "fsGroup change policy",
        FS_GROUP_POLICIES,
        "OnRootMismatch avoids re-chowning big volumes on every start.",
        labels={"": "Chart default"},
    )
    allow_privilege_escalation = _bool(
        "Allow privilege escalation", "Leave off: setuid binaries could gain privileges."
    )
    run_as_non_root = _bool(
        "Refuse to start containers as root (runAsNonRoot)", "A safety net; leave on."
    )

    def apply(self, plan: Plan) -> Plan:
        d = Security()
        security = Security(**{n: self.answer(n, getattr(d, n)) for n in vars(d)})
        return with_changes(plan, security=security)

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        return dict(vars(plan.security))


# --- secrets and admin ---------------------------------------------------------------------


class SecretsForm(StepForm):
    slug = "secrets"
    attr = "secrets"

    name = _text(
        "Kubernetes Secret name",
        "Passwords and keys live in this Secret, created by the runbook from environment "
        "variables; they never enter the plan or the values file.",
        validators=[_rule(rules.dns_subdomain_problem, "secret_name_invalid")],
    )
    admin_user = _text(
        "Admin user name",
        "The first admin; the password comes from the Secret.",
        validators=[_rule(rules.polyaxon_name_problem, "admin_user_invalid")],
    )
    admin_email = _text(
        "Admin e-mail",
        "Optional.",
        validators=[_rule(rules.email_problem, "admin_email_invalid")],
        widget=forms.EmailInput,
        attrs={"autocomplete": "email"},
    )

    def apply(self, plan: Plan) -> Plan:
        d = Secrets()
        secrets = Secrets(**{n: self.answer(n, getattr(d, n)) for n in vars(d)})
        return with_changes(plan, secrets=secrets)

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        return dict(vars(plan.secrets))


class StartForm(forms.Form):
    target = forms.ChoiceField(
        label="Target chart",
        choices=[
            ("v2", "Polyaxon v2 (chart 2.15.1) — recommended"),
            ("v0.6", "Legacy Polyaxon 0.6 (chart 0.6.1), to maintain an existing cluster"),
        ],
        initial="v2",
        widget=forms.RadioSelect,
    )


class NodesForm(forms.Form):
    """The cluster's nodes for the review: `kubectl get nodes -o json` (or -o yaml), pasted or
    uploaded; `cleaned_data["inventory"]` is the parsed `core.inventory.Inventory`."""

    text = forms.CharField(
        label="Paste the output",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        help_text="Up to 1 MB pasted; upload a larger listing as a file.",
    )
    file = forms.FileField(
        label="or upload the file",
        required=False,
        help_text=f"JSON or YAML, up to {inventory.MAX_INVENTORY_BYTES // 2**20} MiB.",
    )

    def clean(self):
        data = super().clean()
        text, upload = data.get("text") or "", data.get("file")
        if self.errors:
            return data
        if upload is not None and text.strip():
            self.add_error(
                "text",
                ValidationError("Paste the nodes or upload a file, not both.", code="nodes_twice"),
            )
            return data
        if upload is None and not text.strip():
            self.add_error(
                "text",
                ValidationError(
                    "Paste the output of `kubectl get nodes -o json`, or upload it as a file.",
                    code="nodes_missing",
                ),
            )
            return data
        field = "file" if upload is not None else "text"
        cap = inventory.MAX_INVENTORY_BYTES
        try:
            if upload is not None and upload.size > cap:
                raise inventory.InventoryError(
                    f"the file is {upload.size:,} bytes; the limit is {cap:,}. Trim it to the "
                    "fields scheduling needs (docs/inventories.md shows a jq filter)"
                )
            raw = upload.read(cap + 1) if upload is not None else text
            data["inventory"] = inventory.parse_inventory(raw)
        except inventory.InventoryError as exc:
            where = exc.path or (f"line {exc.line}" if exc.line else "")
            self.add_error(
                field,
                ValidationError(
                    "%(where)s%(message)s",
                    code="nodes_invalid",
                    params={
                        "where": f"{where}: " if where else "",
                        "message": exc.message,
                        "path": exc.path,
                        "line": exc.line,
                    },
                ),
            )
        return data
