"""Issue 13: output that works on the cluster, not only in the validator. One pitfall per test."""

import json

import yaml

from tests.plans import Store, codes, example, make_plan
from wizard.core.checks import V2_RELEASE_MAX
from wizard.core.credentials import store_secrets
from wizard.core.runbook import to_runbook
from wizard.core.values import to_presets, to_values

GCS_A = Store(name="a", kind="gcs", bucket="plx-a", secret="gcs-a")
GCS_B = Store(name="b", kind="gcs", bucket="plx-b", secret="gcs-b")
ALB = {
    "controller": "alb",
    "ingress_class": "alb",
    "mode": "acm",
    "acm_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
}


def pg_options(plan) -> dict:
    return to_values(plan)["externalServices"]["postgresql"]["options"]


# --- 1. database TLS


def test_verify_full_without_a_ca_secret_is_an_error():
    plan = make_plan(database={"sslmode": "verify-full", "ca_secret": ""})
    assert "db_ca_missing" in codes(plan)


def test_verify_ca_points_sslrootcert_at_the_mounted_ca():
    plan = make_plan(database={"sslmode": "verify-ca", "ca_secret": "pg-ca"})
    values = to_values(plan)
    ca = next(c for c in values["connections"] if c["name"] in values["mountConnections"])
    assert ca["secret"] == {"name": "pg-ca", "mountPath": "/etc/polyaxon/db-ca"}
    assert pg_options(plan)["sslrootcert"] == "/etc/polyaxon/db-ca/ca.crt"


def test_require_mounts_no_ca():
    values = to_values(make_plan(database={"sslmode": "require", "ca_secret": "pg-ca"}))
    assert "mountConnections" not in values
    assert "sslrootcert" not in values["externalServices"]["postgresql"]["options"]


def test_verify_full_with_the_scheduler_on_is_an_error():
    plan = make_plan(components={"scheduler": True})
    assert "db_ca_scheduler_unsupported" in codes(plan)


def test_runbook_creates_the_ca_secret_from_a_file():
    assert '--from-file=ca.crt="$DB_CA_FILE"' in to_runbook(example("v2-two-pool-aws"))


# --- 2. release name length


def test_release_one_past_the_chart_limit_is_an_error():
    assert "release_too_long" in codes(make_plan(release="r" * (V2_RELEASE_MAX + 1)))


def test_release_at_the_chart_limit_is_accepted():
    assert "release_too_long" not in codes(make_plan(release="r" * V2_RELEASE_MAX))


# --- 3. ingress per controller


def test_nginx_ingress_raises_the_upload_size_and_read_timeout():
    annotations = to_values(example("v2-two-pool-aws"))["ingress"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "4G"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 600


def test_gce_ingress_uses_the_annotation_and_no_class_name():
    ingress = to_values(make_plan(tls={"controller": "gce", "ingress_class": "gce"}))["ingress"]
    assert ingress["annotations"]["kubernetes.io/ingress.class"] == "gce"
    assert "className" not in ingress


def test_gce_runbook_does_not_look_for_an_ingressclass_object():
    text = to_runbook(make_plan(tls={"controller": "gce", "ingress_class": "gce"}))
    assert "kubectl get ingressclass" not in text


def test_gce_gateway_service_gets_container_native_backends_and_a_timeout():
    values = to_values(example("v2-gke-cloudsql-gcs"))
    annotations = values["gateway"]["service"]["annotations"]
    assert json.loads(annotations["cloud.google.com/neg"]) == {"ingress": True}
    assert "kind: BackendConfig" in to_runbook(example("v2-gke-cloudsql-gcs"))


def test_alb_ingress_targets_pods_with_the_acm_certificate_and_no_tls_secret():
    ingress = to_values(make_plan(tls=ALB))["ingress"]
    a = ingress["annotations"]
    assert a["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert a["alb.ingress.kubernetes.io/scheme"] == "internet-facing"
    assert a["alb.ingress.kubernetes.io/certificate-arn"] == ALB["acm_certificate_arn"]
    assert "tls" not in ingress


def test_alb_with_a_tls_secret_is_an_error():
    plan = make_plan(tls={**ALB, "mode": "cert-manager"})
    assert "alb_ignores_tls_secret" in codes(plan)


def test_alb_without_a_certificate_arn_is_an_error():
    assert "acm_certificate_arn_invalid" in codes(make_plan(tls={**ALB, "acm_certificate_arn": ""}))


def test_acm_mode_on_nginx_is_an_error():
    assert "acm_requires_alb" in codes(make_plan(tls={"mode": "acm"}))


def test_another_controller_says_what_is_not_checked():
    assert "ingress_controller_unchecked" in codes(
        make_plan(tls={"controller": "other", "ingress_class": "traefik"})
    )


# --- 4. builds


def test_the_registry_connection_is_declared_in_values():
    plan = example("v2-two-pool-aws")
    registry = next(c for c in to_values(plan)["connections"] if c["kind"] == "registry")
    assert registry["name"] == plan.scheduling.registry_connection
    assert registry["secret"]["name"] == plan.scheduling.registry_secret
    assert registry["schema"]["url"] == plan.scheduling.registry_url


def test_the_builds_preset_gives_kaniko_a_destination_on_the_connection():
    plan = example("v2-two-pool-aws")
    destination = to_presets(plan)["builds"]["build"]["params"]["destination"]
    assert destination["connection"] == plan.scheduling.registry_connection
    assert destination["value"].startswith("polyaxon-builds:")


def test_no_builds_preset_and_no_connection_without_a_registry_secret():
    plan = make_plan(scheduling={"registry_secret": ""})
    assert "builds" not in to_presets(plan)
    assert all(c["kind"] != "registry" for c in to_values(plan).get("connections", []))
    assert "registry_incomplete" in codes(plan)


def test_runbook_creates_the_registry_secret_from_a_docker_config():
    assert '--from-file=config.json="$DOCKER_CONFIG_FILE"' in to_runbook(example("v2-two-pool-aws"))


# --- 5. spreading core replicas


def test_v2_spread_selects_the_label_v2_pods_carry_and_nulls_the_default():
    affinity = to_values(make_plan(scheduling={"spread_core": True}))["affinity"]
    assert affinity["podAffinity"] is None
    term = affinity["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
    expression = term["podAffinityTerm"]["labelSelector"]["matchExpressions"][0]
    assert expression["key"] == "app.kubernetes.io/part-of"


def test_v2_spread_survives_yaml_as_an_explicit_null():
    from wizard.core.values import to_yaml

    loaded = yaml.safe_load(to_yaml(make_plan(scheduling={"spread_core": True})))
    assert "podAffinity" in loaded["affinity"] and loaded["affinity"]["podAffinity"] is None


# --- 6. store secrets


def test_a_store_secret_equal_to_the_platform_secret_is_an_error():
    plan = make_plan(
        storage={"artifacts": Store(name="a", kind="s3", bucket="plx-a", secret="polyaxon-secrets")}
    )
    assert "store_secret_is_platform_secret" in codes(plan)


def test_two_store_secrets_are_never_filled_from_the_same_variables():
    s3 = Store(name="a", kind="s3", bucket="plx-a", secret="s3-a")
    data = (Store(name="b", kind="s3", bucket="plx-b", secret="s3-b"),)
    found = store_secrets(make_plan(storage={"artifacts": s3, "data": data}))
    assert len(found) == 2 and not set(found[0].variables) & set(found[1].variables)


def test_one_store_secret_shared_by_two_stores_is_filled_once():
    found = store_secrets(example("v2-two-pool-aws"))
    assert [ss.variables for ss in found] == [("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")]


def test_secret_names_that_give_the_same_variables_are_an_error():
    s3 = Store(name="a", kind="s3", bucket="plx-a", secret="s3-a")
    data = (Store(name="b", kind="s3", bucket="plx-b", secret="s3.a"),)
    assert "store_secret_variables_shared" in codes(
        make_plan(storage={"artifacts": s3, "data": data})
    )


def test_two_gcs_stores_with_different_secrets_collide_on_the_key_mount():
    plan = make_plan(storage={"artifacts": GCS_A, "data": (GCS_B,)})
    assert "mount_path_duplicate" in codes(plan)


def test_two_gcs_stores_with_one_secret_are_accepted():
    shared = Store(name="b", kind="gcs", bucket="plx-b", secret="gcs-a")
    assert "mount_path_duplicate" not in codes(
        make_plan(storage={"artifacts": GCS_A, "data": (shared,)})
    )


def test_a_store_mounted_at_the_root_is_an_error():
    data = (Store(name="d", kind="claim", claim="d", mount_path="/"),)
    assert "mount_path_root" in codes(make_plan(storage={"data": data}))


def test_two_stores_on_one_mount_path_are_an_error():
    data = (
        Store(name="d1", kind="claim", claim="d1", mount_path="/data"),
        Store(name="d2", kind="claim", claim="d2", mount_path="/data/"),
    )
    assert "mount_path_duplicate" in codes(make_plan(storage={"data": data}))


# --- 7. a refused plan: see tests/test_render_cli.py (the CLI door)


def test_a_plain_http_load_balancer_is_an_error():
    plan = make_plan(tls={"ingress": False, "mode": "none", "service_type": "LoadBalancer"})
    assert "plain_http_load_balancer" in codes(plan)


# --- 8. legacy 0.6


def test_v06_node_port_ssl_secret_has_the_keys_polyaxons_nginx_reads():
    text = to_runbook(example("v06-nodeport-ssl"))
    assert '--from-file=polyaxon.com.crt="$TLS_CERT_FILE"' in text
    assert '--from-file=polyaxon.com.key="$TLS_KEY_FILE"' in text


def test_v06_node_port_ssl_serves_on_port_443():
    assert to_values(example("v06-nodeport-ssl"))["api"]["service"]["externalPort"] == 443


def test_v06_runbook_uses_helm_2_commands_without_namespace():
    text = to_runbook(example("v06-legacy"))
    for line in text.splitlines():
        if line.startswith(("helm get values", "helm history", "helm rollback")):
            assert "--namespace" not in line, line
    assert "helm history polyaxon" in text


def test_a_data_store_on_the_artifacts_default_mount_is_an_error():
    artifacts = Store(name="artifacts", kind="claim", claim="plx-artifacts")
    data = (Store(name="d", kind="claim", claim="d", mount_path="/artifacts"),)
    assert "mount_path_duplicate" in codes(
        make_plan(storage={"artifacts": artifacts, "data": data})
    )
