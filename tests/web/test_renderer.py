"""wizard/renderer.py writes the same bytes as Django's widget templates, for every widget of
every step, with the attributes the field tag adds and with hostile values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard import steps
from wizard.core import codec
from wizard.core.plan import Plan
from wizard.renderer import WizardFormRenderer

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))
DJANGO, OURS = DjangoTemplates(), WizardFormRenderer()
HOSTILE = st.sampled_from(['"', "'", "<b>", "&amp;", "a\nb", "é", "", " ", "on", "0", "{{ x }}"])
TAG_ATTRS = [{}, {"aria-describedby": "help-x msgs-x", "aria-invalid": "true", "autofocus": True}]


def _rendered(form, renderer) -> list[str]:
    form.renderer = renderer
    return [form[name].as_widget(attrs=dict(attrs)) for name in form.fields for attrs in TAG_ATTRS]


def _forms(plan: Plan):
    for step in steps.STEPS:
        raw = step.form_class.raw_from_plan(plan)
        yield step.form_class(raw, target=plan.target)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_widget_of_every_step_renders_as_django_renders_it(path):
    plan = codec.from_dict(json.loads(path.read_text()))
    for form in _forms(plan):
        assert _rendered(form, OURS) == _rendered(form, DJANGO)


@pytest.mark.parametrize("target", ["v2", "v0.6"])
def test_the_default_plan_renders_as_django_renders_it(target):
    for form in _forms(Plan(target=target)):
        assert _rendered(form, OURS) == _rendered(form, DJANGO)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_hostile_values_render_as_django_renders_them(data):
    for step in steps.STEPS:
        form = step.form_class({}, target="v2")
        raw = {name: [data.draw(HOSTILE)] for name in form.fields}
        bound = step.form_class(raw, target="v2")
        assert _rendered(bound, OURS) == _rendered(bound, DJANGO)


def test_what_it_does_not_write_is_left_to_django():
    grouped = forms.Select(choices=[("Group <1>", [("a", "A")]), ("b", "B")])
    textarea = forms.Textarea()
    for widget in (grouped, textarea):
        assert widget.render("w", "a", renderer=OURS) == widget.render("w", "a", renderer=DJANGO)
    assert "<optgroup" in grouped.render("w", "a", renderer=OURS)
