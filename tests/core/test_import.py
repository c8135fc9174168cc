"""Importer: target detection, the mapping of chart keys to the plan, kept values, pitfalls,
secrets and migration. Plain pytest, no Django."""

import difflib
import json
from dataclasses import replace

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.test_import_fuzz import values_files
from tests.import_files import SECRET_MARKER, V06_GUIDE, V2_PITFALLS, V2_REALISTIC
from tests.strategies import any_plans, kept_values
from wizard.core import codec, safeyaml, values
from wizard.core import values as values_module
from wizard.core.importer import (
    ImportRefused,
    import_values,
    known_keys,
    migration_markdown,
)
from wizard.core.importer.kept import with_kept
from wizard.core.plan import Label, Toleration


def imp(text: str, target: str | None = None):
    return import_values(safeyaml.load_values(text), target)


def codes(result) -> set[str]:
    return {f.code for f in result.findings}


def export(result) -> dict:
    return yaml.safe_load(values.to_yaml(result.plan))


def without(data: dict, *paths: str) -> dict:
    data = json.loads(json.dumps(data))
    for path in paths:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[part]
        node.pop(last)
    return data


# --- detection -------------------------------------------------------------------------------


def test_a_v2_file_is_detected_as_v2():
    assert imp(V2_REALISTIC).detected == "v2"


def test_the_guides_file_is_detected_as_v06():
    assert imp(V06_GUIDE).detected == "v0.6"


def test_a_file_with_keys_of_both_charts_is_ambiguous():
    result = imp("gateway: {replicas: 1}\napi: {replicas: 1}\n")
    assert result.ambiguous and result.plan is None
    assert "target_ambiguous" in codes(result)


def test_a_file_with_only_shared_keys_is_read_as_v2_with_a_warning():
    result = imp("nodeSelector: {polyaxon: core}\nlimitResources: true\n")
    assert result.plan.target == "v2" and "target_assumed_v2" in codes(result)


def test_an_ambiguous_file_imports_when_the_target_is_given():
    result = imp("nodeSelector: {polyaxon: core}\n", "v0.6")
    assert not result.ambiguous and result.plan.target == "v0.6"


def test_an_unknown_target_is_a_programming_error():
    with pytest.raises(ValueError):
        import_values({}, "v3")


# --- a user file round trip ------------------------------------------------------------------


def test_a_realistic_v2_file_exports_the_same_settings_minus_its_secrets():
    result = imp(V2_REALISTIC)
    before = without(
        yaml.safe_load(V2_REALISTIC),
        "externalServices.postgresql.password",
        "polyaxonSecret",
        "user.password",
    )
    # The export adds what ingress-nginx needs for Polyaxon (timeouts, no buffering: issue 13).
    before["ingress"]["annotations"] = {
        **values_module._NGINX_ANNOTATIONS,
        **before["ingress"]["annotations"],
    }
    assert export(result) == before


def test_a_realistic_v2_file_needs_no_normalisation_beyond_the_nginx_annotations():
    changes = [f for f in imp(V2_REALISTIC).findings if f.code.startswith("value_")]
    assert all(
        f.code == "value_added" and f.path.startswith("ingress.annotations.") for f in changes
    )


def test_unmanaged_siblings_of_managed_keys_are_kept():
    result = imp(V2_REALISTIC)
    assert result.plan.kept["gateway"]["replicas"] == 3
    assert "service" not in result.plan.kept["gateway"]  # managed: the plan wins
    # The nginx upload size is managed now (issue 13): the plan writes it, nothing is kept.
    assert "ingress" not in result.plan.kept
    assert set(result.kept_keys) >= {"gateway", "agent", "timezone", "deploymentChart"}


def test_the_plan_reads_every_managed_v2_setting():
    plan = imp(V2_REALISTIC).plan
    assert plan.scheduling.core.labels == (Label("polyaxon", "core"),)
    assert plan.scheduling.core.taint and plan.scheduling.core.tolerations == ()
    assert plan.database.kind == "external" and plan.database.host == "pg.internal.example.com"
    assert plan.database.sslmode == "require"
    assert plan.storage.artifacts.kind == "s3" and plan.storage.artifacts.bucket == "acme-artifacts"
    assert plan.tls.mode == "cert-manager" and plan.tls.issuer == "letsencrypt-prod"
    assert plan.tls.host == "polyaxon.example.com" and plan.tls.ingress_class == "nginx"
    assert plan.security.enabled and plan.security.fs_group_change_policy == "OnRootMismatch"
    assert plan.secrets.name == "polyaxon-secrets" and plan.secrets.admin_user == "admin"


def test_every_value_the_export_adds_has_a_finding():
    result = imp("gateway:\n  replicas: 2\n", "v2")
    added = {f.path for f in result.findings if f.code == "value_added"}
    assert {"platformSecret", "affinity", "securityContext", "artifactsStore"} <= added


def test_a_changed_value_has_a_finding():
    text = "gateway: {replicas: 1}\nsecurityContext: {enabled: true, runAsUser: 1000}\n"
    result = imp(text, "v2")
    changed = [f for f in result.findings if f.code == "value_changed"]
    assert "securityContext.runAsGroup" not in [f.path for f in changed]
    assert [f.path for f in result.findings if f.code == "value_added"]


def test_a_toleration_that_is_not_the_taint_is_kept_in_order():
    text = (
        "gateway: {replicas: 1}\nnodeSelector: {pool: core}\n"
        "tolerations:\n- {key: pool, operator: Equal, value: core, effect: NoSchedule}\n"
        "- {key: dedicated, operator: Exists}\n"
    )
    result = imp(text, "v2")
    core = result.plan.scheduling.core
    assert core.taint
    assert Toleration("dedicated", "Exists", "", "") in core.tolerations
    assert export(result)["tolerations"] == yaml.safe_load(text)["tolerations"]


def test_unrepresentable_connections_are_kept_whole():
    text = (
        "gateway: {replicas: 1}\nconnections:\n"
        "- {name: repo, kind: git, schema: {url: 'https://github.com/acme/ml'}}\n"
        "- {name: registry, kind: registry, schema: {url: 'registry.acme:5000'}}\n"
    )
    result = imp(text)
    assert result.plan.storage.data == ()
    assert result.plan.kept["connections"] == yaml.safe_load(text)["connections"]
    assert result.plan.scheduling.registry_connection == "registry"
    assert "connections_kept" in codes(result)


def test_in_cluster_postgres_is_read_from_primary_persistence():
    text = (
        "gateway: {replicas: 1}\npostgresql:\n  enabled: true\n  auth: {username: plx, database: plxdb}\n"
        "  primary: {persistence: {size: 50Gi, storageClass: fast}}\n"
    )
    db = imp(text).plan.database
    assert (db.kind, db.user, db.name, db.size, db.storage_class) == (
        "in-cluster", "plx", "plxdb", "50Gi", "fast",
    )  # fmt: skip


# --- 0.6 -------------------------------------------------------------------------------------


def test_the_guides_nested_node_selector_becomes_a_flat_core_selector_and_class_pools():
    result = imp(V06_GUIDE)
    sched = result.plan.scheduling
    assert "nested_node_selector" in codes(result)
    assert sched.core.labels == (Label("polyaxon", "core"),)
    assert sched.mode == "per-class"
    assert sched.classes.builds.labels == (Label("polyaxon", "builds"),)
    assert sched.classes.notebooks.labels == (Label("polyaxon", "experiments"),)  # tensorboards
    assert export(result)["nodeSelector"] == {"polyaxon": "core"}


def test_the_plural_node_selectors_becomes_what_the_chart_reads():
    result = imp("nodeSelectors:\n  core: {polyaxon: core}\n  jobs: {polyaxon: jobs}\n", "v0.6")
    assert "node_selectors_plural" in codes(result)
    assert "nodeSelectors" not in export(result)
    assert result.plan.scheduling.classes.jobs.labels == (Label("polyaxon", "jobs"),)


def test_v06_persistence_becomes_stores():
    st = imp(V06_GUIDE).plan.storage
    assert (st.logs.kind, st.logs.claim) == ("claim", "polyaxon-logs")
    assert (st.artifacts.name, st.artifacts.kind, st.artifacts.bucket) == (
        "outputs", "s3", "acme-outputs",
    )  # fmt: skip
    assert st.artifacts.secret_key == "credentials.json"


def test_v06_ingress_class_annotation_becomes_the_ingress_class():
    tls = imp(V06_GUIDE).plan.tls
    assert (tls.ingress, tls.ingress_class, tls.mode, tls.secret_name) == (
        True, "nginx", "existing-secret", "polyaxon-tls",
    )  # fmt: skip


def test_v06_security_context_user_and_group_are_read():
    sec = imp(V06_GUIDE).plan.security
    assert sec.enabled and (sec.uid, sec.gid) == (2222, 2222)


# --- v2 pitfalls and typos -------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "node_selectors_plural",
        "default_scheduling_dropped",
        "ingress_extra_paths_dropped",
        "v2_ssl_not_mounted",
        "legacy_security_keys",
        "stale_postgresql_persistence",
        "key_typo",
    ],
)
def test_each_v2_pitfall_is_flagged(code):
    assert code in codes(imp(V2_PITFALLS))


def test_v2_pitfalls_are_fixed_in_the_export():
    out = export(imp(V2_PITFALLS))
    assert "defaultScheduling" not in out and "nodeSelectors" not in out
    assert "extraPaths" not in out["ingress"]
    assert "user" not in out["securityContext"] and out["securityContext"]["runAsUser"] == 1000
    assert "persistence" not in out["postgresql"]
    assert out["postgresql"]["primary"]["persistence"]["size"] == "50Gi"


def test_default_scheduling_becomes_the_workloads_pool():
    plan = imp(V2_PITFALLS).plan
    assert plan.scheduling.workloads.labels == (Label("polyaxon", "workloads"),)


def test_a_typo_gets_a_did_you_mean():
    typo = next(f for f in imp(V2_PITFALLS).findings if f.code == "key_typo")
    assert typo.path == "ingres" and "did you mean ingress" in typo.message


def test_a_nested_typo_gets_a_did_you_mean():
    result = imp("gateway: {replicas: 1}\ningress:\n  enabled: true\n  hostname: a.example.com\n")
    typo = next(f for f in result.findings if f.code == "key_typo")
    assert typo.path == "ingress.hostname" and "ingress.hostName" in typo.message


def test_an_empty_node_affinity_that_is_not_written_back_is_flagged():
    text = "gateway: {replicas: 1}\naffinity:\n  nodeAffinity: {}\n"
    assert "value_changed" in codes(imp(text))


# --- secrets ---------------------------------------------------------------------------------

SECRET_FILE = f"""\
gateway: {{replicas: 1}}
user: {{username: admin, password: "{SECRET_MARKER}1"}}
polyaxonSecret: "{SECRET_MARKER}2"
internalToken: "{SECRET_MARKER}3"
externalServices:
  postgresql: {{host: db, password: "{SECRET_MARKER}4"}}
  redis: {{host: r, password: "{SECRET_MARKER}5"}}
  rabbitmq: {{host: q, password: "{SECRET_MARKER}6"}}
  auth:
    github: {{enabled: true, options: {{client_secret: "{SECRET_MARKER}7"}}}}
postgresql: {{enabled: false, auth: {{password: "{SECRET_MARKER}8", postgresPassword: "{SECRET_MARKER}9"}}}}
redis: {{auth: {{password: "{SECRET_MARKER}10"}}}}
rabbitmq: {{auth: {{password: "{SECRET_MARKER}11"}}}}
email: {{hostPassword: "{SECRET_MARKER}12"}}
ldap: {{bindPassword: "{SECRET_MARKER}13"}}
agent: {{token: "{SECRET_MARKER}14"}}
organizationKey: "{SECRET_MARKER}15"
custom:
  apiToken: "{SECRET_MARKER}16"
"""


def test_secrets_never_reach_the_plan_kept_or_findings():
    result = imp(SECRET_FILE, "v2")
    everything = json.dumps(
        [codec.to_dict(result.plan), [f.message for f in result.findings], result.secrets_found]
    ) + values.to_yaml(result.plan)
    assert SECRET_MARKER not in everything


def test_each_secret_key_is_named_with_where_it_belongs():
    result = imp(SECRET_FILE, "v2")
    assert set(result.secrets_found) >= {
        "user.password", "polyaxonSecret", "internalToken", "externalServices.postgresql.password",
        "externalServices.redis.password", "externalServices.rabbitmq.password",
        "externalServices.auth.github.options", "postgresql.auth.password",
        "postgresql.auth.postgresPassword", "redis.auth.password", "rabbitmq.auth.password",
        "email.hostPassword", "ldap.bindPassword", "agent.token", "organizationKey",
        "custom.apiToken",
    }  # fmt: skip
    admin = next(f for f in result.findings if f.path == "user.password")
    assert admin.code == "secret_removed" and "POLYAXON_ADMIN_PASSWORD" in admin.message


def test_references_to_secrets_are_not_mistaken_for_secrets():
    result = imp(V06_GUIDE)
    assert result.plan.storage.artifacts.secret_key == "credentials.json"
    assert "persistence.outputs.outputs.secretKey" not in result.secrets_found


def test_an_empty_password_placeholder_is_removed_silently():
    result = imp("gateway: {replicas: 1}\nuser: {username: a, password: ''}\n")
    assert result.secrets_found == ()
    assert "password" not in export(result)["user"]


# --- migration -------------------------------------------------------------------------------


def test_a_06_file_imported_as_v2_gives_a_v2_plan():
    result = imp(V06_GUIDE, "v2")
    assert result.detected == "v0.6" and result.plan.target == "v2"
    out = export(result)
    assert "persistence" not in out and "serviceType" not in out
    assert out["artifactsStore"]["schema"]["bucket"] == "s3://acme-outputs"
    assert out["ingress"]["className"] == "nginx"
    assert out["securityContext"]["runAsUser"] == 2222


@pytest.mark.parametrize("path", ["rabbitmq-ha", "docker-registry", "api", "persistence.repos"])
def test_what_v2_cannot_use_is_dropped_with_a_note(path):
    result = imp(V06_GUIDE, "v2")
    assert path in {note.path for note in result.migration}
    assert path.split(".")[0] not in result.plan.kept
    assert any(f.code == "migration" and f.path == path for f in result.findings)


def test_migration_notes_render_as_markdown_without_secrets():
    text = migration_markdown(imp(V06_GUIDE, "v2"))
    assert "`docker-registry`" in text and SECRET_MARKER not in text


def test_a_same_target_import_has_no_migration_notes():
    assert imp(V06_GUIDE).migration == ()


def test_a_file_too_large_for_a_plan_is_refused_not_half_imported():
    from wizard.core.importer import ImportRefused

    many = "gateway: {replicas: 1}\nbig:\n" + "".join(
        f"  k{i}: [1, 2, 3, 4, 5]\n" for i in range(12_000)
    )
    with pytest.raises(ImportRefused, match="too large"):
        imp(many)


def test_a_plan_string_over_the_codec_limit_is_refused():
    from wizard.core.importer import ImportRefused

    with pytest.raises(ImportRefused):
        imp("gateway: {replicas: 1}\ningress: {enabled: true, hostName: " + "a" * 2000 + "}\n")


# --- the fast paths give what the plain ones gave ---------------------------------------------


def _result_json(result) -> str:
    plan = codec.to_dict(result.plan) if result.plan else None
    return repr((plan, result.target, result.detected, result.ambiguous, result.findings,
                 result.kept_keys, result.secrets_found, result.migration))  # fmt: skip


_SHARED_YAML = (
    "gateway: &g {replicas: 2, password: s3cr3t, service: {type: NodePort}}\n"
    "agent: *g\nconnections: [*g, *g]\nnodeSelector: &n {polyaxon: core}\n"
    "tolerations: [{key: polyaxon, value: core, effect: NoSchedule}]\nextra: {sel: *n}\n"
)


@pytest.mark.parametrize("text", [V2_REALISTIC, V06_GUIDE, V2_PITFALLS, _SHARED_YAML])
@pytest.mark.parametrize("target", [None, "v2", "v0.6"])
def test_an_owned_import_gives_what_a_copying_import_gives(text, target):
    copied, owned = safeyaml.load_values(text), safeyaml.load_values(text)
    assert _result_json(import_values(owned, target, owned=True)) == _result_json(
        import_values(copied, target)
    )


@pytest.mark.parametrize("text", [V2_REALISTIC, V06_GUIDE, V2_PITFALLS, _SHARED_YAML])
def test_a_copying_import_leaves_the_callers_values_alone(text):
    given = safeyaml.load_values(text)
    snapshot = repr(given)
    import_values(given, "v2")
    assert repr(given) == snapshot


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values_files(), st.sampled_from([None, "v2", "v0.6"]))
def test_an_owned_import_of_any_shape_gives_what_a_copying_import_gives(tree, target):
    text = json.dumps(tree)
    outcomes = []
    for owned in (False, True):
        try:
            outcomes.append(_result_json(import_values(json.loads(text), target, owned=owned)))
        except ImportRefused as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_plans(), kept_values)
def test_the_export_the_findings_compare_with_is_what_to_values_writes(plan, kept):
    plan = replace(plan, kept=kept, migration=())
    rendered = values.to_values(replace(plan, kept={}))
    assert repr(with_kept(rendered, plan.kept)) == repr(values.to_values(plan))  # order too


def test_each_of_many_unknown_keys_gets_difflibs_did_you_mean_or_none():
    keys = [f"gatewy{i}" for i in range(150)] + [f"ingres{i}" for i in range(150)]
    text = "gateway: {replicas: 1}\n" + "".join(f"{key}: 1\n" for key in keys)
    result = imp(text, "v2")
    roots = sorted({p for p in known_keys("v2") if "." not in p})
    for key in keys:
        close = difflib.get_close_matches(key, roots, 1, 0.75)
        (finding,) = [f for f in result.findings if f.path == key]
        assert finding.code == ("key_typo" if close else "unknown_key")
        assert not close or f"did you mean {close[0]}?" in finding.message
