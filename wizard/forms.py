"""One form per wizard step, bound to the raw POST the session keeps for that step.

A form never refuses to produce its plan section: `apply(plan)` takes each field's cleaned value,
else its raw value coerced to the field's type, else the default. Whether the answers are good is
for `core.checks` to say; `attach(findings)` puts those findings (and the form's own field errors)
next to the field each one is about.

List editors (node labels, tolerations, data stores) are rows of fields named
`<group>-<row>-<part>`, e.g. `core-labels-0-key`; `add_row`/`remove_row` edit the raw data.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from wizard.core import rules, secretfilter
from wizard.core.checks import Finding
from wizard.core.codec import MAX_INT, MAX_ITEMS
from wizard.core.plan import (
    DB_KINDS,
    FS_GROUP_POLICIES,
    ISSUER_KINDS,
    SCHEDULING_MODES,
    SERVICE_KINDS,
    SERVICE_TYPES,
    SSL_MODES,
    STORE_KINDS,
    TLS_MODES,
    TOLERATION_EFFECTS,
    TOLERATION_OPERATORS,
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
    with_changes,
)

RawData = dict[str, list[str]]
# Built fields by form shape (see StepForm.__init__); each field memoizes its cleaned values.
_SHAPES: dict[tuple, tuple[dict, frozenset, frozenset]] = {}
_SHAPES_MAX = 256
_CLEANED_MAX = 64
_MISSING = object()
# Control characters never reach the plan (they would break the YAML and the runbook's shell).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ROW_KEY = re.compile(r"(?P<group>[a-z_]+(?:-[a-z_]+)*)-(?P<row>[0-9]{1,6})-(?P<part>[a-z_]+)\Z")
# Blank rows added by "Add ..." buttons, by the last part of the group name.
_BLANK_ROWS = {
    "labels": {"key": "", "value": ""},
    "tolerations": {"key": "", "operator": "Equal", "value": "", "effect": "NoSchedule"},
    "data": {"name": "", "kind": "s3"},
}


# Pools by their answers: a scheduling keystroke changes one of six pools, and building the
# others' frozen dataclasses again cost more than the rest of `apply`. (Pools are immutable.)
_POOLS: dict[tuple, Pool] = {}
_POOLS_MAX = 1024


@functools.lru_cache(maxsize=256)
def _pool_fields(prefix: str, labels: int, tolerations: int) -> tuple:
    """The answer fields of a pool editor with that many rows, flat, and each one's default:
    (names, defaults, taint field). Labels come first (key, value), then tolerations
    (key, operator, value, effect)."""
    lab, tol = f"{prefix}-labels", f"{prefix}-tolerations"
    names, defaults = [], []
    for i in range(labels):
        names += [f"{lab}-{i}-key", f"{lab}-{i}-value"]
        defaults += ["", ""]
    for i in range(tolerations):
        names += [f"{tol}-{i}-{part}" for part in ("key", "operator", "value", "effect")]
        defaults += ["", "Equal", "", "NoSchedule"]
    return tuple(names), tuple(defaults), f"{prefix}-taint"


def _pool(key: tuple) -> Pool:
    """The pool of (label rows, toleration rows, answers flat as in `_pool_fields`, taint)."""
    found = _POOLS.get(key)
    if found is None:
        labels, _, flat, taint = key
        cut = 2 * labels
        found = Pool(
            labels=tuple(Label(flat[i], flat[i + 1]) for i in range(0, cut, 2)),
            tolerations=tuple(
                Toleration(key=flat[i], operator=flat[i + 1], value=flat[i + 2], effect=flat[i + 3])
                for i in range(cut, len(flat), 4)
            ),
            taint=taint,
        )
        if len(_POOLS) >= _POOLS_MAX:
            _POOLS.clear()
        _POOLS[key] = found
    return found


# --- raw data helpers ----------------------------------------------------------------------


def raw_of(data) -> RawData:
    """A QueryDict (or dict of lists) as a plain JSON-safe dict of lists of strings."""
    if isinstance(data, QueryDict):
        # A parsed request body: every value is already a str, and the lists are handed over as
        # they are (nothing here changes a raw list in place; edits build new dicts).
        return dict(data.lists())
    if hasattr(data, "lists"):
        return {k: [str(v) for v in vs] for k, vs in data.lists()}
    return {k: [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in data.items()}


def normalize_rows(data: RawData) -> RawData:
    """Renumber every row group 0..n-1 in order, so field names follow plan list indexes."""
    names, _ = _layout(tuple(data))
    if names is None:  # every name already in place (the usual case): a copy will do
        return dict(data)
    return {new: data[old] for old, new in names if new is not None}


# Layouts by key sequence: a step posts the same field names on every keystroke.
_LAYOUTS: dict[tuple[str, ...], tuple[tuple, dict[str, int]]] = {}
_LAYOUTS_MAX = 256


def _layout(keys: tuple[str, ...]) -> tuple[tuple, dict[str, int]]:
    """((old name, new name or None when dropped), ...), or None when no name changes, and the
    row count of each group."""
    found = _LAYOUTS.get(keys)
    if found is not None:
        return found
    rows: dict[str, set[int]] = defaultdict(set)
    matches = [(key, _ROW_KEY.match(key)) for key in keys]
    for _, m in matches:
        if m:
            rows[m["group"]].add(int(m["row"]))
    renumber = {g: {old: new for new, old in enumerate(sorted(idx))} for g, idx in rows.items()}
    names = []
    for key, m in matches:
        if m:
            new = renumber[m["group"]][int(m["row"])]
            names.append((key, f"{m['group']}-{new}-{m['part']}" if new < MAX_ITEMS else None))
        else:
            names.append((key, key))
    same = all(old == new for old, new in names)
    found = (
        None if same else tuple(names),
        {g: min(len(idx), MAX_ITEMS) for g, idx in rows.items()},
    )
    if len(_LAYOUTS) >= _LAYOUTS_MAX:
        _LAYOUTS.clear()
    _LAYOUTS[keys] = found
    return found


def row_count(data: RawData, group: str) -> int:
    found = set()
    for key in data:
        m = _ROW_KEY.match(key)
        if m and m["group"] == group:
            found.add(int(m["row"]))
    return min(len(found), MAX_ITEMS)


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


def _rule(problem, code: str):
    """A rules.*_problem predicate as a Django validator raising with the finding's code."""

    def validate(value):
        found = problem(value)
        if found:
            raise ValidationError(f"This {found}.", code=code)

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


def _text(label: str, help_text: str = "", **kw) -> forms.CharField:
    attrs = {"autocomplete": "off", "spellcheck": "false", **kw.pop("attrs", {})}
    validators = [_no_control_characters, *kw.pop("validators", [])]
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=1024,
        widget=forms.TextInput(attrs=attrs),
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


# --- the base form -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cleaning:
    """A form shape's last cleaning (`StepForm.full_clean`); never changed once stored."""

    fields: dict
    names: tuple[str, ...]
    raw: tuple
    cleaned: dict
    values: dict
    errors: dict


# By id(fields): an entry keeps its fields alive, so no other shape's fields can take that id.
_LAST_CLEAN: dict[int, _Cleaning] = {}


class StepForm(forms.Form):
    slug = ""
    attr = ""
    intro = ""

    def __init__(self, data: RawData, *, target: str):
        self.target = target
        self.raw = normalize_rows(data)
        self._row_counts: dict[str, int] | None = None
        super().__init__(MultiValueDict(self.raw))
        # The fields depend only on the target and the number of rows in each list, so they are
        # built once per such shape and shared (read-only) by every form of that shape.
        shape = (type(self), target, tuple(sorted(self._counts().items())))
        built = _SHAPES.get(shape)
        if built is None:
            self.groups: set[str] = set()  # list editors: anchors for findings about a list
            self.list_groups: set[str] = set()
            self.build()
            built = (self.fields, frozenset(self.groups), frozenset(self.list_groups))
            if len(_SHAPES) >= _SHAPES_MAX:
                _SHAPES.clear()
            _SHAPES[shape] = built
        self.fields, self.groups, self.list_groups = built
        self.full_clean()
        self.messages: dict[str | None, list[Message]] = {}

    def build(self) -> None:
        raise NotImplementedError

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

    # values ---------------------------------------------------------------------------------

    @property
    def v2(self) -> bool:
        return self.target != "v0.6"

    def value(self, name: str, default):
        """The field's cleaned value, else its raw value coerced to the field's type, else
        `default` (computed once per field and value by `full_clean`)."""
        return self._values.get(name, default)

    def _counts(self) -> dict[str, int]:
        if self._row_counts is None:
            self._row_counts = _layout(tuple(self.raw))[1]
        return self._row_counts

    def rows(self, group: str) -> range:
        return range(self._counts().get(group, 0))

    def full_clean(self) -> None:
        """Django's field cleaning (there are no form-level hooks here), memoized: cleaning is a
        pure function of the field and its raw values, and between two keystrokes of the live
        preview only one value changes. So a form re-cleans only the fields whose raw values
        differ from the last form of its shape, each memoized per value. Also computes what
        `value` answers."""
        self._errors = ErrorDict(renderer=self.renderer)
        fields = self.fields
        raw = tuple(map(self.raw.get, fields))
        last = _LAST_CLEAN.get(id(fields))
        if last is not None:
            cleaned, values, errors = dict(last.cleaned), dict(last.values), dict(last.errors)
            todo = [
                i for i, (now, then) in enumerate(zip(raw, last.raw, strict=True)) if now != then
            ]
            names = last.names
        else:
            cleaned, values, errors = {}, {}, {}
            todo = range(len(raw))
            names = tuple(fields)
        for i in todo:
            name = names[i]
            found = self._cleaned(fields[name], name, raw[i] or None)
            if found[1] is _MISSING:
                values.pop(name, None)
            else:
                values[name] = found[1]
            if isinstance(found[0], ValidationError):
                errors[name] = found[0]
                cleaned.pop(name, None)
            else:
                cleaned[name] = found[0]
                errors.pop(name, None)
        if len(_LAST_CLEAN) >= _SHAPES_MAX:
            _LAST_CLEAN.clear()
        _LAST_CLEAN[id(fields)] = _Cleaning(fields, names, raw, cleaned, values, errors)
        self.cleaned_data, self._values = dict(cleaned), values  # `values` is only read
        for name in sorted(errors, key=names.index) if len(errors) > 1 else errors:
            self.add_error(name, errors[name])

    def _cleaned(self, field: forms.Field, name: str, raw: list[str] | None) -> tuple:
        key = tuple(raw) if raw is not None else None
        memo = field.__dict__.get("_wizard_cleaned")
        if memo is None:
            memo = field.__dict__["_wizard_cleaned"] = {}
        found = memo.get(key)
        if found is None:
            found = self._clean_field(field, name, raw)
            if len(memo) >= _CLEANED_MAX:
                memo.clear()
            memo[key] = found
        return found

    def _clean_field(self, field: forms.Field, name: str, raw: list[str] | None) -> tuple:
        """(cleaned value or the ValidationError, the value `value` returns or _MISSING)."""
        try:
            cleaned = field.clean(field.widget.value_from_datadict(self.data, self.files, name))
        except ValidationError as e:
            cleaned = e
        if isinstance(field, forms.BooleanField):
            return cleaned, (raw or [""])[-1] not in ("", "off", "false", "0")
        if raw is None:
            return cleaned, _MISSING
        text = _CONTROL.sub("", raw[-1]).strip()
        if isinstance(field, forms.IntegerField):
            try:
                number = int(text)
            except ValueError:
                return cleaned, _MISSING
            return cleaned, number if abs(number) <= MAX_INT else _MISSING
        ok = cleaned is not None and not isinstance(cleaned, ValidationError)
        if isinstance(field, forms.ChoiceField) and not ok:
            return cleaned, _MISSING  # a forged choice never reaches the plan (issue 12)
        if secretfilter.secret_text(text):  # user:password@ or a private key: never in a plan
            error = ValidationError(
                "This holds a password or key; give the host or name only, and keep the secret "
                "in the Kubernetes Secret (the runbook creates it).",
                code="secret_in_field",
            )
            return error, _MISSING
        return cleaned, cleaned if ok else text

    # list editors ----------------------------------------------------------------------------

    def add_pool_fields(self, prefix: str, help_labels: str, help_taint: str) -> None:
        labels, tols = f"{prefix}-labels", f"{prefix}-tolerations"
        self.groups |= {labels, tols}
        self.list_groups |= {labels, tols}
        for i in self.rows(labels):
            self.fields[f"{labels}-{i}-key"] = _text("Key", help_labels if i == 0 else "")
            self.fields[f"{labels}-{i}-value"] = _text("Value")
        for i in self.rows(tols):
            self.fields[f"{tols}-{i}-key"] = _text("Key")
            self.fields[f"{tols}-{i}-operator"] = _select("Operator", TOLERATION_OPERATORS)
            self.fields[f"{tols}-{i}-value"] = _text("Value")
            self.fields[f"{tols}-{i}-effect"] = _select(
                "Effect", TOLERATION_EFFECTS, labels={"": "Any effect"}
            )
        self.fields[f"{prefix}-taint"] = _bool("Taint these nodes", help_taint)

    def pool(self, prefix: str, default: Pool) -> Pool:
        counts = self._counts()
        labels = counts.get(f"{prefix}-labels", 0)
        tolerations = counts.get(f"{prefix}-tolerations", 0)
        names, defaults, taint = _pool_fields(prefix, labels, tolerations)
        get = self._values.get
        flat = tuple(map(get, names, defaults))  # each answer, else its default
        return _pool((labels, tolerations, flat, get(taint, default.taint)))

    @staticmethod
    def pool_initial(prefix: str, pool: Pool) -> dict:
        out: dict = {f"{prefix}-taint": pool.taint}
        for i, label in enumerate(pool.labels):
            out |= {
                f"{prefix}-labels-{i}-key": label.key,
                f"{prefix}-labels-{i}-value": label.value,
            }
        for i, tol in enumerate(pool.tolerations):
            at = f"{prefix}-tolerations-{i}"
            out |= {
                f"{at}-key": tol.key,
                f"{at}-operator": tol.operator,
                f"{at}-value": tol.value,
                f"{at}-effect": tol.effect,
            }
        return out

    def pool_editor(self, prefix: str) -> dict:
        """The bound fields of a pool editor, grouped for the template."""
        labels, tols = f"{prefix}-labels", f"{prefix}-tolerations"
        return {
            "prefix": prefix,
            "labels": labels,
            "tolerations": tols,
            "label_rows": [
                (f"{labels}-{i}", self[f"{labels}-{i}-key"], self[f"{labels}-{i}-value"])
                for i in self.rows(labels)
            ],
            "toleration_rows": [
                (f"{tols}-{i}", *(self[f"{tols}-{i}-{p}"] for p in _BLANK_ROWS["tolerations"]))
                for i in self.rows(tols)
            ],
            "taint": self[f"{prefix}-taint"],
        }

    # findings next to fields -------------------------------------------------------------------

    def field_for(self, path: str) -> str | None:
        """The field (or list group) a finding's plan path is about, else None."""
        parts = path.split(".")
        if parts[0] == self.attr:
            parts = parts[1:]
        if parts[:1] == ["classes"]:
            parts = parts[1:]
        while parts:
            name = "-".join(parts)
            if name in self.fields or name in self.groups:
                return name
            parts = parts[:-1]
        return None

    def attach(self, findings: list[Finding]) -> None:
        """Sort this step's findings and the form's own errors by the field they are about."""
        msgs: dict[str | None, list[Message]] = defaultdict(list)
        for f in findings:
            if f.step != self.slug:
                continue
            name = self.field_for(f.path)
            msgs[name].append(Message(f.severity, f.code, f.message, name))
        for name, errors in self.errors.items():
            key = None if name == "__all__" else name
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

_POOL_TITLES = {
    "core": "Core pool",
    "workloads": "Workload pool",
    "experiments": "Experiments",
    "jobs": "Jobs",
    "builds": "Builds",
    "notebooks": "Notebooks and tensorboards",
}


class SchedulingForm(StepForm):
    slug = "scheduling"
    attr = "scheduling"

    def build(self) -> None:
        f = self.fields
        f["release"] = _text(
            "Helm release name",
            "Lower-case letters, digits and '-', at most 53 characters.",
            validators=[_rule(lambda v: rules.dns_label_problem(v, 53), "release_invalid")],
        )
        f["namespace"] = _text(
            "Namespace",
            "The Kubernetes namespace Polyaxon is installed into.",
            validators=[_rule(rules.dns_label_problem, "namespace_invalid")],
        )
        f["mode"] = _select(
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
        self.add_pool_fields(
            "core",
            "Guide: deploy the core components (API, scheduler, database) on separate nodes "
            "from the users' workloads, e.g. polyaxon=core.",
            "Taint the core nodes (first label = taint) so runs without a node selector stay off them.",
        )
        f["spread_core"] = _bool(
            "Spread core replicas across nodes",
            "Prefers a different node for each core replica (pod anti-affinity).",
        )
        self.add_pool_fields(
            "workloads",
            "Nodes for experiments, jobs, builds and notebooks, e.g. polyaxon=workloads.",
            "Only runs that tolerate the taint will land here.",
        )
        for name in WORKLOAD_CLASSES:
            self.add_pool_fields(
                name,
                f"Node labels for {name}; the guide's example uses polyaxon={name}.",
                "Keep other runs off these nodes (e.g. GPU or build nodes).",
            )
        if self.v2:
            f["registry_connection"] = _text(
                "Registry connection for builds",
                "The name of the registry connection kaniko pushes images to (declared in the "
                "agent's connections).",
            )

    def apply(self, plan: Plan) -> Plan:
        d = Scheduling()
        classes = ClassPools(**{n: self.pool(n, getattr(d.classes, n)) for n in WORKLOAD_CLASSES})
        scheduling = Scheduling(
            mode=self.value("mode", d.mode),
            core=self.pool("core", d.core),
            workloads=self.pool("workloads", d.workloads),
            classes=classes,
            spread_core=self.value("spread_core", d.spread_core),
            registry_connection=self.value("registry_connection", d.registry_connection),
        )
        return with_changes(
            plan,
            release=self.value("release", plan.release),
            namespace=self.value("namespace", plan.namespace),
            scheduling=scheduling,
        )

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        s = plan.scheduling
        out = {
            "release": plan.release,
            "namespace": plan.namespace,
            "mode": s.mode,
            "spread_core": s.spread_core,
            "registry_connection": s.registry_connection,
        }
        out |= cls.pool_initial("core", s.core)
        out |= cls.pool_initial("workloads", s.workloads)
        for name in WORKLOAD_CLASSES:
            out |= cls.pool_initial(name, getattr(s.classes, name))
        return out

    def core_editor(self) -> dict:
        return self.pool_editor("core")

    def workloads_editor(self) -> dict:
        return self.pool_editor("workloads")

    def class_editors(self) -> list[tuple[str, dict]]:
        return [(_POOL_TITLES[n], self.pool_editor(n)) for n in WORKLOAD_CLASSES]


# --- database ------------------------------------------------------------------------------


class DatabaseForm(StepForm):
    slug = "database"
    attr = "database"

    def build(self) -> None:
        f = self.fields
        f["kind"] = _select(
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
        f["host"] = _text("Host", "DNS name or IP address of the PostgreSQL server.")
        f["port"] = _int("Port", "Usually 5432.")
        f["name"] = _text("Database name")
        f["user"] = _text("User", "The password goes into the Kubernetes Secret, never here.")
        if self.v2:
            f["sslmode"] = _select(
                "SSL mode",
                SSL_MODES,
                "Use require, or verify-full with your provider's CA.",
            )
        f["conn_max_age"] = _int(
            "Connection max age (seconds)", "0 closes the connection after each request."
        )
        f["size"] = _text("Volume size", "A Kubernetes quantity, e.g. 20Gi.")
        f["storage_class"] = _text("Storage class", "Leave empty for the cluster default.")

    def apply(self, plan: Plan) -> Plan:
        d = Database()
        db = Database(
            kind=self.value("kind", d.kind),
            host=self.value("host", d.host),
            port=self.value("port", d.port),
            name=self.value("name", d.name),
            user=self.value("user", d.user),
            sslmode=self.value("sslmode", d.sslmode),
            conn_max_age=self.value("conn_max_age", d.conn_max_age),
            size=self.value("size", d.size),
            storage_class=self.value("storage_class", d.storage_class),
        )
        return with_changes(plan, database=db)

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        return dict(vars(plan.database))


# --- other components ----------------------------------------------------------------------


class ComponentsForm(StepForm):
    slug = "components"
    attr = "components"

    def build(self) -> None:
        f = self.fields
        if self.v2:
            f["scheduler"] = _bool(
                "Turn on the celery scheduler",
                "v2 Community Edition needs no broker or cache unless the celery scheduler is on.",
            )
        f["broker"] = _select(
            "Broker",
            ("redis", "rabbitmq"),
            "Which message broker the scheduler uses.",
            labels={"redis": "Redis", "rabbitmq": "RabbitMQ"},
            radio=True,
        )
        managed = "Guide: on a cloud provider, think about a managed version of this dependency."
        for svc, port in (("redis", "6379"), ("rabbitmq", "5672")):
            f[f"{svc}-kind"] = _select(
                "Where does it run?",
                SERVICE_KINDS,
                managed,
                labels={"in-cluster": "In-cluster", "external": "External (managed)"},
                radio=True,
            )
            f[f"{svc}-host"] = _text("Host", "DNS name or IP address of the managed service.")
            f[f"{svc}-port"] = _int("Port", f"Usually {port}.")
        f["redis-use_password"] = _bool(
            "Redis requires a password", "The password lives in the Kubernetes Secret."
        )
        f["rabbitmq-user"] = _text("RabbitMQ user")

    def apply(self, plan: Plan) -> Plan:
        d = Components()
        comp = Components(
            scheduler=self.value("scheduler", d.scheduler),
            broker=self.value("broker", d.broker),
            redis=Redis(
                kind=self.value("redis-kind", d.redis.kind),
                host=self.value("redis-host", d.redis.host),
                port=self.value("redis-port", d.redis.port),
                use_password=self.value("redis-use_password", d.redis.use_password),
            ),
            rabbitmq=RabbitMQ(
                kind=self.value("rabbitmq-kind", d.rabbitmq.kind),
                host=self.value("rabbitmq-host", d.rabbitmq.host),
                port=self.value("rabbitmq-port", d.rabbitmq.port),
                user=self.value("rabbitmq-user", d.rabbitmq.user),
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

_STORE_PARTS = (
    "name",
    "kind",
    "bucket",
    "account",
    "secret",
    "secret_key",
    "claim",
    "host_path",
    "mount_path",
    "read_only",
)
_KIND_LABELS = {
    "s3": "Amazon S3",
    "gcs": "Google Cloud Storage",
    "azure": "Azure Blob Storage",
    "claim": "Persistent volume claim",
    "host-path": "Host path (not durable)",
}
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

    def build(self) -> None:
        for name in self.fixed_stores():
            kinds = ("claim", "host-path") if name in ("repos", "upload") else STORE_KINDS
            self.add_store_fields(name, kinds)
        self.groups.add("data")
        self.list_groups.add("data")
        for i in self.rows("data"):
            self.add_store_fields(f"data-{i}", STORE_KINDS)

    def add_store_fields(self, p: str, kinds) -> None:
        f = self.fields
        f[f"{p}-name"] = _text("Name", "Lower-case letters, digits, '-' and '_'; unique.")
        f[f"{p}-kind"] = _select(
            "Kind",
            kinds,
            "Buckets and ReadWriteMany claims are durable; a host path is lost with its node.",
            labels=_KIND_LABELS,
        )
        f[f"{p}-bucket"] = _text(
            "Bucket (or Azure container)", "The bare name, without s3:// or gs://."
        )
        f[f"{p}-account"] = _text("Azure storage account")
        f[f"{p}-secret"] = _text(
            "Credentials Secret", "An existing Kubernetes Secret holding the bucket credentials."
        )
        if not self.v2:
            f[f"{p}-secret_key"] = _text(
                "Key inside the Secret", "The key of that Secret holding the credentials file."
            )
        f[f"{p}-claim"] = _text(
            "Claim (PVC) name", "A ReadWriteMany claim, if several nodes mount it."
        )
        f[f"{p}-host_path"] = _text("Host path", "An absolute path on the node.")
        f[f"{p}-mount_path"] = _text("Mount path", "Optional; absolute path inside the containers.")
        f[f"{p}-read_only"] = _bool("Mount read-only")

    def store(self, p: str, default: Store) -> Store:
        values = {part: self.value(f"{p}-{part}", getattr(default, part)) for part in _STORE_PARTS}
        return Store(**values)

    def apply(self, plan: Plan) -> Plan:
        d = Storage()
        fixed = {name: self.store(name, getattr(d, name)) for name in self.fixed_stores()}
        data = tuple(self.store(f"data-{i}", Store(name="")) for i in self.rows("data"))
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

    def store_editor(self, p: str) -> dict:
        parts = {part: self[f"{p}-{part}"] for part in _STORE_PARTS if f"{p}-{part}" in self.fields}
        return {"prefix": p, "kind_name": f"{p}-kind", **parts}

    def fixed_editors(self) -> list[tuple[str, dict]]:
        return [(STORE_TITLES[n], self.store_editor(n)) for n in self.fixed_stores()]

    def data_editors(self) -> list[dict]:
        return [self.store_editor(f"data-{i}") for i in self.rows("data")]


# --- SSL -----------------------------------------------------------------------------------


class TlsForm(StepForm):
    slug = "ssl"
    attr = "tls"

    def build(self) -> None:
        f = self.fields
        f["ingress"] = _bool(
            "Expose Polyaxon through an ingress", "The usual way to serve a domain with TLS."
        )
        f["host"] = _text("Domain", "The host users reach Polyaxon at, e.g. polyaxon.example.com.")
        f["ingress_class"] = _text("Ingress class", "E.g. nginx.")
        f["mode"] = _select(
            "How is TLS provided?",
            TLS_MODES,
            "Guide: security is important and we strongly recommend SSL for your deployment "
            "(Nginx ingress with Let's Encrypt works well).",
            labels={
                "cert-manager": "cert-manager issues the certificate (e.g. Let's Encrypt)",
                "existing-secret": "An existing TLS Secret holds my certificate",
                "none": "No TLS (not recommended)",
            },
            radio=True,
        )
        f["issuer"] = _text("Issuer name", "E.g. letsencrypt-prod.")
        f["issuer_kind"] = _select("Issuer kind", ISSUER_KINDS)
        f["secret_name"] = _text(
            "TLS Secret name", "cert-manager writes it; otherwise it must hold your certificate."
        )
        f["service_type"] = _select(
            "Service type", SERVICE_TYPES, "How the Polyaxon gateway service is exposed."
        )

    def apply(self, plan: Plan) -> Plan:
        d = Tls()
        names = ("ingress", "host", "ingress_class", "mode", "issuer", "issuer_kind")
        values = {n: self.value(n, getattr(d, n)) for n in (*names, "secret_name", "service_type")}
        return with_changes(plan, tls=Tls(**values))

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        return dict(vars(plan.tls))


# --- security context ----------------------------------------------------------------------


class SecurityForm(StepForm):
    slug = "security-context"
    attr = "security"

    def build(self) -> None:
        f = self.fields
        f["enabled"] = _bool(
            "Run with a security context",
            "Guide: since v0.5, run all Polyaxon services and workloads as a non-root user.",
        )
        f["uid"] = _int("User id (uid)", "A non-root uid, e.g. 2222.")
        f["gid"] = _int(
            "Group id (gid)",
            "Guide: mounted volumes get a filesystem group equal to this gid.",
        )
        if self.v2:
            f["fs_group"] = _int("fsGroup", "Usually the same as the gid.")
            f["fs_group_change_policy"] = _select(
                "fsGroup change policy",
                FS_GROUP_POLICIES,
                "OnRootMismatch avoids re-chowning big volumes on every start.",
                labels={"": "Chart default"},
            )
            f["allow_privilege_escalation"] = _bool(
                "Allow privilege escalation", "Leave off: setuid binaries could gain privileges."
            )
            f["run_as_non_root"] = _bool(
                "Refuse to start containers as root (runAsNonRoot)", "A safety net; leave on."
            )

    def apply(self, plan: Plan) -> Plan:
        d = Security()
        names = (
            "enabled",
            "uid",
            "gid",
            "fs_group",
            "fs_group_change_policy",
            "allow_privilege_escalation",
            "run_as_non_root",
        )
        return with_changes(
            plan, security=Security(**{n: self.value(n, getattr(d, n)) for n in names})
        )

    @classmethod
    def initial(cls, plan: Plan) -> dict:
        return dict(vars(plan.security))


# --- secrets and admin ---------------------------------------------------------------------


class SecretsForm(StepForm):
    slug = "secrets"
    attr = "secrets"

    def build(self) -> None:
        f = self.fields
        f["name"] = _text(
            "Kubernetes Secret name",
            "Passwords and keys live in this Secret, created by the runbook from environment "
            "variables; they never enter the plan or the values file.",
            validators=[_rule(rules.dns_subdomain_problem, "secret_name_invalid")],
        )
        f["admin_user"] = _text(
            "Admin user name",
            "The first admin; the password comes from the Secret.",
            validators=[_rule(rules.polyaxon_name_problem, "admin_user_invalid")],
        )
        f["admin_email"] = _text(
            "Admin e-mail",
            "Optional.",
            validators=[_rule(rules.email_problem, "admin_email_invalid")],
        )
        f["admin_email"].widget = forms.EmailInput(attrs={"autocomplete": "email"})

    def apply(self, plan: Plan) -> Plan:
        d = Secrets()
        names = ("name", "admin_user", "admin_email")
        return with_changes(
            plan, secrets=Secrets(**{n: self.value(n, getattr(d, n)) for n in names})
        )

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
