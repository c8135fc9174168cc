"""One Django form per wizard step, bound to the raw POST the session keeps for that step.

A step form never refuses to produce its plan section: `apply(plan)` takes each field's cleaned
value, else its raw value coerced to the field's type, else the default. Whether the answers are
good is for `core.checks` to say; `attach(findings)` puts those findings (and the forms' own
errors, from Django's `full_clean` and its `clean_<field>()`/`clean()` hooks) next to the field
each one is about.

The repeated parts of a step are small forms with a prefix: a pool (`core-taint`), a store
(`artifacts-bucket`), Redis (`redis-host`), and one form per row of a list editor
(`core-labels-0-key`, a formset per list). `add_row`/`remove_row` edit the raw data of a list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
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
    Label,
    MatchExpression,
    NodeSelectorTerm,
    Plan,
    Pool,
    PreferredTerm,
    Scheduling,
    SpreadTerm,
    Storage,
    Store,
    Toleration,
    with_changes,
)

RawData = dict[str, list[str]]
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
    if hasattr(data, "lists"):
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


def _no_control_characters(value: str) -> None:
    if rules.CONTROL_CHARACTERS.search(value):
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


def _text(
    label: str,
    help_text: str = "",
    *,
    validators=(),
    widget=forms.TextInput,
    autocomplete: str = "off",
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=1024,
        widget=widget(attrs={"autocomplete": autocomplete, "spellcheck": "false"}),
        validators=[_no_control_characters, _no_credentials, *validators],
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
        choices=[(v, (labels or {}).get(v, v)) for v in values],
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
        text = rules.CONTROL_CHARACTERS.sub("", raw).strip()
        if secretfilter.secret_text(text):
            return default  # a credential never reaches the plan (the field shows the error)
        if isinstance(field, forms.IntegerField):
            try:
                number = int(text)
            except ValueError:
                return default
            return number if abs(number) <= MAX_INT else default
        return text

    def answers(self, default):
        """`default` (a plan dataclass) with each of its fields answered by this form's field of
        the same name."""
        return type(default)(**{n: self.answer(n, v) for n, v in vars(default).items()})


def _prefixed(prefix: str, values: dict) -> dict:
    return {f"{prefix}-{name}": value for name, value in values.items()}


class RowFormSet(forms.BaseFormSet):
    """A list editor (labels, tolerations, affinity rows, data stores): a form per row. The page
    posts no management form: the rows are counted from the posted names (`normalize_rows`
    numbers them 0..n-1), and the server adds and removes them (`add_row`, `remove_row`).
    Without a management form the formset-level API does not apply: never call `is_valid()` or
    `errors` on it or render `{{ formset }}`; each row form is validated and rendered on its own
    (`formset.forms`), and a template tests `formset.forms`, since a formset is always truthy."""

    def __init__(self, data, *, prefix: str, rows: int, **kwargs):
        super().__init__(data, prefix=prefix, **kwargs)
        self.rows = rows

    def total_form_count(self) -> int:
        return self.rows

    def initial_form_count(self) -> int:
        return 0  # no row stands for a saved object: every row is new

    def get_form_kwargs(self, index):
        # Every row reaches the plan, a blank one too, so every row is validated.
        return {**super().get_form_kwargs(index), "empty_permitted": False}


class LabelForm(Section):
    key = _text("Key")
    value = _text("Value")


class TolerationForm(Section):
    key = _text("Key")
    operator = _select("Operator", TOLERATION_OPERATORS)
    value = _text("Value")
    effect = _select("Effect", TOLERATION_EFFECTS, labels={"": "Any effect"})
    seconds = _text(
        "Seconds", "NoExecute only: how long a running pod stays after the taint appears."
    )


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


LabelFormSet = forms.formset_factory(LabelForm, formset=RowFormSet)
TolerationFormSet = forms.formset_factory(TolerationForm, formset=RowFormSet)
ExpressionFormSet = forms.formset_factory(ExpressionForm, formset=RowFormSet)
PreferenceFormSet = forms.formset_factory(PreferenceForm, formset=RowFormSet)
SpreadFormSet = forms.formset_factory(SpreadForm, formset=RowFormSet)


class PoolForm(Section):
    """A pool of nodes: its taint, and a formset per list of labels, tolerations and affinity
    rows."""

    taint = _bool("Taint these nodes")

    def __init__(self, data, *, prefix: str, title: str, taint_help: str, counts: dict):
        super().__init__(data, prefix=prefix)
        self.title = title
        self.fields["taint"].help_text = taint_help
        self.core = prefix == "core"

        def rows(formset: type[RowFormSet], group: str, editable: bool = True) -> RowFormSet:
            group = f"{prefix}-{group}"
            return formset(data, prefix=group, rows=counts.get(group, 0) if editable else 0)

        self.labels = rows(LabelFormSet, "labels")
        self.tolerations = rows(TolerationFormSet, "tolerations")
        # Affinity rows: findings at `scheduling.<pool>.affinity.required...` land on the group.
        self.required = rows(ExpressionFormSet, "affinity-required")
        self.preferred = rows(PreferenceFormSet, "affinity-preferred")
        self.spreads = rows(SpreadFormSet, "affinity-spread", editable=self.core)

    def row_groups(self) -> list[RowFormSet]:
        groups = [self.labels, self.tolerations, self.required, self.preferred]
        return [*groups, self.spreads] if self.core else groups

    def term_rows(self, kind: str) -> list[list[Section]]:
        """The required or preferred rows grouped by their term number, in the order terms first
        appear: plan order (a finding's term index)."""
        terms: dict[object, list] = {}
        for row in self.required if kind == "required" else self.preferred:
            terms.setdefault(row.answer("term", 1), []).append(row)
        return list(terms.values())

    def pool(self) -> Pool:
        def node_term(rows) -> NodeSelectorTerm:
            return NodeSelectorTerm(tuple(row.expression() for row in rows))

        return Pool(
            labels=tuple(f.answers(Label("", "")) for f in self.labels),
            tolerations=tuple(f.answers(Toleration()) for f in self.tolerations),
            taint=self.answer("taint", False),
            affinity=Affinity(
                required=tuple(node_term(rows) for rows in self.term_rows("required")),
                preferred=tuple(
                    PreferredTerm(weight=rows[0].answer("weight", 1), term=node_term(rows))
                    for rows in self.term_rows("preferred")
                ),
                spread=tuple(f.spread() for f in self.spreads),
            ),
        )

    @staticmethod
    def initial(prefix: str, pool: Pool) -> dict:
        out: dict = {f"{prefix}-taint": pool.taint}
        for i, label in enumerate(pool.labels):
            out |= _prefixed(f"{prefix}-labels-{i}", vars(label))
        for i, tol in enumerate(pool.tolerations):
            out |= _prefixed(f"{prefix}-tolerations-{i}", vars(tol))
        aff = pool.affinity
        required = [(t, e, {}) for t, term in enumerate(aff.required, 1) for e in term.expressions]
        preferred = [
            (t, e, {"weight": pref.weight})
            for t, pref in enumerate(aff.preferred, 1)
            for e in pref.term.expressions
        ]
        for kind, rows in (("required", required), ("preferred", preferred)):
            for i, (t, e, extra) in enumerate(rows):
                row = {"key": e.key, "operator": e.operator, "values": ", ".join(e.values)}
                out |= _prefixed(f"{prefix}-affinity-{kind}-{i}", row | {"term": t} | extra)
        for i, spread in enumerate(aff.spread):
            row = {
                "labels": ", ".join(f"{lb.key}={lb.value}" for lb in spread.labels),
                "topology_key": spread.topology_key,
                "weight": spread.weight,
            }
            out |= _prefixed(f"{prefix}-affinity-spread-{i}", row)
        return out


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

    def __init__(self, *args, v2: bool, title: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.title = title
        if v2:  # v2 reads the whole Secret; only 0.6 names a key inside it
            del self.fields["secret_key"]


StoreFormSet = forms.formset_factory(StoreForm, formset=RowFormSet)


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
    """A step's form, with its parts (prefixed forms) and list editors (a formset each)."""

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
        self.lists: dict[str, RowFormSet] = {}  # by prefix (a list editor's group)
        self.add_parts()
        self.messages: dict[str | None, list[Message]] = {}

    def add_parts(self) -> None:
        """Make the step's prefixed forms (none by default)."""

    def apply(self, plan: Plan) -> Plan:
        """The plan with this step's answers in it: by default, its section `attr` answered by
        this form's fields of the same names."""
        default = type(getattr(plan, self.attr))()
        return with_changes(plan, **{self.attr: self.answers(default)})

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        """Field name -> value for a plan (the inverse of `apply`)."""
        return dict(vars(getattr(plan, cls.attr)))

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
        rows = [row for formset in self.lists.values() for row in formset]
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
            self.lists |= {formset.prefix: formset for formset in pool.row_groups()}

    def field_for(self, path: str) -> str | None:
        """An affinity expression's finding sits on its row: plan terms are grouped from rows
        by term number, so plan indexes are not row numbers."""
        m = _AFFINITY_PATH.match(path)
        pool = self.parts.get(m["pool"]) if m else None
        if pool is not None:
            terms = pool.term_rows(m["kind"])
            t, e = int(m["term"]), int(m["expr"] or 0)
            if t < len(terms) and e < len(terms[t]):
                return f"{terms[t][e].prefix}-{m['part'] or 'weight'}"
        return super().field_for(path)

    def class_pools(self) -> list[PoolForm]:
        return [self.parts[n] for n in WORKLOAD_CLASSES]

    def apply(self, plan: Plan) -> Plan:
        scheduling = with_changes(
            self.answers(Scheduling()),
            core=self.parts["core"].pool(),
            workloads=self.parts["workloads"].pool(),
            classes=ClassPools(**{n: self.parts[n].pool() for n in WORKLOAD_CLASSES}),
        )
        default = Plan()  # an answer never depends on what the plan held before
        return with_changes(
            plan,
            release=self.answer("release", default.release),
            namespace=self.answer("namespace", default.namespace),
            scheduling=scheduling,
        )

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        s = plan.scheduling
        out = {"release": plan.release, "namespace": plan.namespace}
        out |= {name: value for name, value in vars(s).items() if name in cls.base_fields}
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
        components = with_changes(
            self.answers(d),
            redis=self.parts["redis"].answers(d.redis),
            rabbitmq=self.parts["rabbitmq"].answers(d.rabbitmq),
        )
        return with_changes(plan, components=components)

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        c = plan.components
        return (
            {"scheduler": c.scheduler, "broker": c.broker}
            | _prefixed("redis", vars(c.redis))
            | _prefixed("rabbitmq", vars(c.rabbitmq))
        )


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

    def add_parts(self) -> None:
        for name in ("artifacts",) if self.v2 else STORE_TITLES:
            form_class = VolumeStoreForm if name in ("repos", "upload") else StoreForm
            self.parts[name] = form_class(
                self.data, prefix=name, v2=self.v2, title=STORE_TITLES[name]
            )
        self.lists["data"] = StoreFormSet(
            self.data, prefix="data", rows=self.counts.get("data", 0), form_kwargs={"v2": self.v2}
        )

    def fixed_editors(self) -> list[Section]:
        return list(self.parts.values())

    def apply(self, plan: Plan) -> Plan:
        d = Storage()
        fixed = {n: form.answers(getattr(d, n)) for n, form in self.parts.items()}
        data = tuple(form.answers(Store(name="")) for form in self.lists["data"])
        return with_changes(plan, storage=Storage(**fixed, data=data))

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        st = plan.storage
        out: dict = {}
        for name in STORE_TITLES:
            out |= _prefixed(name, vars(getattr(st, name)))
        for i, store in enumerate(st.data):
            out |= _prefixed(f"data-{i}", vars(store))
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
        autocomplete="email",
    )


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
