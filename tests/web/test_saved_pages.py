"""Saved plans in the browser (no JS): save from the wizard, share pages, conflicts, owner actions."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client

from wizard import plans
from wizard.core import codec
from wizard.core.plan import Plan
from wizard.core.values import to_yaml
from wizard.models import Revision, SavedPlan
from wizard.state import WizardState

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
pytestmark = pytest.mark.django_db


def example(name: str = "v2-two-pool-aws") -> Plan:
    return codec.from_dict(json.loads((EXAMPLES / f"{name}.json").read_text()))


def open_wizard_on(client: Client, plan: Plan) -> None:
    """What the user typed into the wizard, as the wizard keeps it (meta is kept)."""
    session = client.session
    WizardState(session).load_plan(plan)
    session.save()


def saved_ref(client: Client) -> dict:
    return WizardState(client.session).meta.get("saved")


def wizard_plan(client: Client) -> Plan:
    return WizardState(client.session).build_plan()


def save_new(client: Client, plan: Plan | None = None) -> tuple[SavedPlan, str]:
    open_wizard_on(client, plan or example())
    response = client.post("/plans/save/")
    assert response.status_code == 302
    key = re.fullmatch(r"/e/([^/]+)/", response["Location"]).group(1)
    return plans.get_by_key(key), key


def without_per_response_tokens(content: bytes) -> bytes:
    """The page minus what differs on every response anyway (masked CSRF token, CSP nonce)."""
    content = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", content)
    return re.sub(rb'nonce="[^"]*"', b"", content)


def share_url(saved: SavedPlan) -> str:
    saved.refresh_from_db()
    return f"/p/{saved.share_id}/"


# --- saving from the wizard -------------------------------------------------------------------


def test_first_save_creates_a_plan_and_opens_the_owner_page(client):
    saved, key = save_new(client)
    assert Revision.objects.get().data == codec.to_dict(example())
    page = client.get(f"/e/{key}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert f"/p/{saved.share_id}/" in content and f"/e/{key}/" in content
    assert saved_ref(client) == {"id": saved.edit_key_hash, "revision": 1}


def test_the_session_never_holds_the_edit_key(client):
    _, key = save_new(client)
    assert key not in json.dumps(dict(client.session.items()))


def test_saving_again_appends_a_revision(client):
    saved, _ = save_new(client)
    open_wizard_on(client, replace(example(), release="second"))
    response = client.post("/plans/save/")
    assert response.status_code == 302
    assert response["Location"] == f"/p/{saved.share_id}/r/2/"
    assert [r.data["release"] for r in Revision.objects.order_by("number")] == [
        "polyaxon",
        "second",
    ]
    assert saved_ref(client)["revision"] == 2


def test_save_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    open_wizard_on(client, example())
    assert client.post("/plans/save/").status_code == 403
    assert not SavedPlan.objects.exists()


def test_save_is_post_only(client):
    assert client.get("/plans/save/").status_code == 405


def test_save_partial_posts_to_the_save_view():
    html = render_to_string("wizard/partials/_save_actions.html", {"csrf_token": "t"})
    assert 'id="save-actions"' in html
    assert 'action="/plans/save/"' in html and 'method="post"' in html


# --- no lost update -----------------------------------------------------------------------------


@pytest.fixture
def two_editors() -> tuple[Client, Client, SavedPlan, str]:
    """Two browsers that opened the same plan at revision 1 through its edit link."""
    alice, bob = Client(), Client()
    saved, key = save_new(alice)
    assert bob.post(f"/e/{key}/open/").status_code == 302
    assert saved_ref(bob) == {"id": saved.edit_key_hash, "revision": 1}
    assert wizard_plan(bob) == example()
    return alice, bob, saved, key


def test_a_save_on_an_outdated_revision_is_refused_with_both_versions(two_editors):
    alice, bob, saved, _ = two_editors
    open_wizard_on(alice, replace(example(), release="alice"))
    assert alice.post("/plans/save/").status_code == 302
    bobs = replace(example(), namespace="bob")
    open_wizard_on(bob, bobs)
    response = bob.post("/plans/save/")
    assert response.status_code == 409
    assert response.context["conflict"].latest.number == 2
    assert json.loads(response.context["mine_json"]) == codec.to_dict(bobs)
    assert json.loads(response.context["theirs_json"])["release"] == "alice"
    assert Revision.objects.count() == 2
    assert wizard_plan(bob) == bobs  # nothing typed is lost
    assert saved_ref(bob)["revision"] == 1


def test_keep_mine_saves_the_users_version_after_the_latest(two_editors):
    alice, bob, saved, _ = two_editors
    open_wizard_on(alice, replace(example(), release="alice"))
    alice.post("/plans/save/")
    bobs = replace(example(), namespace="bob")
    open_wizard_on(bob, bobs)
    bob.post("/plans/save/")
    response = bob.post("/plans/keep-mine/", {"base": "2"})
    assert response.status_code == 302
    latest = Revision.objects.get(number=3)
    assert latest.data == codec.to_dict(bobs)
    assert Revision.objects.get(number=2).data["release"] == "alice"
    assert saved_ref(bob)["revision"] == 3


def test_keep_mine_on_a_still_older_base_conflicts_again(two_editors):
    alice, bob, _, _ = two_editors
    open_wizard_on(alice, replace(example(), release="alice"))
    alice.post("/plans/save/")
    bob.post("/plans/save/")
    open_wizard_on(alice, replace(example(), release="alice-again"))
    alice.post("/plans/save/")
    assert bob.post("/plans/keep-mine/", {"base": "2"}).status_code == 409
    assert Revision.objects.count() == 3


def test_start_from_latest_opens_the_latest_revision_in_the_wizard(two_editors):
    alice, bob, _, _ = two_editors
    alices = replace(example(), release="alice")
    open_wizard_on(alice, alices)
    alice.post("/plans/save/")
    open_wizard_on(bob, replace(example(), namespace="bob"))
    bob.post("/plans/save/")
    response = bob.post("/plans/take-latest/")
    assert response.status_code == 302
    assert wizard_plan(bob) == alices
    assert saved_ref(bob)["revision"] == 2
    assert Revision.objects.count() == 2


# --- share pages --------------------------------------------------------------------------------


def test_share_page_shows_the_latest_revision_with_findings_and_files(client):
    saved, _ = save_new(client)
    response = client.get(share_url(saved))
    assert response.status_code == 200
    assert response.context["rev"].number == 1
    assert response.context["values_yaml"] == to_yaml(example())
    assert isinstance(response.context["findings"], list)


def test_share_link_can_point_at_one_revision(client):
    saved, _ = save_new(client)
    open_wizard_on(client, replace(example(), release="second"))
    client.post("/plans/save/")
    first = client.get(f"{share_url(saved)}r/1/")
    assert first.status_code == 200
    assert first.context["plan"].release == "polyaxon" and not first.context["is_latest"]
    assert client.get(share_url(saved)).context["plan"].release == "second"


def test_unknown_or_mistyped_ids_all_give_the_same_404(client):
    saved, key = save_new(client)
    share = str(saved.share_id)
    bad = [
        "/p/00000000-0000-0000-0000-000000000000/",
        f"/p/{share.upper()}/",
        f"/p/{share[:-1]}/",
        "/p/17/",
        f"/p/{share}/r/9/",
        f"/p/{share}x/history/",
        f"/e/{key[:-1]}/",
        f"/e/{saved.edit_key_hash}/",
    ]
    responses = [client.get(url) for url in bad]
    assert {r.status_code for r in responses} == {404}
    assert len({without_per_response_tokens(r.content) for r in responses}) == 1


def test_history_lists_every_revision_newest_first(client):
    saved, _ = save_new(client)
    for release in ("two", "three"):
        open_wizard_on(client, replace(example(), release=release))
        client.post("/plans/save/")
    response = client.get(f"{share_url(saved)}history/")
    assert [r.number for r in response.context["history"]] == [3, 2, 1]


def test_diff_groups_plan_changes_by_step_and_diffs_the_values(client):
    saved, _ = save_new(client)
    before = example()
    after = replace(before, database=replace(before.database, port=6543))
    open_wizard_on(client, after)
    client.post("/plans/save/")
    response = client.get(f"{share_url(saved)}diff/", {"a": 1, "b": 2})
    assert response.status_code == 200
    assert [g.slug for g in response.context["groups"]] == ["database"]
    assert response.context["values_diff"] == plans.diff_values(
        before, after, "revision 1", "revision 2"
    )


def test_diff_of_an_unknown_revision_is_404(client):
    saved, _ = save_new(client)
    assert client.get(f"{share_url(saved)}diff/", {"a": 1, "b": 7}).status_code == 404


def test_downloads_are_the_rendered_files(client):
    saved, _ = save_new(client)
    values = client.get(f"{share_url(saved)}files/values.yaml")
    assert values.status_code == 200 and "attachment" in values["Content-Disposition"]
    assert values.content.decode() == to_yaml(example())
    plan = client.get(f"{share_url(saved)}r/1/files/plan.json")
    assert json.loads(plan.content) == codec.to_dict(example())
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{share_url(saved)}files/bundle.zip").content))
    assert any(name.endswith("values.yaml") for name in archive.namelist())
    assert client.get(f"{share_url(saved)}files/secrets.txt").status_code == 404


def test_the_share_page_shows_the_values_file_its_download_gives(client):
    # Kept chart values out of key order: the page renders the revision as the download reads
    # it (the database may reorder keys: PostgreSQL's jsonb does, SQLite does not).
    kept = {"zeta": {"y": 1, "b": 2}, "alpha": 1, "ui": {"zz": 1, "enabled": True}}
    saved, _ = save_new(client, replace(example(), kept=kept))
    page = client.get(share_url(saved)).context["values_yaml"]
    download = client.get(f"{share_url(saved)}files/values.yaml").content.decode()
    assert page == download and "zeta:" in page


def test_errors_block_rendered_downloads_but_not_the_plan(client):
    broken = replace(example(), database=replace(example().database, host=""))
    saved, _ = save_new(client, broken)
    assert client.get(f"{share_url(saved)}files/values.yaml").status_code == 422
    assert client.get(f"{share_url(saved)}files/bundle.zip").status_code == 422
    assert client.get(f"{share_url(saved)}files/plan.json").status_code == 200


# --- owner actions and fork ---------------------------------------------------------------------


def test_rotating_the_share_link_retires_the_old_one(client):
    saved, key = save_new(client)
    old = share_url(saved)
    assert client.get(f"/e/{key}/rotate/").status_code == 405
    assert client.post(f"/e/{key}/rotate/").status_code == 302
    new = share_url(saved)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get(f"/e/{key}/").status_code == 200


def test_deleting_removes_the_plan_and_both_links(client):
    saved, key = save_new(client)
    share = share_url(saved)
    assert client.post(f"/e/{key}/delete/", {"confirm": "delete"}).status_code == 200
    assert not SavedPlan.objects.exists() and not Revision.objects.exists()
    assert client.get(share).status_code == 404
    assert client.get(f"/e/{key}/").status_code == 404


def test_owner_actions_need_the_edit_key(client):
    saved, key = save_new(client)
    for action in ("rotate", "delete", "open"):
        assert client.post(f"/e/{saved.edit_key_hash}/{action}/").status_code == 404
        assert client.post(f"/e/{key}x/{action}/").status_code == 404
    assert SavedPlan.objects.count() == 1


def test_anyone_with_the_share_link_can_fork_a_revision(client):
    saved, _ = save_new(client)
    open_wizard_on(client, replace(example(), release="second"))
    client.post("/plans/save/")
    stranger = Client()
    response = stranger.post(f"{share_url(saved)}fork/", {"revision": "1"})
    assert response.status_code == 302
    new_key = re.fullmatch(r"/e/([^/]+)/", response["Location"]).group(1)
    copy = plans.get_by_key(new_key)
    assert copy.pk != saved.pk and copy.share_id != saved.share_id
    assert plans.latest(copy).data == codec.to_dict(example())
    assert plans.latest(saved).data["release"] == "second"


def test_opening_in_the_wizard_loads_the_latest_revision(client):
    saved, key = save_new(client)
    other = Client()
    assert other.post(f"/e/{key}/open/").status_code == 302
    assert wizard_plan(other) == example()
    assert saved_ref(other) == {"id": saved.edit_key_hash, "revision": 1}


def test_the_review_page_offers_save(client):
    open_wizard_on(client, example())
    response = client.get("/review/")
    assert response.status_code == 200
    assert b'action="/plans/save/"' in response.content


def test_after_opening_a_saved_plan_review_still_saves_into_it(client):
    saved, key = save_new(client)
    other = Client()
    other.post(f"/e/{key}/open/")
    assert other.get("/review/").status_code == 200
    assert other.post("/plans/save/").status_code == 302
    assert SavedPlan.objects.get().latest_number == 2


def test_the_owner_page_is_neither_cached_nor_sent_as_referrer_to_other_sites(client):
    _, key = save_new(client)
    response = client.get(f"/e/{key}/")
    assert "no-store" in response["Cache-Control"]
    # Not "no-referrer": Chromium would then post the page's forms with `Origin: null` (CSRF 403).
    assert response["Referrer-Policy"] == "same-origin"


def test_delete_without_confirmation_only_asks(client):
    saved, key = save_new(client)
    for response in (client.get(f"/e/{key}/delete/"), client.post(f"/e/{key}/delete/")):
        assert response.status_code == 200
        assert response["Referrer-Policy"] == "same-origin"
        assert b'name="confirm" value="delete"' in response.content
    assert SavedPlan.objects.filter(pk=saved.pk).exists()


def test_save_from_a_step_keeps_what_was_typed_on_that_step(client):
    open_wizard_on(client, example())
    raw = WizardState(client.session).raw("database")
    post = {name: values for name, values in raw.items()}
    post["host"] = ["typed-just-now.example.com"]
    response = client.post("/step/database/", {**post, "save": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/e/")
    assert Revision.objects.get().data["database"]["host"] == "typed-just-now.example.com"
    assert wizard_plan(client).database.host == "typed-just-now.example.com"


# --- share pages ------------------------------------------------------------------------------


def test_a_share_page_served_again_carries_each_visitors_own_token_and_nonce(client):
    saved, _ = save_new(client)
    url = share_url(saved)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    a, b = first.get(url), second.get(url)
    token = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.sub(b"", without_per_response_tokens(a.content)) == token.sub(
        b"", without_per_response_tokens(b.content)
    )
    for response in (a, b):
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert set(re.findall(rb'nonce="([^"]*)"', response.content)) == {nonce.encode()}
    mine = token.search(b.content).group(1).decode()
    forked = second.post(f"{url}fork/", {"revision": "1", "csrfmiddlewaretoken": mine})
    assert forked.status_code == 302 and forked["Location"].startswith("/e/")


def test_a_flash_message_on_a_share_page_reaches_only_its_visitor(client):
    saved, _ = save_new(client)
    url = share_url(saved)
    Client().get(f"{url}r/1/")
    open_wizard_on(client, replace(example(), release="second"))
    shown = client.post("/plans/save/", follow=True)
    assert b"Saved as revision 2." in shown.content
    assert b"Saved as revision" not in Client().get(f"{url}r/2/").content


def test_a_kept_share_page_follows_new_revisions(client):
    saved, _ = save_new(client)
    url = share_url(saved)
    assert b"This is an older revision" not in Client().get(f"{url}r/1/").content
    open_wizard_on(client, replace(example(), release="second"))
    client.post("/plans/save/")
    again = Client().get(f"{url}r/1/").content
    assert b"This is an older revision" in again and b"History (2)" in again
    assert b"<code>second</code>" in Client().get(url).content


def test_huge_or_zero_revision_numbers_are_404(client):
    saved, _ = save_new(client)
    for number in (0, 2**31, 10**30):
        assert client.get(f"{share_url(saved)}r/{number}/").status_code == 404
