"""Step forms are plain Django forms: their clean_<field>() and clean() hooks run, and the errors
they raise reach the step page next to their fields."""

import re
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from tests.web.conftest import slot_codes, step_post, summary_codes
from wizard import steps
from wizard.core.plan import Plan
from wizard.forms import SecretsForm

pytestmark = pytest.mark.django_db


class HookedSecretsForm(SecretsForm):
    def clean_admin_user(self):
        value = self.cleaned_data["admin_user"]
        if value == "root":
            raise ValidationError("Pick an admin name other than root.", code="admin_is_root")
        return value

    def clean(self):
        data = super().clean()
        if data.get("name") and data.get("name") == data.get("admin_user"):
            self.add_error(
                "name", ValidationError("Name the Secret apart from the admin.", code="same_names")
            )
        return data


@pytest.fixture
def hooked(monkeypatch):
    step = replace(steps.get("secrets"), form_class=HookedSecretsForm)
    monkeypatch.setitem(steps.BY_SLUG, "secrets", step)
    monkeypatch.setattr(
        steps, "STEPS", tuple(step if s.slug == "secrets" else s for s in steps.STEPS)
    )


def _form(**answers):
    data = {"name": ["polyaxon"], "admin_user": ["admin"], "admin_email": [""]}
    data |= {k: [v] for k, v in answers.items()}
    return HookedSecretsForm(data, target="v2")


def test_a_step_forms_clean_field_hook_runs():
    form = _form(admin_user="root")
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["admin_user"]] == ["admin_is_root"]


def test_a_step_forms_clean_hook_runs():
    form = _form(name="same", admin_user="same")
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["name"]] == ["same_names"]


def test_a_valid_step_form_is_valid():
    assert _form().is_valid()


def test_a_clean_field_hooks_value_reaches_the_plan():
    class Lower(SecretsForm):
        def clean_admin_user(self):
            return self.cleaned_data["admin_user"].lower()

    plan = Lower({"admin_user": ["Admin"]}, target="v2").apply(Plan())
    assert plan.secrets.admin_user == "admin"


def test_two_forms_of_a_step_share_no_field_objects():
    a, b = _form(), _form()
    assert all(a.fields[name] is not b.fields[name] for name in a.fields)


def test_hook_errors_reach_the_step_page_next_to_their_fields(v2, hooked):
    response = step_post(v2, "secrets", {"admin_user": "root"})
    html = response.content.decode()
    assert response.status_code == 200  # Next is refused: the step has an error
    assert "admin_is_root" in slot_codes(html, "admin_user")
    assert "admin_is_root" in summary_codes(html)


def test_form_level_hook_errors_reach_the_step_page_next_to_their_field(v2, hooked):
    html = step_post(v2, "secrets", {"name": "same", "admin_user": "same"}).content.decode()
    assert "same_names" in slot_codes(html, "name")


def test_hook_errors_reach_the_live_preview(v2, hooked):
    form = v2.post(
        "/preview/secrets/",
        {"name": "polyaxon", "admin_user": "root", "admin_email": ""},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    slot = re.search(r'<div id="msgs-admin_user"[^>]*>(.*?)</div>', form, re.S).group(1)
    assert 'data-code="admin_is_root"' in slot
