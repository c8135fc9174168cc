"""WizardState: raw POST per step in the session, plans always build, meta kept until reset."""

from dataclasses import replace

import pytest
from django.contrib.sessions.backends.db import SessionStore
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import any_plans
from tests.web.conftest import EXAMPLES, example, state_of, step_post
from wizard import steps
from wizard.core import codec
from wizard.core.checks import check
from wizard.core.plan import Plan
from wizard.state import WizardState

pytestmark = pytest.mark.django_db
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("name", NAMES)
def test_load_plan_then_build_plan_gives_the_same_plan(name):
    state = WizardState(SessionStore())
    state.load_plan(example(name))
    assert state.build_plan() == example(name)
    assert state.target == example(name).target


def test_a_new_state_builds_the_default_plan_without_writing():
    session = SessionStore()
    assert WizardState(session).build_plan() == Plan()
    assert not session.modified


def test_reset_starts_from_the_target_defaults_and_clears_meta():
    state = WizardState(SessionStore())
    state.meta["saved"] = {"id": "x", "revision": 1}
    state.reset("v0.6")
    assert dict(state.meta) == {}
    assert state.build_plan() == Plan(target="v0.6")


def test_meta_survives_steps_and_load_plan(v2):
    session = v2.session
    WizardState(session).meta["saved"] = {"id": "abc", "revision": 3}
    session.save()
    step_post(v2, "database", {"host": "db"})
    assert state_of(v2).meta["saved"] == {"id": "abc", "revision": 3}
    session = v2.session
    WizardState(session).load_plan(example("v06-legacy"))
    session.save()
    assert state_of(v2).meta["saved"]["revision"] == 3


def test_setting_meta_marks_the_session_modified():
    session = SessionStore()
    state = WizardState(session)
    state.reset("v2")
    session.modified = False
    state.meta["saved"] = {"id": "a", "revision": 1}
    assert session.modified
    del state.meta["saved"]
    assert "saved" not in state.meta


def test_invalid_fields_fall_back_so_a_plan_always_builds(v2):
    step_post(v2, "security-context", {"uid": "root", "gid": "99999999999999", "fs_group": "7"})
    sec = state_of(v2).build_plan().security
    assert (sec.uid, sec.gid, sec.fs_group) == (2222, 2222, 7)


def test_only_the_steps_own_fields_are_kept(v2):
    step_post(v2, "secrets", {"evil": "x" * 100, "csrfmiddlewaretoken": "t"})
    raw = state_of(v2).raw("secrets")
    assert set(raw) == {"name", "admin_user", "admin_email"}


def test_rows_beyond_the_plan_limit_are_dropped(v2):
    rows = {f"core-labels-{i}-key": f"k{i}" for i in range(40)}
    step_post(v2, "scheduling", rows)
    assert len(state_of(v2).build_plan().scheduling.core.labels) == 32


def test_control_characters_are_flagged_and_kept_out_of_the_plan(v2):
    html = step_post(v2, "database", {"host": "db\x1b[31m.example.com"}).content.decode()
    assert "control_characters" in html
    assert state_of(v2).build_plan().database.host == "db[31m.example.com"


def test_a_damaged_session_layout_still_builds_and_saves(v2):
    session = v2.session
    session["wizard"] = {"target": "v2", "steps": ["x"], "visited": "x", "meta": 3}
    session.save()
    assert state_of(v2).build_plan() == Plan()
    assert step_post(v2, "database", {"host": "db"}).status_code == 302
    assert state_of(v2).build_plan().database.host == "db"
    state = state_of(v2)
    assert dict(state.meta) == {}


def test_kept_chart_values_survive_the_wizard_session(client, db):
    from dataclasses import replace as _replace

    from tests.plans import example
    from wizard.state import WizardState

    plan = _replace(
        example("v2-two-pool-aws"), kept={"gateway": {"replicas": 3}, "timezone": "Europe/Paris"}
    )
    session = client.session
    WizardState(session).load_plan(plan)
    session.save()
    assert WizardState(client.session).build_plan() == plan


def test_migration_notes_survive_the_wizard_session(client, db):
    from dataclasses import replace as _replace

    from tests.plans import example
    from wizard.core.plan import MigrationNote
    from wizard.state import WizardState

    plan = _replace(
        example("v2-two-pool-aws"),
        migration=(MigrationNote("serviceType", "use gateway.service.type"),),
    )
    session = client.session
    WizardState(session).load_plan(plan)
    session.save()
    assert WizardState(client.session).build_plan() == plan


# --- a step's raw data is stored in the session as plain JSON -----------------------------------

_any_text = st.text(st.characters(exclude_categories=()), max_size=8)  # surrogates too


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_any_text, st.lists(_any_text, min_size=1, max_size=3), max_size=8))
def test_raw_data_survives_a_saved_session_exactly(raw):
    session = SessionStore()
    WizardState(session).reset("v2")
    session["wizard"]["steps"]["secrets"] = raw
    session.save()
    assert WizardState(SessionStore(session.session_key)).raw("secrets") == raw


def test_each_step_is_stored_as_a_dict_of_lists_of_strings():
    session = SessionStore()
    WizardState(session).load_plan(example(NAMES[0]))
    for raw in session["wizard"]["steps"].values():
        assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in raw.values())


def test_a_damaged_step_falls_back_to_the_defaults():
    session = SessionStore()
    state = WizardState(session)
    state.reset("v2")
    session["wizard"]["steps"]["database"] = {"host": "not a list"}
    assert state.build_plan().database == Plan().database


# --- the live preview starts from the plan kept at the last write ------------------------------


def _kept_plan(session) -> dict:
    return session["wizard"]["plan"]["plan"]


def _built(state: WizardState) -> dict:
    plan = codec.to_dict(state.build_plan())
    del plan["kept"]
    return plan


def test_every_write_keeps_the_plan_the_steps_build():
    session = SessionStore()
    state = WizardState(session)
    state.reset("v0.6")
    assert _kept_plan(session) == _built(state)
    state.load_plan(example("v2-two-pool-aws"))
    assert _kept_plan(session) == _built(state)
    state.save_step("database", {**state.raw("database"), "host": ["db.internal"]})
    assert codec.from_dict(_kept_plan(session)).database.host == "db.internal"
    assert _kept_plan(session) == _built(state)
    state.edit_rows("scheduling", state.raw("scheduling"), "add", "core-labels")
    assert _kept_plan(session) == _built(state)
    state.edit_rows("scheduling", state.raw("scheduling"), "remove", "core-labels-0")
    assert _kept_plan(session) == _built(state)


def _same_preview(state: WizardState, slug: str, raw: dict) -> None:
    """`preview` (one step's forms on the kept plan) gives what `build` (every step) gives: the
    same plan, and the same messages next to the same fields."""
    fast_plan, fast_form = state.preview(slug, raw)
    full_plan, forms = state.build({slug: raw})
    assert fast_plan == full_plan
    fast_form.attach(check(fast_plan))
    forms[slug].attach(check(full_plan))
    assert fast_form.messages == forms[slug].messages


@settings(max_examples=60, deadline=None)
@given(stored=any_plans(), typed=any_plans(), slug=st.sampled_from(steps.SLUGS), data=st.data())
def test_the_preview_equals_a_full_build(stored, typed, slug, data):
    session = SessionStore()
    state = WizardState(session)
    state.load_plan(stored)
    # What is typed: another plan's answers for this step (as the same target's page posts
    # them), with one value replaced by anything at all, or dropped.
    raw = steps.get(slug).form_class.raw_from_plan(replace(typed, target=stored.target))
    if raw:
        name = data.draw(st.sampled_from(sorted(raw)))
        value = data.draw(st.none() | _any_text.filter(lambda t: "\x00" not in t))
        raw = {k: v for k, v in raw.items() if k != name or value is not None}
        if value is not None:
            raw[name] = [value]
    _same_preview(state, slug, raw)


@pytest.mark.parametrize("slug", steps.SLUGS)
@pytest.mark.parametrize("stored", ["v2-per-class-gke", "v06-legacy"])
def test_the_preview_equals_a_full_build_with_any_one_field_dropped_or_wrong(stored, slug):
    state = WizardState(SessionStore())
    state.load_plan(example(stored))
    raw = state.raw(slug)
    for name in raw:
        _same_preview(state, slug, {k: v for k, v in raw.items() if k != name})
        _same_preview(state, slug, {**raw, name: ["x\x1b:1e3"]})


def test_a_kept_plan_that_does_not_match_the_steps_is_not_used():
    session = SessionStore()
    state = WizardState(session)
    state.load_plan(example("v2-two-pool-aws"))
    raw = {**state.raw("ssl"), "host": ["typed.example.com"]}
    kept = session["wizard"]["plan"]
    damages = {
        "missing": lambda: session["wizard"].pop("plan"),
        "not a dict": lambda: session["wizard"].update(plan="x"),
        "the layout without a fingerprint": lambda: session["wizard"].update(plan=kept["plan"]),
        "another fingerprint": lambda: session["wizard"].update(plan={**kept, "from": "x"}),
        "unreadable": lambda: session["wizard"].update(plan={**kept, "plan": {"version": 99}}),
        # a step changed without a new kept plan (older code writing the same session)
        "steps changed": lambda: session["wizard"]["steps"]["database"].update(host=["new.db"]),
    }
    for name, damage in damages.items():
        state.load_plan(example("v2-two-pool-aws"))
        damage()
        _same_preview(state, "ssl", raw)
        plan = state.preview("ssl", raw)[0]
        assert plan.tls.host == "typed.example.com", name
        assert plan.database.host == state.build_plan().database.host, name
