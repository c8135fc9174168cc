"""One behaviour per test: each rule of checks.py fires on the bad case and only then."""

import pytest

from tests.plans import EXAMPLE_NAMES, Store, Toleration, codes, example, finding, make_plan, pool
from wizard.core.checks import ERROR, INFO, WARNING, check, has_errors
from wizard.core.plan import ClassPools, Components, RabbitMQ, Redis, Storage


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_plans_have_no_errors(name):
    assert not has_errors(check(example(name)))


def test_errors_come_before_warnings_and_infos():
    severities = [
        f.severity for f in check(make_plan(database={"host": ""}, security={"enabled": False}))
    ]
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    assert severities == sorted(severities, key=order.get)


def test_findings_name_their_step():
    assert finding(make_plan(database={"host": ""}), "db_host_missing").step == "database"
    assert finding(make_plan(tls={"host": ""}), "ingress_host_missing").step == "ssl"


def test_unknown_target_is_an_error():
    assert codes(make_plan(target="v3")) == {"target_invalid"}


def test_release_name_longer_than_53_is_an_error():
    assert "release_invalid" in codes(make_plan(release="a" * 54))


def test_namespace_with_upper_case_is_an_error():
    assert "namespace_invalid" in codes(make_plan(namespace="Polyaxon"))


def test_legacy_target_is_warned():
    assert finding(example("v06-legacy"), "legacy_chart").severity == WARNING


# --- scheduling


def sched(**changes):
    return make_plan(scheduling=changes)


def test_core_without_labels_is_an_error():
    assert "core_labels_missing" in codes(sched(core=pool(taint=True)))


def test_untainted_core_is_warned():
    assert finding(sched(core=pool("polyaxon=core")), "core_untainted").severity == WARNING


@pytest.mark.parametrize(
    "key", ["-bad", "a/b/c", "UPPER.example.com/x", "x" * 64, "/name", "pre/", "sp ace"]
)
def test_invalid_label_key_is_an_error(key):
    assert "label_key_invalid" in codes(sched(workloads=pool(f"{key}=x")))


@pytest.mark.parametrize(
    "key", ["polyaxon", "polyaxon.com/pool", "node-role.kubernetes.io/worker", "a_b.C-9"]
)
def test_valid_label_keys_pass(key):
    assert "label_key_invalid" not in codes(sched(workloads=pool(f"{key}=x")))


@pytest.mark.parametrize("value", ["-x", "x-", "a b", "ü", "x" * 64, "a/b"])
def test_invalid_label_value_is_an_error(value):
    assert "label_value_invalid" in codes(sched(workloads=pool(f"polyaxon={value}")))


def test_duplicate_label_key_is_an_error():
    assert "label_key_duplicate" in codes(sched(workloads=pool("a=1", "a=2")))


def test_tainted_pool_needs_a_label_value():
    assert "taint_value_missing" in codes(sched(core=pool("polyaxon=", taint=True)))


def test_same_labels_for_core_and_workloads_share_nodes_when_core_is_untainted():
    plan = sched(core=pool("polyaxon=core"), workloads=pool("polyaxon=core"))
    assert finding(plan, "shared_nodes").path == "scheduling.workloads.labels"


def test_tainted_core_keeps_a_same_label_pool_off_its_nodes():
    assert "shared_nodes" not in codes(sched(workloads=pool("polyaxon=core")))


def test_workloads_tolerating_the_core_taint_share_nodes():
    tol = Toleration(key="polyaxon", operator="Exists", value="", effect="NoSchedule")
    assert "shared_nodes" in codes(sched(workloads=pool("polyaxon=core", tolerations=[tol])))


def test_tolerate_everything_shares_nodes():
    tol = Toleration(key="", operator="Exists", value="", effect="")
    assert "shared_nodes" in codes(sched(workloads=pool(tolerations=[tol])))


def test_distinct_workload_labels_do_not_share_nodes():
    assert "shared_nodes" not in codes(example("v2-two-pool-aws"))


def test_per_class_pools_are_each_checked():
    classes = ClassPools(jobs=pool("polyaxon=core"), experiments=pool("-x=1"))
    plan = sched(mode="per-class", core=pool("polyaxon=core"), classes=classes)
    assert {"shared_nodes", "label_key_invalid"} <= codes(plan)
    assert finding(plan, "shared_nodes").path == "scheduling.classes.jobs.labels"


def test_workload_pool_without_labels_is_warned():
    assert "workload_labels_missing" in codes(sched(workloads=pool()))


def test_unknown_scheduling_mode_is_an_error():
    assert "scheduling_mode_invalid" in codes(sched(mode="three-pool"))


@pytest.mark.parametrize(
    ("tol", "code"),
    [
        (Toleration(key="k", operator="Maybe", value="v"), "toleration_operator_invalid"),
        (
            Toleration(key="k", operator="Equal", value="v", effect="NoRun"),
            "toleration_effect_invalid",
        ),
        (Toleration(key="", operator="Equal", value="v"), "toleration_key_missing"),
        (Toleration(key="k", operator="Exists", value="v"), "toleration_exists_with_value"),
        (Toleration(key="k k", operator="Equal", value="v"), "toleration_key_invalid"),
        (Toleration(key="k", operator="Equal", value="v v"), "toleration_value_invalid"),
    ],
)
def test_toleration_rules(tol, code):
    assert code in codes(sched(workloads=pool("polyaxon=w", tolerations=[tol])))


@pytest.mark.parametrize(
    "tol",
    [
        Toleration(key="nvidia.com/gpu", operator="Exists", value="", effect="NoSchedule"),
        Toleration(key="k", operator="Equal", value="", effect=""),
        Toleration(key="", operator="Exists", value="", effect="NoExecute"),
    ],
)
def test_valid_tolerations_pass(tol):
    assert not {
        c
        for c in codes(sched(workloads=pool("polyaxon=w", tolerations=[tol])))
        if c.startswith("toleration")
    }


def test_v2_without_registry_connection_warns_that_no_builds_preset_is_written():
    assert "registry_connection_missing" in codes(sched(registry_connection=""))


def test_registry_connection_with_spaces_is_an_error():
    assert "registry_connection_invalid" in codes(sched(registry_connection="my registry"))


# --- database


def test_external_db_without_host_is_an_error():
    assert "db_host_missing" in codes(make_plan(database={"host": ""}))


@pytest.mark.parametrize(
    "host", ["db..example.com", "-db.example.com", "db_host", "db.example.com/"]
)
def test_invalid_db_host_is_an_error(host):
    assert "db_host_invalid" in codes(make_plan(database={"host": host}))


@pytest.mark.parametrize("host", ["10.0.0.5", "fd00::5", "db.internal", "pg"])
def test_ip_or_dns_db_host_passes(host):
    assert "db_host_invalid" not in codes(make_plan(database={"host": host}))


@pytest.mark.parametrize("port", [0, 65536, -1])
def test_port_out_of_range_is_an_error(port):
    assert "db_port_invalid" in codes(make_plan(database={"port": port}))


def test_db_name_longer_than_63_bytes_is_an_error():
    assert "db_name_invalid" in codes(make_plan(database={"name": "é" * 32}))


def test_negative_conn_max_age_is_an_error():
    assert "conn_max_age_invalid" in codes(make_plan(database={"conn_max_age": -1}))


def test_in_cluster_db_is_warned_as_not_ha():
    plan = make_plan(database={"kind": "in-cluster"})
    assert finding(plan, "in_cluster_db").severity == WARNING
    assert "db_host_missing" not in codes(make_plan(database={"kind": "in-cluster", "host": ""}))


def test_in_cluster_db_size_must_be_a_quantity():
    assert "db_size_invalid" in codes(make_plan(database={"kind": "in-cluster", "size": "20 GB"}))


def test_v2_sslmode_disable_is_warned():
    assert "db_ssl_off" in codes(make_plan(database={"sslmode": "disable"}))


def test_v2_unknown_sslmode_is_an_error():
    assert "db_sslmode_invalid" in codes(make_plan(database={"sslmode": "on"}))


def test_v06_ignores_sslmode_and_says_so():
    plan = make_plan("v06-legacy", database={"sslmode": "nonsense"})
    assert "db_sslmode_invalid" not in codes(plan)
    assert finding(plan, "db_sslmode_unsupported").severity == INFO


# --- components


def test_v2_without_scheduler_checks_no_broker():
    plan = make_plan(components=Components(broker="kafka", redis=Redis(kind="external", host="")))
    assert not {"broker_invalid", "redis_host_missing"} & codes(plan)


def test_v2_scheduler_with_external_redis_needs_a_host():
    plan = make_plan(components=Components(scheduler=True, redis=Redis(kind="external", host="")))
    assert "redis_host_missing" in codes(plan)


def test_v06_always_checks_redis():
    plan = make_plan(
        "v06-legacy", components=Components(broker="redis", redis=Redis(kind="external", host=""))
    )
    assert "redis_host_missing" in codes(plan)


def test_v06_rabbitmq_broker_with_external_rabbitmq_needs_a_host():
    comps = Components(broker="rabbitmq", rabbitmq=RabbitMQ(kind="external", host="", port=70000))
    assert {"rabbitmq_host_missing", "rabbitmq_port_invalid"} <= codes(
        make_plan("v06-legacy", components=comps)
    )


def test_unknown_broker_is_an_error():
    assert "broker_invalid" in codes(make_plan("v06-legacy", components=Components(broker="kafka")))


def test_redis_without_password_is_warned():
    plan = make_plan(components=Components(scheduler=True, redis=Redis(use_password=False)))
    assert "redis_no_password" in codes(plan)


# --- storage


def store(**fields):
    return Store(**{"name": "artifacts", **fields})


def with_artifacts(base="v2-two-pool-aws", **fields):
    plan = example(base)
    return make_plan(
        base,
        storage=Storage(
            artifacts=store(**fields),
            logs=plan.storage.logs,
            repos=plan.storage.repos,
            upload=plan.storage.upload,
        ),
    )


def test_host_path_is_warned_as_temporary_storage():
    plan = with_artifacts(kind="host-path", host_path="/mnt/x")
    assert finding(plan, "temporary_storage").path == "storage.artifacts.kind"


def test_relative_host_path_is_an_error():
    assert "host_path_invalid" in codes(with_artifacts(kind="host-path", host_path="mnt/x"))


def test_cloud_store_without_secret_is_an_error():
    assert "store_secret_missing" in codes(with_artifacts(kind="s3", bucket="my-bucket"))


@pytest.mark.parametrize(
    ("kind", "bucket"),
    [
        ("s3", "My_Bucket"),
        ("s3", "ab"),
        ("s3", "192.168.5.4"),
        ("s3", "a..b"),
        ("s3", "xn--abc"),
        ("gcs", "google-data"),
        ("gcs", "goog-x"),
        ("gcs", "UPPER"),
        ("azure", "a--b"),
        ("azure", "a_b"),
        ("s3", "s3://bucket"),
    ],
)
def test_bucket_naming_rules_per_provider(kind, bucket):
    fields = {"account": "acct"} if kind == "azure" else {}
    assert "bucket_invalid" in codes(
        with_artifacts(kind=kind, bucket=bucket, secret="creds", **fields)
    )


@pytest.mark.parametrize(
    ("kind", "bucket"),
    [("s3", "my.bucket-1"), ("gcs", "my_bucket.data"), ("azure", "my-container")],
)
def test_valid_bucket_names_pass(kind, bucket):
    fields = {"account": "acct1"} if kind == "azure" else {}
    assert "bucket_invalid" not in codes(
        with_artifacts(kind=kind, bucket=bucket, secret="creds", **fields)
    )


def test_azure_needs_a_storage_account():
    assert "azure_account_invalid" in codes(
        with_artifacts(kind="azure", bucket="c1", secret="s", account="Bad!")
    )


def test_claim_name_must_be_a_dns_name():
    assert "claim_invalid" in codes(with_artifacts(kind="claim", claim="My Claim"))


def test_mount_path_must_be_absolute():
    assert "mount_path_invalid" in codes(with_artifacts(kind="claim", claim="c", mount_path="data"))


def test_store_names_must_be_unique():
    plan = example("v2-two-pool-aws")
    dup = Store(name="artifacts", kind="claim", claim="c")
    plan = make_plan(storage={"data": (dup,)})
    assert finding(plan, "store_name_duplicate").path == "storage.data.0.name"


def test_v06_repos_cannot_be_a_bucket():
    plan = make_plan(
        "v06-legacy", storage={"repos": Store(name="repos", kind="s3", bucket="b", secret="s")}
    )
    assert "store_cloud_unsupported" in codes(plan)


def test_v06_cloud_store_needs_the_secret_key():
    plan = make_plan(
        "v06-legacy", storage={"artifacts": store(kind="s3", bucket="bkt", secret="s")}
    )
    assert "secret_key_invalid" in codes(plan)


def test_v2_ignores_the_v06_only_stores():
    plan = make_plan(storage={"logs": Store(name="logs", kind="host-path", host_path="relative")})
    assert not {"host_path_invalid", "temporary_storage"} & codes(plan)


# --- TLS


def test_ingress_without_host_is_an_error():
    assert "ingress_host_missing" in codes(make_plan(tls={"host": ""}))


@pytest.mark.parametrize(
    "host", ["10.0.0.1", "Polyaxon.Example.com", "exa mple.com", "a" * 64 + ".com"]
)
def test_invalid_ingress_host_is_an_error(host):
    assert "host_invalid" in codes(make_plan(tls={"host": host}))


def test_wildcard_ingress_host_passes():
    assert "host_invalid" not in codes(make_plan(tls={"host": "*.ml.example.com"}))


def test_no_tls_is_warned():
    assert finding(make_plan(tls={"mode": "none"}), "tls_off").severity == WARNING


def test_cert_manager_without_ingress_is_an_error():
    assert "cert_manager_requires_ingress" in codes(make_plan(tls={"ingress": False}))


def test_v2_existing_certificate_without_ingress_is_an_error():
    assert "tls_requires_ingress" in codes(
        make_plan(tls={"ingress": False, "mode": "existing-secret"})
    )


def test_v06_certificate_without_ingress_needs_node_port():
    plan = make_plan(
        "v06-legacy", tls={"ingress": False, "mode": "existing-secret", "service_type": "ClusterIP"}
    )
    assert "ssl_requires_node_port" in codes(plan)
    plan = make_plan(
        "v06-legacy", tls={"ingress": False, "mode": "existing-secret", "service_type": "NodePort"}
    )
    assert not {"ssl_requires_node_port", "tls_requires_ingress"} & codes(plan)


def test_tls_secret_name_is_required():
    assert "tls_secret_missing" in codes(make_plan(tls={"secret_name": ""}))


def test_issuer_name_must_be_a_dns_name():
    assert "issuer_invalid" in codes(make_plan(tls={"issuer": "Lets Encrypt"}))


def test_unreachable_service_is_noted():
    assert "not_exposed" in codes(
        make_plan(tls={"ingress": False, "mode": "none", "service_type": "ClusterIP"})
    )


# --- security context


def test_security_context_off_is_warned():
    assert (
        finding(make_plan(security={"enabled": False}), "security_context_off").severity == WARNING
    )


@pytest.mark.parametrize("base", ["v2-two-pool-aws", "v06-legacy"])
def test_root_uid_is_an_error(base):
    # The official validators also reject 0 (they read it as unset): see test_oracles.
    assert (
        finding(
            make_plan(base, security={"uid": 0, "run_as_non_root": False}), "root_user"
        ).severity
        == ERROR
    )


@pytest.mark.parametrize("base", ["v2-two-pool-aws", "v06-legacy"])
def test_root_gid_is_an_error(base):
    assert finding(make_plan(base, security={"gid": 0}), "root_group").severity == ERROR


def test_root_ids_are_not_checked_with_the_security_context_off():
    assert not {"root_user", "root_group"} & codes(
        make_plan(security={"enabled": False, "uid": 0, "gid": 0})
    )


@pytest.mark.parametrize("field", ["uid", "gid"])
def test_ids_out_of_range_are_errors(field):
    assert f"{field}_invalid" in codes(make_plan(security={field: 2**31}))


def test_fs_group_other_than_gid_is_noted():
    assert "fs_group_differs" in codes(make_plan(security={"fs_group": 3000}))


def test_privilege_escalation_is_warned():
    assert "privilege_escalation" in codes(make_plan(security={"allow_privilege_escalation": True}))


# --- secrets


def test_secret_name_must_be_a_dns_name():
    assert "secret_name_invalid" in codes(make_plan(secrets={"name": "Polyaxon Secrets"}))


def test_admin_email_must_look_like_an_email():
    assert "admin_email_invalid" in codes(make_plan(secrets={"admin_email": "admin"}))


def test_admin_user_must_be_a_polyaxon_name():
    assert "admin_user_invalid" in codes(make_plan(secrets={"admin_user": "ad min"}))


def test_a_pool_tainted_like_core_tolerates_the_core_taint_and_shares_its_nodes():
    plan = sched(workloads=pool("polyaxon=core", taint=True))
    assert "shared_nodes" in codes(plan)
