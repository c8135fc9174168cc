"""The history page says what each revision changed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.web.test_saved_pages import open_wizard_on, save_new, wizard_plan

pytestmark = pytest.mark.django_db


def test_each_revision_lists_the_steps_it_changed(client):
    saved, _ = save_new(client)
    plan = wizard_plan(client)
    open_wizard_on(client, replace(plan, database=replace(plan.database, port=6543)))
    assert client.post("/plans/save/").status_code == 302
    response = client.get(f"/p/{saved.share_id}/history/")
    rows = {rev.number: steps for rev, steps in response.context["rows"]}
    assert rows == {2: [("Database", 1)], 1: None}
