"""Production lint: import findings plus the guide's checks on the imported plan."""

import pytest

from tests.import_files import V06_GUIDE, V2_REALISTIC
from wizard.core.lint import lint_text
from wizard.core.safeyaml import YamlRefused


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


def test_lint_combines_import_findings_and_plan_checks():
    report = lint_text(V06_GUIDE)
    assert {"nested_node_selector", "secret_removed", "legacy_chart"} <= codes(report)


def test_a_clean_v2_file_has_no_errors():
    assert not lint_text(V2_REALISTIC).has_errors


def test_an_external_database_without_host_is_an_error():
    report = lint_text("gateway: {replicas: 1}\npostgresql: {enabled: false}\n")
    assert report.has_errors and "db_host_missing" in codes(report)


def test_the_guides_production_advice_is_linted():
    report = lint_text("gateway: {replicas: 1}\n")
    assert {"in_cluster_db", "security_context_off", "core_labels_missing", "tls_off"} <= codes(
        report
    )


def test_errors_come_first():
    severities = [f.severity for f in lint_text("gateway: {replicas: 1}\n").findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_a_refused_file_raises():
    with pytest.raises(YamlRefused):
        lint_text("a: !!python/object/apply:os.system [ls]\n")


def test_an_ambiguous_file_reports_only_that():
    report = lint_text("gateway: {replicas: 1}\napi: {replicas: 1}\n")
    assert report.result.ambiguous and codes(report) == {"target_ambiguous"}
