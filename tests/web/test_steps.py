"""Each step without JavaScript (GET, Next, Back, invalid input kept, errors by their fields),
then the same URL as htmx asks for it (a partial)."""

import pytest

from tests.web.conftest import slot_codes, state_of, step_post, summary_codes
from wizard.steps import SLUGS

pytestmark = pytest.mark.django_db


def test_start_page_offers_a_new_plan_and_the_import_page(client):
    html = client.get("/").content.decode()
    assert 'name="target"' in html and 'value="v0.6"' in html
    assert 'href="/import/"' in html
    assert client.get("/import/").status_code == 200


def test_starting_a_plan_sets_the_target_and_opens_the_first_step(client):
    response = client.post("/", {"target": "v0.6"})
    assert response.status_code == 302 and response.url == "/step/scheduling/"
    assert state_of(client).target == "v0.6"
    assert state_of(client).build_plan().target == "v0.6"


def test_an_unknown_target_is_refused_on_the_start_page(client):
    response = client.post("/", {"target": "v9"})
    assert response.status_code == 200
    assert not state_of(client).started


@pytest.mark.parametrize("slug", SLUGS)
def test_every_step_renders_its_form_and_the_values_preview(v2, slug):
    html = v2.get(f"/step/{slug}/").content.decode()
    assert 'id="step-form"' in html and 'id="values-preview"' in html
    assert f'hx-post="/preview/{slug}/"' in html and 'hx-sync="this:replace"' in html
    assert 'aria-current="step"' in html
    assert "<html" in html


@pytest.mark.parametrize("slug", SLUGS)
def test_every_step_with_hx_request_is_a_partial(v2, slug):
    response = v2.get(f"/step/{slug}/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="step-body"')
    assert 'id="step-nav" class="step-nav" aria-label="Wizard steps" hx-swap-oob="true"' in html


def test_unknown_step_is_a_404_in_the_product_look(v2):
    response = v2.get("/step/nope/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Polyaxon production wizard" in html and "Traceback" not in html


def test_next_on_a_step_without_errors_goes_to_the_following_step(v2):
    response = step_post(v2, "scheduling", {"registry_connection": "registry"})
    assert response.status_code == 302 and response.url == "/step/database/"


def test_next_on_the_last_step_goes_to_the_review(v2):
    response = step_post(v2, "secrets", {})
    assert response.status_code == 302 and response.url == "/review/"


def test_next_with_errors_stays_on_the_step_and_shows_them_by_their_fields(v2):
    response = step_post(v2, "database", {"host": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "db_host_missing" in slot_codes(html, "host")
    assert "db_host_missing" in summary_codes(html)
    assert 'href="#id_host"' in html
    assert 'aria-invalid="true"' in html


def test_back_keeps_invalid_input_and_shows_its_error_on_return(v2):
    response = step_post(v2, "database", {"port": "five", "host": "db.example.com"}, "back")
    assert response.status_code == 302 and response.url == "/step/scheduling/"
    html = v2.get("/step/database/").content.decode()
    assert 'value="five"' in html
    assert "invalid" in slot_codes(html, "port")
    assert state_of(v2).build_plan().database.port == 5432  # the default stands in


def test_back_on_the_first_step_returns_to_the_start_page(v2):
    response = step_post(v2, "scheduling", {}, "back")
    assert response.url == "/"


def test_an_out_of_range_port_reaches_the_plan_and_the_checks(v2):
    html = step_post(v2, "database", {"port": "70000", "host": "db"}).content.decode()
    assert state_of(v2).build_plan().database.port == 70000
    assert "db_port_invalid" in slot_codes(html, "port")


def test_the_navigator_saves_the_step_and_goes_where_asked(v2):
    response = step_post(v2, "database", {"host": "pg.example.com"}, "goto", value="ssl")
    assert response.url == "/step/ssl/"
    assert state_of(v2).build_plan().database.host == "pg.example.com"


def test_the_navigator_marks_visited_steps_with_their_findings(v2):
    step_post(v2, "database", {"host": ""}, "back")
    html = v2.get("/step/ssl/").content.decode()
    assert 'data-step="database" data-status="error"' in html
    assert 'data-step="storage" data-status="todo"' in html


def test_a_step_first_seen_shows_no_findings_yet(v2):
    html = v2.get("/step/database/").content.decode()
    assert summary_codes(html) == []


def test_rule_errors_of_a_list_row_sit_next_to_that_row(v2):
    html = step_post(v2, "scheduling", {"core-labels-0-key": "-bad-"}).content.decode()
    assert "label_key_invalid" in slot_codes(html, "core-labels-0-key")


def test_findings_about_a_whole_list_sit_by_the_list(v2):
    data = {"core-labels-0-key": None, "core-labels-0-value": None}
    html = step_post(v2, "scheduling", data).content.decode()
    assert "core_labels_missing" in slot_codes(html, "core-labels")


def test_form_validators_share_the_finding_code_and_show_once(v2):
    html = step_post(v2, "scheduling", {"release": "Bad Name"}).content.decode()
    assert slot_codes(html, "release") == ["release_invalid"]


def test_enter_in_a_text_field_means_next(v2):
    form = state_of(v2).form("scheduling")
    response = v2.post("/step/scheduling/", {**form.raw, "registry_connection": "r"})
    assert response.url == "/step/database/"
