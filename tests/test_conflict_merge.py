"""The conflict page's merge (wizard/share_views.py `merge_both`), without a browser."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.test import Client

from tests.web.test_saved_pages import example, open_wizard_on, save_new, wizard_plan
from wizard.models import Revision

pytestmark = pytest.mark.django_db


def _both_edit(client: Client, theirs_host: str, my_host: str) -> Client:
    """`client` saved revision 1 and opened it; another browser saved revision 2 first."""
    _, key = save_new(client)
    other = Client()
    other.post(f"/e/{key}/open/")
    open_wizard_on(
        other, replace(wizard_plan(other), database=replace(example().database, host=theirs_host))
    )
    assert other.post("/plans/save/").status_code == 302
    plan = wizard_plan(client)
    open_wizard_on(client, replace(plan, database=replace(plan.database, host=my_host)))
    assert client.post("/plans/save/").status_code == 409
    return client


def test_a_merge_without_a_choice_for_a_field_both_changed_asks_again(client):
    _both_edit(client, "theirs.example.com", "mine.example.com")
    response = client.post("/plans/merge/", {"latest": "2"})
    assert response.status_code == 409 and response.context["choose"] is True
    assert Revision.objects.count() == 2


def test_a_merge_keeps_the_chosen_value_and_loads_it_into_the_wizard(client):
    _both_edit(client, "theirs.example.com", "mine.example.com")
    response = client.post("/plans/merge/", {"latest": "2", "choice:database.host": "theirs"})
    assert response.status_code == 302
    assert Revision.objects.get(number=3).data["database"]["host"] == "theirs.example.com"
    assert wizard_plan(client).database.host == "theirs.example.com"


def test_a_merge_against_a_stale_latest_shows_the_conflict_again(client):
    _both_edit(client, "theirs.example.com", "mine.example.com")
    response = client.post("/plans/merge/", {"latest": "1", "choice:database.host": "mine"})
    assert response.status_code == 409
    assert Revision.objects.count() == 2
