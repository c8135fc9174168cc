"""The values renderer: chart keys as each chart consumes them, and nothing a chart mistakes."""

import yaml

from tests.plans import Store, Toleration, example, make_plan, pool
from wizard.core import values
from wizard.core.plan import ClassPools, Components, Redis
from wizard.core.values import to_presets, to_values, to_yaml


def test_yaml_loads_back_to_exactly_the_values():
    for name in ("v2-two-pool-aws", "v2-per-class-gke", "v06-legacy"):
        plan = example(name)
        assert yaml.safe_load(to_yaml(plan)) == to_values(plan)


def test_core_selector_is_flat_never_the_guides_nested_form():
    v = to_values(example("v2-per-class-gke"))
    assert v["nodeSelector"] == {"polyaxon.com/pool": "core"}
    assert all(isinstance(x, str) for x in v["nodeSelector"].values())
    assert "nodeSelectors" not in v


def test_v2_core_tolerates_its_own_taint():
    v = to_values(example("v2-two-pool-aws"))
    assert {"key": "polyaxon", "operator": "Equal", "value": "core", "effect": "NoSchedule"} in v[
        "tolerations"
    ]


def test_v2_drops_the_default_pod_affinity_with_null():
    v = to_values(make_plan(scheduling={"spread_core": False}))
    assert "affinity" in v and v["affinity"] is None


def test_spread_core_is_a_preferred_anti_affinity_by_hostname():
    term = to_values(make_plan(scheduling={"spread_core": True}))["affinity"]["podAntiAffinity"]
    assert (
        term["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]["topologyKey"]
        == "kubernetes.io/hostname"
    )


def test_v2_never_writes_a_chart_key_for_runs_or_broken_keys():
    for name in ("v2-two-pool-aws", "v2-per-class-gke"):
        v = to_values(example(name))
        assert "defaultScheduling" not in v
        assert "agent" not in v  # the agent stays with core; agent.* would not steer runs anyway
        assert "extraPaths" not in v.get("ingress", {})
        assert "ssl" not in v


def test_v2_in_cluster_db_is_pinned_with_core_and_persistent():
    v = to_values(
        make_plan(database={"kind": "in-cluster", "size": "50Gi", "storage_class": "gp3"})
    )
    primary = v["postgresql"]["primary"]
    assert primary["persistence"] == {"enabled": True, "size": "50Gi", "storageClass": "gp3"}
    assert (
        primary["nodeSelector"] == v["nodeSelector"] and primary["tolerations"] == v["tolerations"]
    )
    assert "externalServices" not in v


def test_v2_external_db_writes_sslmode_into_options_and_no_password():
    v = to_values(example("v2-two-pool-aws"))
    pg = v["externalServices"]["postgresql"]
    assert pg["options"]["sslmode"] == "verify-full"
    assert v["postgresql"] == {"enabled": False}
    assert "password" not in pg


def test_v06_external_db_has_no_ssl_options():
    assert "options" not in to_values(example("v06-legacy"))["externalServices"]["postgresql"]


def test_v2_platform_secret_references_the_plans_secret():
    assert to_values(example("v2-per-class-gke"))["platformSecret"] == "plx-platform"


SECRET_KEYS = {
    "password",
    "postgresPassword",
    "postgresqlPassword",
    "rabbitmqPassword",
    "polyaxonSecret",
    "internalToken",
    "hostPassword",
    "bindPassword",
    "token",
}


def _keys(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keys(item)


def test_no_secret_bearing_key_is_ever_written():
    for name in ("v2-two-pool-aws", "v2-per-class-gke", "v06-legacy"):
        for plan in (example(name), make_plan(name, database={"kind": "in-cluster"})):
            assert not SECRET_KEYS & set(_keys(to_values(plan)))


def test_v2_scheduler_with_in_cluster_redis_sets_both_password_switches():
    v = to_values(make_plan(components=Components(scheduler=True, redis=Redis(use_password=True))))
    assert v["redis"]["usePassword"] is True and v["redis"]["auth"] == {"enabled": True}
    assert v["scheduler"] == {"enabled": True} and v["broker"] == "redis"


def test_v2_without_scheduler_writes_no_broker():
    v = to_values(example("v2-two-pool-aws"))
    assert not {"broker", "redis", "rabbitmq", "scheduler"} & set(v)


def test_v2_s3_artifacts_store_is_a_connection_with_its_secret():
    store = to_values(example("v2-two-pool-aws"))["artifactsStore"]
    assert store == {
        "name": "artifacts",
        "kind": "s3",
        "schema": {"bucket": "s3://acme-polyaxon-artifacts"},
        "secret": {"name": "polyaxon-s3"},
    }


def test_v2_claim_data_store_is_a_volume_claim_connection():
    conn = to_values(example("v2-per-class-gke"))["connections"][0]
    assert conn["kind"] == "volume_claim"
    assert conn["schema"] == {
        "volumeClaim": "datasets-rwx",
        "mountPath": "/datasets",
        "readOnly": True,
    }


def test_azure_bucket_url_names_the_account():
    plan = make_plan(
        storage={
            "artifacts": Store(name="a", kind="azure", bucket="c1", account="acct1", secret="s")
        }
    )
    assert (
        to_values(plan)["artifactsStore"]["schema"]["bucket"]
        == "wasbs://c1@acct1.blob.core.windows.net/"
    )


def test_v06_persistence_has_every_store_and_no_subpath():
    p = to_values(example("v06-legacy"))["persistence"]
    assert set(p) == {"logs", "repos", "upload", "outputs", "data"}
    assert p["logs"] == {
        "store": "s3",
        "bucket": "s3://acme-polyaxon-logs",
        "secret": "polyaxon-s3",
        "secretKey": "s3-credentials.json",
    }
    assert all("subPath" not in entity for entity in (p["logs"], p["repos"], p["upload"]))


def test_v06_ingress_class_is_an_annotation_not_class_name():
    ingress = to_values(example("v06-legacy"))["ingress"]
    assert "className" not in ingress
    assert ingress["annotations"]["kubernetes.io/ingress.class"] == "nginx"


def test_v2_ingress_with_cert_manager():
    ingress = to_values(example("v2-two-pool-aws"))["ingress"]
    assert ingress["className"] == "nginx"
    assert ingress["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt-prod"
    assert ingress["tls"] == [
        {"secretName": "polyaxon-tls", "hosts": ["polyaxon.acme.example.com"]}
    ]


def test_v2_security_context_keys():
    sec = to_values(example("v2-per-class-gke"))["securityContext"]
    assert sec == {
        "enabled": True,
        "runAsUser": 1500,
        "runAsGroup": 1500,
        "fsGroup": 1500,
        "fsGroupChangePolicy": "OnRootMismatch",
        "allowPrivilegeEscalation": False,
        "runAsNonRoot": True,
    }


def test_v06_security_context_keys():
    assert to_values(example("v06-legacy"))["securityContext"] == {
        "enabled": True,
        "user": 2222,
        "group": 2222,
    }


def test_every_string_is_double_quoted():
    text = to_yaml(
        make_plan(scheduling={"workloads": pool("on=y", "no=1e3")}, secrets={"admin_user": "0o17"})
    )
    for line in text.splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        value = line.split(": ", 1)[1] if ": " in line else ""
        assert (
            value in ("", "null", "true", "false", "{}", "[]")
            or value.startswith('"')
            or value.lstrip("-").isdigit()
        ), line


def test_yaml_1_1_words_survive_as_strings():
    plan = make_plan(scheduling={"workloads": pool("on=y", "no=off", "x=1e3", "y=0o17", "z=~")})
    assert to_values(plan)["nodeSelector"] == {"polyaxon": "core"}
    loaded = yaml.safe_load(values.preset_yaml(plan, "experiments"))
    assert loaded["runPatch"]["environment"]["nodeSelector"] == {
        "on": "y",
        "no": "off",
        "x": "1e3",
        "y": "0o17",
        "z": "~",
    }


def test_repeated_selectors_are_written_out_not_aliased():
    assert "&id" not in to_yaml(example("v06-legacy")) and "*id" not in to_yaml(
        example("v06-legacy")
    )


def test_each_section_has_a_comment_naming_the_guide():
    text = to_yaml(example("v2-two-pool-aws"))
    for key in ("nodeSelector:", "postgresql:", "artifactsStore:", "gateway:", "securityContext:"):
        before = text.split("\n" + key, 1)[0].rstrip().splitlines()
        assert before[-1].startswith("# Guide: https://"), key


# --- presets


def test_presets_one_per_workload_class_with_their_pool():
    presets = to_presets(example("v2-per-class-gke"))
    assert list(presets) == ["experiments", "jobs", "builds", "notebooks"]
    env = presets["experiments"]["runPatch"]["environment"]
    assert env["nodeSelector"] == {
        "polyaxon.com/pool": "gpu",
        "cloud.google.com/gke-accelerator": "nvidia-tesla-t4",
    }
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in env[
        "tolerations"
    ]
    assert {
        "key": "polyaxon.com/pool",
        "operator": "Equal",
        "value": "gpu",
        "effect": "NoSchedule",
    } in env["tolerations"]


def test_builds_preset_is_a_complete_kaniko_build():
    build = to_presets(example("v2-per-class-gke"))["builds"]["build"]
    assert build["hubRef"] == "kaniko" and build["connection"] == "gcr-registry"
    assert build["runPatch"]["environment"]["nodeSelector"] == {"polyaxon.com/pool": "builds"}


def test_no_builds_preset_without_a_registry_connection():
    assert "builds" not in to_presets(make_plan(scheduling={"registry_connection": ""}))


def test_a_class_with_an_empty_pool_gets_no_preset():
    classes = ClassPools(jobs=pool())
    plan = make_plan(scheduling={"mode": "per-class", "classes": classes})
    assert "jobs" not in to_presets(plan)


def test_presets_are_marked_as_presets():
    assert all(p["isPreset"] is True for p in to_presets(example("v2-two-pool-aws")).values())


def test_v06_has_no_preset_files():
    assert to_presets(example("v06-legacy")) == {}


def test_tolerations_without_key_or_effect_omit_them():
    tol = Toleration(key="", operator="Exists", value="", effect="")
    plan = make_plan(scheduling={"workloads": pool("a=b", tolerations=[tol])})
    env = to_presets(plan)["jobs"]["runPatch"]["environment"]
    assert env["tolerations"] == [{"operator": "Exists"}]
