"""The wizard's state in the session: the target chart, each step's raw POST, and `meta`.

Raw POST is kept valid or not, so nothing typed is ever lost; `build()` re-binds every step's
form to it and always gets a plan. Only the methods that say so write the session (`reset`,
`load_plan`, `save_step`, `edit_rows`, `meta[...] = ...`): the live preview never does.

Every write also keeps the plan those steps build ("plan": `codec.to_dict` without `kept`, and
the fingerprint of the data and code it was built from): a keystroke's preview (`preview()`)
starts from it and binds the forms of the one step being typed, not all seven. Its figure
(`make bench`, capacity row, docs/performance.md): preview p95 9 to 13 ms with it, 15 to 34
ms without it on a quiet machine, and earlier runs without it missed the 50 ms target in 4 of 7
runs; it saves about a third of the CPU of a preview. The pages, the review and the downloads
still build from the raw data (`build()`); when the kept plan is missing, unreadable, for another
target or built from other data or code, the preview does too.

Session layout under "wizard", plain JSON: {"target": "v2", "steps": {slug: {name: [values]}},
"visited": [slug, ...], "meta": {...}, "kept": {...}, "migration": [...],
"plan": {"from": fingerprint, "plan": {...}}}. The cluster's nodes, if the user gave them, sit
beside it under "wizard_nodes" as `inventory.to_document` (never the pasted text): they describe
the cluster, not the plan, so starting a new plan keeps them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from wizard import steps
from wizard.core import codec, inventory, secretfilter
from wizard.core.plan import TARGETS, Plan, with_changes
from wizard.forms import RawData, StepForm, add_row, raw_of, remove_row

SESSION_KEY = "wizard"
NODES_KEY = "wizard_nodes"


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


def _is_raw(found) -> bool:
    return isinstance(found, dict) and all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in found.values()
    )


class WizardState:
    """`read_only` (the live preview): any write raises."""

    def __init__(self, session, *, read_only: bool = False):
        self.session = session
        self.read_only = read_only

    def _stored(self, create: bool = False) -> dict | None:
        data = self.session.get(SESSION_KEY)
        if not create:
            return data if isinstance(data, dict) else None
        self._writable()
        if not isinstance(data, dict):
            self.reset("v2")
            data = self.session[SESSION_KEY]
        for key, kind in (("steps", dict), ("visited", list), ("meta", dict)):
            if not isinstance(data.get(key), kind):  # repair a damaged layout before writing
                data[key] = kind()
        return data

    @property
    def started(self) -> bool:
        return self._stored() is not None

    @property
    def target(self) -> str:
        target = (self._stored() or {}).get("target")
        return target if target in TARGETS else "v2"

    @property
    def meta(self) -> MutableMapping:
        """Other features' notes about this plan (e.g. meta["saved"]); kept until `reset`."""
        return _Meta(self)

    @property
    def visited(self) -> set[str]:
        found = (self._stored() or {}).get("visited")
        return {s for s in found if isinstance(s, str)} if isinstance(found, list) else set()

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

    @property
    def nodes(self) -> inventory.Inventory | None:
        """The node inventory the user gave (None without one, or if the stored one is damaged)."""
        found = self.session.get(NODES_KEY)
        if found is None:
            return None
        try:
            return inventory.from_document(found)
        except inventory.InventoryError:
            return None

    # writes -----------------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise PermissionError(
                "this wizard state is read-only (the live preview writes nothing)"
            )

    def keep_nodes(self, nodes: inventory.Inventory, max_bytes: int) -> bool:
        """Keep the trimmed inventory, unless the session would then exceed `max_bytes` encoded
        (False: nothing changed)."""
        document = inventory.to_document(nodes)
        items = {**dict(self.session.items()), NODES_KEY: document}
        if len(self.session.encode(items)) > max_bytes:
            return False
        self._writable()
        self.session[NODES_KEY] = document
        return True

    def forget_nodes(self) -> None:
        if NODES_KEY in self.session:
            self._writable()
            del self.session[NODES_KEY]

    def _write(self, data: dict) -> None:
        self._writable()
        self.session[SESSION_KEY] = data
        self._keep_plan()

    def _keep_plan(self) -> None:
        """Keep the plan the stored steps build, for `preview()` (after every change to them),
        with the fingerprint of what it was built from."""
        plan = codec.to_dict(self.build_plan())
        del plan["kept"]  # stored once, under "kept"
        data = self.session[SESSION_KEY]
        data["plan"] = {"from": _fingerprint(data), "plan": plan}

    def reset(self, target: str) -> None:
        """Start a new plan for `target` with the guide's defaults; clears meta."""
        target = target if target in TARGETS else "v2"
        self._write(
            {"target": target, "steps": _raw_steps(Plan(target=target)), "visited": [], "meta": {}}
        )

    def load_plan(self, plan: Plan) -> None:
        """Replace every step's data by the plan's values (meta is kept: set it after loading)."""
        meta = dict((self._stored() or {}).get("meta") or {})
        self._write(
            {
                "target": plan.target if plan.target in TARGETS else "v2",
                "steps": _raw_steps(plan),
                "visited": list(steps.SLUGS),
                "meta": meta,
                # Chart values the wizard does not manage (an imported file's), re-emitted
                # unchanged, and the notes of a 0.6 -> v2 migration: both JSON through the codec.
                "kept": plan.kept,
                "migration": codec.to_dict(plan)["migration"],
            }
        )

    def _keep(self, slug: str, raw: RawData, visited: bool) -> None:
        stored = self._stored(create=True)
        stored["steps"][slug] = _without_secrets(raw)
        if visited and slug not in stored["visited"]:
            stored["visited"].append(slug)
        self._keep_plan()
        self.session.modified = True

    def save_step(self, slug: str, data) -> None:
        """Keep what was posted for a step (only the step's own fields), valid or not."""
        _, raw = self._posted(slug, data)
        self._keep(slug, raw, visited=True)

    def edit_rows(self, slug: str, data, kind: str, target: str) -> tuple[str | None, str]:
        """Keep what was posted, with a row added to list `target` ("add") or row `target`
        removed ("remove"). Returns the field to focus (a new row's first field) and an anchor."""
        form, raw = self._posted(slug, data)
        focus, anchor = None, target
        if kind == "add" and target in form.lists:
            raw, focus = add_row(raw, target)
            anchor = focus or target
        elif kind == "remove" and target.rsplit("-", 1)[0] in form.lists:
            raw = remove_row(raw, target)
            anchor = target.rsplit("-", 1)[0]
            focus = f"add:{anchor}"  # the row is gone: its list's Add button takes the focus
        self._keep(slug, raw, visited=False)
        return focus, anchor

    def _posted(self, slug: str, data) -> tuple[StepForm, RawData]:
        """The step's form bound to what was posted, and the posted values of its own fields."""
        form = self.form(slug, raw_of(data))
        return form, {k: v for k, v in form.raw.items() if k in form.field_names}

    # reads ------------------------------------------------------------------------------------

    def raw(self, slug: str) -> RawData:
        stored = (self._stored() or {}).get("steps")
        found = stored.get(slug) if isinstance(stored, dict) else None
        if _is_raw(found):
            return found
        return steps.get(slug).form_class.raw_from_plan(Plan(target=self.target))

    def form(self, slug: str, data: RawData | None = None) -> StepForm:
        step = steps.get(slug)
        return step.form_class(self.raw(slug) if data is None else data, target=self.target)

    def build(
        self, overrides: dict[str, RawData] | None = None
    ) -> tuple[Plan, dict[str, StepForm]]:
        """The plan and the bound form of every step (`overrides` replaces steps' data unsaved)."""
        overrides = overrides or {}
        plan = Plan(target=self.target, kept=self.kept, migration=self.migration)
        forms = {}
        for step in steps.STEPS:
            forms[step.slug] = form = self.form(step.slug, overrides.get(step.slug))
            plan = form.apply(plan)
        return plan, forms

    def preview(self, slug: str, data: RawData) -> tuple[Plan, StepForm]:
        """The plan with step `slug` answered by `data` (unsaved), and that step's bound form:
        `build({slug: data})` for the price of one step's forms (the module docstring says why)."""
        stored = self._stored() or {}
        kept = stored.get("plan")
        base = None
        if isinstance(kept, dict) and kept.get("from") == _fingerprint(stored):
            try:
                base = codec.from_dict(kept.get("plan"))
            except codec.PlanFormatError:
                pass
        if base is None or base.target != self.target:
            plan, forms = self.build({slug: data})
            return plan, forms[slug]
        form = self.form(slug, data)
        return form.apply(with_changes(base, kept=self.kept)), form

    def build_plan(self) -> Plan:
        """The plan from every step's stored data; invalid answers fall back, so it always builds."""
        return self.build()[0]


def _code_fingerprint() -> str:
    """The wizard's own source: a kept plan is used only by the code that built it."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


_CODE = _code_fingerprint()


def _fingerprint(stored: dict) -> str:
    """What a kept plan is built from: the stored target, steps, kept values and migration notes,
    and the code. A plan kept by other code (a rollback, a rolling deploy) or before the steps
    changed does not match, and the preview builds from the steps."""
    inputs = [_CODE, *(stored.get(key) for key in ("target", "steps", "kept", "migration"))]
    # In the order the session keeps them (its JSON round trip keeps the order of keys).
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def _raw_steps(plan: Plan) -> dict[str, RawData]:
    return {step.slug: step.form_class.raw_from_plan(plan) for step in steps.STEPS}


def _without_secrets(raw: dict) -> dict:
    """Raw step data with every value that carries a credential (user:password@, a private key)
    blanked: the form reported it (`secret_in_field`); the session never keeps it (issue 12)."""
    if not any(secretfilter.secret_text(v) for vs in raw.values() for v in vs):
        return raw
    return {k: ["" if secretfilter.secret_text(v) else v for v in vs] for k, vs in raw.items()}
