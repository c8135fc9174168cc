"""The live preview: the whole plan with the step's unsaved input, and the session untouched."""

import re

import pytest
from django.contrib.sessions.models import Session

from tests.web.conftest import example, load, state_of

pytestmark = pytest.mark.django_db


def _post_preview(client, slug, changes):
    data = {**state_of(client).form(slug).raw, **changes}
    return client.post(f"/preview/{slug}/", data, HTTP_HX_REQUEST="true")


def test_preview_renders_the_values_with_the_unsaved_input(v2):
    html = _post_preview(v2, "database", {"host": "pg.typed.example.com"}).content.decode()
    assert html.startswith('<div id="values-preview"')
    assert "pg.typed.example.com" in html
    assert state_of(v2).build_plan().database.host == ""


def test_preview_never_writes_the_session(v2):
    key = v2.session.session_key
    before = Session.objects.get(session_key=key)
    _post_preview(v2, "database", {"host": "pg.typed.example.com"})
    _post_preview(v2, "scheduling", {"release": "other"})
    after = Session.objects.get(session_key=key)
    assert (after.session_data, after.expire_date) == (before.session_data, before.expire_date)


def test_preview_sends_findings_and_field_slots_out_of_band_without_inputs(v2):
    html = _post_preview(v2, "database", {"host": ""}).content.decode()
    assert (
        '<div id="step-findings" class="step-findings" aria-live="polite" hx-swap-oob="true">'
        in html
    )
    slot = re.search(
        r'<div id="msgs-host" class="field-msgs" hx-swap-oob="true">(.*?)</div>', html, re.S
    )
    assert slot and 'data-code="db_host_missing"' in slot.group(1)
    assert "<input" not in html and "<select" not in html


def test_preview_sends_the_slots_that_hold_messages_out_of_band(v2):
    """Only slots with a message are sent (wizard.js empties the step's slots before the swap;
    the browser test checks a fixed field's message goes), and each is one the page has."""
    page = v2.get("/step/scheduling/").content.decode()
    shown = set(re.findall(r'id="(msgs-[^"]+)" class="field-msgs"', page))

    def sent(changes):
        html = _post_preview(v2, "scheduling", changes).content.decode()
        found = re.findall(r'<div id="(msgs-[^"]+)" class="field-msgs" hx-swap-oob="true">', html)
        return set(found), html

    clean, _ = sent({})
    bad, html = sent({"core-labels-0-key": "bad key!"})
    assert bad - clean == {"msgs-core-labels-0-key"} and bad <= shown
    slot = re.search(r'<div id="msgs-core-labels-0-key"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert 'data-code="label_key_invalid"' in slot
    assert len(clean) < 20 < len(shown)


def test_preview_of_a_loaded_plan_keeps_other_steps(client):
    load(client, example("v2-two-pool-aws"))
    html = _post_preview(client, "ssl", {"host": "new.example.com"}).content.decode()
    assert "new.example.com" in html
    assert "polyaxon.c1abcdefgh.eu-west-1.rds.amazonaws.com" in html


def test_preview_is_post_only(v2):
    assert v2.get("/preview/database/").status_code == 405


def test_preview_escapes_markup_typed_into_a_value(v2):
    typed = '</code></pre><script>alert("x")</script>&amp;'
    html = _post_preview(v2, "database", {"host": typed}).content.decode()
    values = html.split('<pre id="values-yaml"', 1)[1].split("</pre>", 1)[0]
    assert "<script>" not in html and "</code></pre><script>" not in values
    assert "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert" in values and "&amp;amp;" in values


def test_a_read_only_state_reads_and_refuses_every_write(v2):
    from wizard.core.plan import Plan
    from wizard.state import WizardState

    session = v2.session  # the test client makes a new store on each access
    state = WizardState(session, read_only=True)
    assert state.target == "v2" and state.build_plan().target == "v2"
    writes = [
        lambda: state.reset("v2"),
        lambda: state.load_plan(Plan()),
        lambda: state.save_step("database", {"host": ["x"]}),
        lambda: state.edit_rows("scheduling", {}, "add", "core-labels"),
        lambda: state.meta.__setitem__("saved", {}),
    ]
    for write in writes:
        with pytest.raises(PermissionError):
            write()
    assert not session.modified
