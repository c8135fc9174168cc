"""Issue 16's import leftovers: secrets kept from an import reach the runbook's Secret step, and
an in-cluster database import says how to carry its current password over."""

from wizard.core.importer import import_text
from wizard.core.runbook import to_runbook

KEPT_SECRETS = """
gateway: {replicas: 1}
email: {enabled: true, host: smtp.example.com, hostPassword: "s3cr3t-mail"}
ldap: {enabled: true, serverUri: "ldap://ldap.example.com", bindPassword: "s3cr3t-ldap"}
externalServices:
  auth:
    github: {enabled: true, options: {clientId: abc, clientSecret: "s3cr3t-gh"}}
  errors: {enabled: true, options: {dsn: "https://k@sentry.example.com/1"}}
postgresql: {enabled: false}
"""


def secret_step(text: str) -> str:
    runbook = to_runbook(import_text(text, "v2").plan)
    return runbook.split("Namespace and secrets", 1)[1].split("\n## ", 1)[0]


def test_a_kept_email_password_is_created_in_the_secret_step():
    assert 'POLYAXON_EMAIL_HOST_PASSWORD="$POLYAXON_EMAIL_HOST_PASSWORD"' in secret_step(
        KEPT_SECRETS
    )


def test_a_kept_ldap_bind_password_is_created_in_the_secret_step():
    assert "--from-literal=POLYAXON_AUTH_LDAP_BIND_PASSWORD=" in secret_step(KEPT_SECRETS)


def test_kept_auth_provider_options_are_created_in_the_secret_step():
    assert "--from-literal=POLYAXON_AUTH_GITHUB_OPTIONS=" in secret_step(KEPT_SECRETS)


def test_kept_error_reporting_options_are_created_in_the_secret_step():
    assert "--from-literal=POLYAXON_ERRORS_OPTIONS=" in secret_step(KEPT_SECRETS)


def test_no_secret_value_reaches_the_runbook():
    runbook = to_runbook(import_text(KEPT_SECRETS, "v2").plan)
    assert not any(word in runbook for word in ("s3cr3t", "sentry.example.com/1"))


IN_CLUSTER = "gateway: {replicas: 1}\npostgresql: {enabled: true, auth: {username: plx}}\n"


def test_an_in_cluster_database_import_says_to_carry_the_password_over():
    result = import_text(IN_CLUSTER, "v2", release="prod", namespace="ml")
    found = [f for f in result.findings if f.code == "db_password_carry_over"]
    assert len(found) == 1 and found[0].path == "database.kind"
    assert '"prod-postgresql"' in found[0].message


def test_an_import_already_on_platform_secret_needs_no_carry_over_note():
    result = import_text(IN_CLUSTER + "platformSecret: plx-secrets\n", "v2")
    assert "db_password_carry_over" not in {f.code for f in result.findings}


def test_an_external_database_import_needs_no_carry_over_note():
    result = import_text(KEPT_SECRETS, "v2")
    assert "db_password_carry_over" not in {f.code for f in result.findings}
