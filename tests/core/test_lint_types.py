"""Lint reads every managed key with its type and range: a wrong value is an error at its path,
all of them at once, and never kept as a passthrough."""

import pytest

from wizard.core import values
from wizard.core.importer import import_values
from wizard.core.lint import lint_text
from wizard.core.safeyaml import load_values

V2 = "gateway: {replicas: 1}\n"
EXT_PG = (
    V2
    + "postgresql: {enabled: false}\nexternalServices:\n  postgresql:\n    host: db.example.com\n"
)


def errors(text: str, target: str | None = None) -> set[tuple[str, str]]:
    return {(f.code, f.path) for f in lint_text(text, target).findings if f.severity == "error"}


@pytest.mark.parametrize("port", ["abc", "5432.0", "5e3", "0x1538", "54 32", "0o17", "1_000"])
def test_a_port_that_is_not_a_plain_number_is_an_error_at_its_path(port):
    found = errors(EXT_PG + f"    port: {port}\n")
    assert ("expected_integer", "externalServices.postgresql.port") in found


@pytest.mark.parametrize("port", ["-1", "0", "70000"])
def test_a_port_out_of_range_is_an_error_at_its_path(port):
    found = errors(EXT_PG + f"    port: {port}\n")
    assert ("out_of_range", "externalServices.postgresql.port") in found


def test_a_negative_uid_is_an_error_at_its_path():
    found = errors(V2 + "securityContext: {enabled: true, runAsUser: -5}\n")
    assert ("out_of_range", "securityContext.runAsUser") in found


def test_an_fs_group_with_letters_is_an_error_not_a_number():
    text = V2 + 'securityContext: {enabled: true, runAsGroup: 3000, fsGroup: "2222abc"}\n'
    report = lint_text(text)
    assert ("expected_integer", "securityContext.fsGroup") in errors(text)
    assert report.result.plan.security.fs_group == 3000  # the file's gid, not an invented one


def test_a_boolean_maybe_is_an_error_at_its_path():
    found = errors(V2 + "securityContext: {enabled: maybe}\n")
    assert ("expected_boolean", "securityContext.enabled") in found


def test_a_string_node_selector_is_an_error_at_its_path():
    assert ("expected_mapping", "nodeSelector") in errors(V2 + "nodeSelector: gpu\n")


def test_a_mapping_where_tolerations_must_be_a_list_is_an_error():
    found = errors(V2 + "tolerations: {key: gpu, operator: Exists}\n")
    assert ("expected_list", "tolerations") in found


def test_toleration_seconds_that_are_not_a_number_are_an_error_at_their_index():
    text = V2 + (
        "tolerations:\n- {key: a, operator: Exists}\n"
        "- {key: b, operator: Exists, effect: NoExecute, tolerationSeconds: abc}\n"
    )
    assert ("expected_integer", "tolerations[1].tolerationSeconds") in errors(text)


def test_a_mapping_where_text_is_expected_is_an_error():
    text = EXT_PG + "    user: {name: polyaxon}\n"
    assert ("expected_text", "externalServices.postgresql.user") in errors(text)


def test_every_wrong_value_is_reported_at_once():
    text = (
        EXT_PG
        + "    port: abc\nsecurityContext: {enabled: maybe, runAsUser: -1}\nnodeSelector: x\n"
    )
    found = {path for _, path in errors(text)}
    assert {
        "externalServices.postgresql.port",
        "securityContext.enabled",
        "securityContext.runAsUser",
        "nodeSelector",
    } <= found


def test_a_wrong_value_is_not_kept_as_a_passthrough():
    text = EXT_PG + "    port: abc\nnodeSelector: gpu\n"
    plan = import_values(load_values(text)).plan
    rendered = values.to_values(plan)
    assert rendered["externalServices"]["postgresql"]["port"] == 5432
    assert rendered.get("nodeSelector") != "gpu"


def test_a_wrong_value_is_shown_as_yaml_not_python():
    text = V2 + "securityContext: {enabled: {a: 1}}\n"
    (finding,) = [f for f in lint_text(text).findings if f.code == "expected_boolean"]
    assert '{"a": 1}' in finding.message and "{'a'" not in finding.message


def test_a_v06_file_is_read_with_the_same_types():
    text = "api: {replicas: 1}\nsecurityContext: {enabled: true, user: abc, group: 0x10}\n"
    found = errors(text, "v0.6")
    assert {
        ("expected_integer", "securityContext.user"),
        ("expected_integer", "securityContext.group"),
    } <= found
