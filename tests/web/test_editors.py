"""List editors (labels, tolerations, data stores) and fields that depend on the target."""

import pytest

from tests.web.conftest import state_of, step_post
from wizard.core.checks import check
from wizard.core.values import to_yaml

pytestmark = pytest.mark.django_db


def test_add_label_without_js_redirects_to_the_step_with_one_more_row(v2):
    response = step_post(
        v2, "scheduling", {"core-labels-0-value": "edited"}, "add", value="core-labels"
    )
    assert response.status_code == 302
    assert response.url == "/step/scheduling/#id_core-labels-1-key"
    html = v2.get("/step/scheduling/").content.decode()
    assert 'name="core-labels-1-key"' in html
    assert state_of(v2).build_plan().scheduling.core.labels[0].value == "edited"


def test_add_toleration_with_htmx_returns_the_step_with_the_new_row_focused(v2):
    response = step_post(
        v2, "scheduling", {}, "add", value="experiments-tolerations", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'name="experiments-tolerations-0-operator"' in html
    assert "autofocus" in html.split('name="experiments-tolerations-0-key"')[1].split(">")[0]
    tol = state_of(v2).build_plan().scheduling.classes.experiments.tolerations
    assert len(tol) == 1 and tol[0].operator == "Equal"


def test_remove_a_toleration_renumbers_the_rest(v2):
    data = {
        "core-tolerations-0-key": "a",
        "core-tolerations-0-operator": "Exists",
        "core-tolerations-0-value": "",
        "core-tolerations-0-effect": "",
        "core-tolerations-1-key": "b",
        "core-tolerations-1-operator": "Equal",
        "core-tolerations-1-value": "x",
        "core-tolerations-1-effect": "NoExecute",
    }
    step_post(v2, "scheduling", data, "remove", value="core-tolerations-0")
    tols = state_of(v2).build_plan().scheduling.core.tolerations
    assert [(t.key, t.value, t.effect) for t in tols] == [("b", "x", "NoExecute")]
    assert "core-tolerations-0-key" in state_of(v2).raw("scheduling")


def test_add_and_remove_data_stores(v2):
    step_post(v2, "storage", {}, "add", value="data")
    step_post(
        v2,
        "storage",
        {"data-0-name": "ds", "data-0-kind": "claim", "data-0-claim": "c"},
        "add",
        value="data",
    )
    data = state_of(v2).build_plan().storage.data
    assert [(s.name, s.kind) for s in data] == [("ds", "claim"), ("", "s3")]
    step_post(v2, "storage", {}, "remove", value="data-1")
    assert [s.name for s in state_of(v2).build_plan().storage.data] == ["ds"]


def test_an_unknown_list_is_not_added_to(v2):
    step_post(v2, "database", {}, "add", value="core-labels")
    assert not any(k.startswith("core-labels") for k in state_of(v2).raw("database"))


def test_per_class_mode_shows_a_pool_editor_for_each_class(v2):
    html = v2.get("/step/scheduling/").content.decode()
    for name in ("experiments", "jobs", "builds", "notebooks"):
        assert f'id="id_{name}-labels"' in html
    assert 'data-show-when="mode=per-class"' in html
    assert 'data-show-when="mode=two-pool"' in html


def test_v06_storage_has_logs_repos_and_upload_stores_and_no_v2_only_fields(v06):
    html = v06.get("/step/storage/").content.decode()
    for name in ("artifacts", "logs", "repos", "upload"):
        assert f'name="{name}-kind"' in html
    assert 'name="artifacts-secret_key"' in html


def test_v2_storage_has_only_the_artifacts_store(v2):
    html = v2.get("/step/storage/").content.decode()
    assert 'name="artifacts-kind"' in html
    for name in ("logs", "repos", "upload"):
        assert f'name="{name}-kind"' not in html
    assert "secret_key" not in html


def test_v06_has_no_sslmode_nor_fs_group(v06):
    assert 'name="sslmode"' not in v06.get("/step/database/").content.decode()
    html = v06.get("/step/security-context/").content.decode()
    assert 'name="uid"' in html and 'name="fs_group"' not in html


def test_a_posted_field_the_target_lacks_never_reaches_the_plan(v06):
    step_post(v06, "database", {"sslmode": "disable", "host": "db"})
    plan = state_of(v06).build_plan()
    assert plan.database.sslmode == "require"  # the default, untouched
    assert "sslmode" not in to_yaml(plan)


def test_v2_components_show_broker_groups_only_with_the_scheduler(v2):
    html = v2.get("/step/components/").content.decode()
    assert 'name="scheduler"' in html
    assert 'data-show-when="scheduler=on;broker=redis"' in html
    step_post(v2, "components", {"scheduler": None, "redis-kind": "external", "redis-host": ""})
    plan = state_of(v2).build_plan()
    assert not plan.components.scheduler
    assert "redis_host_missing" not in {f.code for f in check(plan)}


def test_v06_components_always_ask_for_redis(v06):
    html = v06.get("/step/components/").content.decode()
    assert 'name="scheduler"' not in html
    assert 'name="redis-kind"' in html
    assert 'data-show-when="broker=rabbitmq"' in html


def test_v06_needs_an_external_redis_host(v06):
    html = step_post(
        v06, "components", {"redis-kind": "external", "redis-host": ""}
    ).content.decode()
    assert "redis_host_missing" in html


def test_store_kind_groups_say_when_they_apply(v2):
    html = v2.get("/step/storage/").content.decode()
    assert 'data-show-when="artifacts-kind=s3|gcs|azure"' in html
    assert 'data-show-when="artifacts-kind=claim"' in html
    assert "Only for a cloud bucket" in html


def test_tls_mode_groups(v2):
    html = v2.get("/step/ssl/").content.decode()
    assert 'data-show-when="mode=cert-manager"' in html
    assert 'data-show-when="mode=cert-manager|existing-secret"' in html


def test_after_removing_a_row_with_htmx_its_lists_add_button_takes_the_focus(v2):
    html = step_post(
        v2, "scheduling", {}, "remove", value="core-labels-0", HTTP_HX_REQUEST="true"
    ).content.decode()
    button = html.split('value="core-labels" class="button small"')[1].split(">")[0]
    assert "autofocus" in button


def test_a_tolerations_seconds_reach_the_plan_and_the_values(v2):
    data = {
        "core-tolerations-0-key": "node.kubernetes.io/unreachable",
        "core-tolerations-0-operator": "Exists",
        "core-tolerations-0-value": "",
        "core-tolerations-0-effect": "NoExecute",
        "core-tolerations-0-seconds": "300",
    }
    step_post(v2, "scheduling", data)
    plan = state_of(v2).build_plan()
    assert plan.scheduling.core.tolerations[0].seconds == "300"
    assert "tolerationSeconds: 300" in to_yaml(plan)


def test_unicode_digits_as_toleration_seconds_are_an_error_not_a_crash(v2):
    data = {
        "core-tolerations-0-key": "k",
        "core-tolerations-0-operator": "Exists",
        "core-tolerations-0-value": "",
        "core-tolerations-0-effect": "NoExecute",
        "core-tolerations-0-seconds": "²",
    }
    step_post(v2, "scheduling", data)
    plan = state_of(v2).build_plan()
    assert "toleration_seconds_invalid" in {f.code for f in check(plan)}
    assert v2.get("/review/").status_code == 200
