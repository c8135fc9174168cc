"""Forms share their fields by shape and memoize cleaning (wizard/forms.py): no state may leak."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import forms as forms_module
from wizard.core.plan import Plan
from wizard.forms import DatabaseForm, SchedulingForm


def raw(**values) -> dict[str, list[str]]:
    return {name: [value] for name, value in values.items()}


def test_forms_of_one_shape_share_fields_but_not_answers():
    good = SchedulingForm(raw(release="plx", namespace="ml"), target="v2")
    bad = SchedulingForm(raw(release="Bad_Name\x01", namespace="ml"), target="v2")
    again = SchedulingForm(raw(release="plx", namespace="ml"), target="v2")
    assert good.fields is bad.fields is again.fields  # built once for this shape
    assert "release" in bad.errors and "release" not in good.errors
    assert "release" not in again.errors  # the memo of the bad value did not stick to others
    assert good.apply(Plan()).release == again.apply(Plan()).release == "plx"


def test_a_memoized_error_is_the_same_error_each_time():
    first = SchedulingForm(raw(release="x" * 60), target="v2").errors["release"]
    second = SchedulingForm(raw(release="x" * 60), target="v2").errors["release"]
    assert first == second and first


def test_the_shape_follows_the_rows_and_the_target():
    one = SchedulingForm(raw(**{"core-labels-0-key": "a"}), target="v2")
    two = SchedulingForm(raw(**{"core-labels-0-key": "a", "core-labels-1-key": "b"}), target="v2")
    assert one.fields is not two.fields
    assert "core-labels-1-key" in two.fields and "core-labels-1-key" not in one.fields
    assert "sslmode" in DatabaseForm({}, target="v2").fields
    assert "sslmode" not in DatabaseForm({}, target="v0.6").fields


def test_attached_messages_stay_with_their_form():
    a = DatabaseForm(raw(port="not a number"), target="v2")
    b = DatabaseForm(raw(port="5432"), target="v2")
    a.attach([])
    b.attach([])
    assert a.messages_for("port") and not b.messages_for("port")


VALUES = st.sampled_from(["plx", "", "Bad_Name\x01", "x" * 60, "ml", "5432", "nope", "on"])
FIELDS = ["release", "namespace", "mode", "spread_core", "core-labels-0-key", "core-taint"]


def cleaning(form) -> tuple:
    errors = [(name, [e.code for e in errs.as_data()]) for name, errs in form.errors.items()]
    return errors, dict(form.cleaned_data), {n: form.value(n, None) for n in form.fields}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6), min_size=1, max_size=6)
)
def test_a_form_cleans_the_same_whatever_forms_of_its_shape_came_before(history):
    """full_clean re-cleans only what changed since the shape's last form: compare each form of a
    sequence with one cleaned from scratch (the memos emptied first)."""
    for values in history:
        data = {"core-labels-0-key": ["k"], **raw(**values)}
        incremental = SchedulingForm(data, target="v2")
        forms_module._LAST_CLEAN.clear()
        for field in incremental.fields.values():
            field.__dict__.pop("_wizard_cleaned", None)
        fresh = SchedulingForm(data, target="v2")
        assert cleaning(incremental) == cleaning(fresh)
