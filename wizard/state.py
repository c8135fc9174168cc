"""The wizard's state in the session: the target chart, each step's raw POST, and `meta`.

Raw POST is kept valid or not, so nothing typed is ever lost; `build_plan()` re-binds every
step's form to it and always gets a plan. Only the methods that say so write the session
(`reset`, `load_plan`, `save_step`, `meta[...] = ...`): the live preview never does.

Session layout under "wizard": {"target": "v2", "steps": {slug: "<url-encoded raw data>"},
"visited": [slug, ...], "meta": {...}}. A step's raw data is kept as one url-encoded string: the
session is decoded and encoded on every request, and a string is several times cheaper to carry
than a dict of lists; it is also the cache key of the step's plan section, as is. (The earlier
layout, {slug: {name: [values]}}, is still read.)
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import fields, replace
from urllib.parse import parse_qsl, urlencode

from wizard import steps
from wizard.core import codec, secretfilter
from wizard.core.plan import TARGETS, Plan
from wizard.forms import RawData, StepForm, add_row, raw_of, remove_row

SESSION_KEY = "wizard"


class _Meta(MutableMapping):
    """The session's meta dict: assigning or deleting a top-level key marks the session modified."""

    def __init__(self, state: WizardState):
        self._state = state

    def _dict(self, create: bool = False) -> dict:
        data = self._state._stored(create=create)
        meta = data.get("meta") if data is not None else None
        return meta if isinstance(meta, dict) else {}

    def __getitem__(self, key):
        return self._dict()[key]

    def __setitem__(self, key, value) -> None:
        self._dict(create=True)[key] = value
        self._state.session.modified = True

    def __delitem__(self, key) -> None:
        del self._dict(create=True)[key]
        self._state.session.modified = True

    def __iter__(self) -> Iterator:
        return iter(dict(self._dict()))

    def __len__(self) -> int:
        return len(self._dict())

    def __repr__(self) -> str:
        return f"meta({self._dict()!r})"


_UNREAD = object()


class WizardState:
    """`read_only` (the live preview): reads the session once, and any write raises."""

    def __init__(self, session, *, read_only: bool = False):
        self.session = session
        self.read_only = read_only
        self._read: dict | None | object = _UNREAD

    # storage ----------------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.read_only:
            raise PermissionError(
                "this wizard state is read-only (the live preview writes nothing)"
            )

    def _stored(self, create: bool = False) -> dict | None:
        if self.read_only:
            if create:
                self._check_writable()
            if self._read is _UNREAD:
                found = self.session.get(SESSION_KEY)
                self._read = found if isinstance(found, dict) else None
            return self._read  # type: ignore[return-value]
        data = self.session.get(SESSION_KEY)
        if not isinstance(data, dict):
            if not create:
                return None
            self.reset("v2")
            data = self.session[SESSION_KEY]
        if create:  # repair a damaged layout before writing into it
            for key, kind in (("steps", dict), ("visited", list), ("meta", dict)):
                if not isinstance(data.get(key), kind):
                    data[key] = kind()
        return data

    @property
    def started(self) -> bool:
        return self._stored() is not None

    @property
    def target(self) -> str:
        data = self._stored() or {}
        target = data.get("target")
        # The constant itself, not the session's copy: plan parts are remembered by identity.
        return TARGETS[TARGETS.index(target)] if target in TARGETS else "v2"

    @property
    def meta(self) -> MutableMapping:
        """Other features' notes about this plan (e.g. meta["saved"]); kept until `reset`."""
        return _Meta(self)

    @meta.setter
    def meta(self, value: dict) -> None:
        self._stored(create=True)["meta"] = dict(value)
        self.session.modified = True

    @property
    def visited(self) -> set[str]:
        found = (self._stored() or {}).get("visited")
        return {s for s in found if isinstance(s, str)} if isinstance(found, list) else set()

    # writes -----------------------------------------------------------------------------------

    def reset(self, target: str) -> None:
        """Start a new plan for `target` with the guide's defaults; clears meta."""
        target = target if target in TARGETS else "v2"
        self._check_writable()
        self.session[SESSION_KEY] = {
            "target": target,
            "steps": _raw_steps(Plan(target=target)),
            "visited": [],
            "meta": {},
        }

    def load_plan(self, plan: Plan) -> None:
        """Replace every step's data by the plan's values (meta is kept: set it after loading)."""
        meta = dict((self._stored() or {}).get("meta", {}))
        self._check_writable()
        self.session[SESSION_KEY] = {
            "target": plan.target if plan.target in TARGETS else "v2",
            "steps": _raw_steps(plan),
            "visited": list(steps.SLUGS),
            "meta": meta,
            # Chart values the wizard does not manage (an imported file's), re-emitted unchanged,
            # and the notes of a 0.6 -> v2 migration: both JSON through the codec.
            "kept": plan.kept,
            "migration": codec.to_dict(plan)["migration"],
        }

    def save_step(self, slug: str, data) -> StepForm:
        """Keep what was posted for a step (only the step's own fields), valid or not; returns the
        step's form bound to it (for `build(bound=...)`)."""
        form = self.form(slug, raw_of(data))
        stored = self._stored(create=True)
        kept = {k: v for k, v in form.raw.items() if k in form.fields}
        stored["steps"][slug] = encode_raw(_without_secrets(kept))
        if slug not in stored["visited"]:
            stored["visited"].append(slug)
        self.session.modified = True
        return form

    def edit_rows(self, slug: str, data, kind: str, target: str) -> tuple[str | None, str]:
        """Keep what was posted, with a row added to list `target` ("add") or row `target`
        removed ("remove"). Returns the field to focus (a new row's first field) and an anchor."""
        form = self.form(slug, raw_of(data))
        raw = {k: v for k, v in form.raw.items() if k in form.fields}
        focus, anchor = None, target
        if kind == "add" and target in form.list_groups:
            raw, focus = add_row(raw, target)
            anchor = focus or target
        elif kind == "remove" and target.rsplit("-", 1)[0] in form.list_groups:
            raw = remove_row(raw, target)
            anchor = target.rsplit("-", 1)[0]
            focus = f"add:{anchor}"  # the row is gone: its list's Add button takes the focus
        stored = self._stored(create=True)
        stored["steps"][slug] = encode_raw(_without_secrets(raw))
        self.session.modified = True
        return focus, anchor

    # reads ------------------------------------------------------------------------------------

    def raw(self, slug: str) -> RawData:
        found = self._stored_raw(slug)
        if isinstance(found, str):
            return decode_raw(found)
        return found if found is not None else self._default_raw(slug)

    def _stored_raw(self, slug: str) -> str | RawData | None:
        """The step's raw data as stored (a string, or a dict in the earlier layout), else None."""
        steps_data = (self._stored() or {}).get("steps")
        found = steps_data.get(slug) if isinstance(steps_data, dict) else None
        if isinstance(found, str):
            return found
        if isinstance(found, dict) and all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in found.values()
        ):
            return found
        return None

    def _default_raw(self, slug: str) -> RawData:
        return steps.get(slug).form_class.raw_from_plan(Plan(target=self.target))

    def form(self, slug: str, data: RawData | None = None) -> StepForm:
        step = steps.get(slug)
        return step.form_class(self.raw(slug) if data is None else data, target=self.target)

    @property
    def kept(self) -> dict:
        found = (self._stored() or {}).get("kept")
        return found if isinstance(found, dict) else {}

    @property
    def migration(self) -> tuple:
        found = (self._stored() or {}).get("migration")
        try:
            return codec.from_dict({"migration": found}).migration if found else ()
        except codec.PlanFormatError:
            return ()

    def build(
        self,
        overrides: dict[str, RawData] | None = None,
        only: str | None = None,
        bound: StepForm | None = None,
    ) -> tuple[Plan, dict[str, StepForm]]:
        """The plan and the bound form of every step (`overrides` replaces steps' data unsaved).

        With `only`, just that step's form is returned: the other steps' answers come from a
        per-process cache keyed by their raw data, so the live preview binds one form, not seven.
        `bound` is that step's form already bound to its current data (see `save_step`).
        """
        overrides = overrides or {}
        target = self.target
        plan = Plan(target=target, kept=self.kept, migration=self.migration)
        forms = {}
        changes: dict = {}
        for step in steps.STEPS:
            data = overrides.get(step.slug)
            if only is not None and step.slug != only:
                if data is None:
                    data = self._stored_raw(step.slug)
                    data = self._default_raw(step.slug) if data is None else data
                changes |= _section_changes(step, data, target)
                continue
            form = bound if bound is not None and bound.slug == step.slug else None
            form = form or self.form(step.slug, data)
            changes |= _changes_of(form.apply(Plan(target=target)), target)
            forms[step.slug] = form
        return replace(plan, **changes), forms

    def build_plan(self) -> Plan:
        """The plan from every step's stored data; invalid answers fall back, so it always builds."""
        return self.build(only="")[0]


_SECTIONS_CACHE: dict[tuple, dict] = {}
_SECTIONS_CACHE_MAX = 1024
_PLAN_FIELDS = tuple(f.name for f in fields(Plan))


def _changes_of(applied: Plan, target: str) -> dict:
    """The top-level plan fields a step's `apply` set (each step's apply reads only its own data)."""
    base = _BASE_PLANS.get(target) or Plan(target=target)
    out = {}
    for name in _PLAN_FIELDS:
        value, default = getattr(applied, name), getattr(base, name)
        if value is not default and value != default:
            out[name] = value
    return out


_BASE_PLANS = {target: Plan(target=target) for target in TARGETS}


def _section_changes(step: steps.Step, raw: str | RawData, target: str) -> dict:
    # A stored string is its own key; a dict of lists of str has an exact repr. ("s", "d" keep
    # the two kinds apart.)
    key = (
        (step.slug, target, "s", raw)
        if isinstance(raw, str)
        else (step.slug, target, "d", repr(raw))
    )
    found = _SECTIONS_CACHE.get(key)
    if found is None:
        data = decode_raw(raw) if isinstance(raw, str) else raw
        found = _changes_of(step.form_class(data, target=target).apply(Plan(target=target)), target)
        if len(_SECTIONS_CACHE) >= _SECTIONS_CACHE_MAX:
            _SECTIONS_CACHE.clear()
        _SECTIONS_CACHE[key] = found
    return found


def _raw_steps(plan: Plan) -> dict[str, str]:
    return {step.slug: encode_raw(step.form_class.raw_from_plan(plan)) for step in steps.STEPS}


def encode_raw(raw: RawData) -> str:
    """A step's raw data as one url-encoded string (`decode_raw` gives it back exactly: names in
    order, every value of each; surrogatepass carries any str)."""
    pairs = [(name, value) for name, values in raw.items() for value in values]
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def decode_raw(text: str) -> RawData:
    out: RawData = {}
    for name, value in parse_qsl(
        text, keep_blank_values=True, encoding="utf-8", errors="surrogatepass"
    ):
        out.setdefault(name, []).append(value)
    return out


def _without_secrets(raw: dict) -> dict:
    """Raw step data with every value that carries a credential (user:password@, a private key)
    blanked: the form reported it (`secret_in_field`); the session never keeps it (issue 12)."""
    if not any(secretfilter.secret_text(v) for vs in raw.values() for v in vs):
        return raw
    return {k: ["" if secretfilter.secret_text(v) else v for v in vs] for k, vs in raw.items()}
