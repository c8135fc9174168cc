"""Import tells the truth: dangerous values are errors, real formats are read, the header's
release and namespace come back."""

import dataclasses

import pytest

from tests.plans import example
from wizard.core import values
from wizard.core.checks import check
from wizard.core.importer import import_text, import_values
from wizard.core.lint import lint_text
from wizard.core.plan import Plan, Pool, Scheduling, Storage, Store, Tls, Toleration
from wizard.core.safeyaml import load_values

V2 = "gateway: {replicas: 1}\n"


def codes_at(findings, path):
    return {f.code for f in findings if f.path == path}


@pytest.mark.parametrize(
    "path",
    ["/", "/etc", "/etc/kubernetes", "/proc", "/var/run/docker.sock",
     "/run/containerd/containerd.sock", "/var/lib/kubelet", "/var/lib/kubelet/pods", "//etc/"],
)  # fmt: skip
def test_a_dangerous_host_path_store_is_an_error_naming_the_danger(path):
    store = Store(name="artifacts", kind="host-path", host_path=path)
    plan = Plan(storage=Storage(artifacts=store))
    (finding,) = [f for f in check(plan) if f.code == "host_path_dangerous"]
    assert finding.path == "storage.artifacts.host_path" and finding.severity == "error"


@pytest.mark.parametrize("path", ["/data/polyaxon", "/mnt/artifacts", "/srv/etc"])
def test_an_ordinary_host_path_is_not_called_dangerous(path):
    plan = Plan(storage=Storage(artifacts=Store(name="a", kind="host-path", host_path=path)))
    assert "host_path_dangerous" not in {f.code for f in check(plan)}


def test_a_dangerous_host_path_in_an_imported_file_is_a_lint_error():
    text = (
        V2
        + "artifactsStore:\n  name: a\n  kind: host_path\n  schema: {hostPath: /proc, mountPath: /a}\n"
    )
    assert "host_path_dangerous" in {f.code for f in lint_text(text).findings}


def test_a_wildcard_ingress_host_is_an_error():
    plan = Plan(tls=Tls(host="*.example.com"))
    assert "ingress_host_wildcard" in codes_at(check(plan), "tls.host")


def test_toleration_seconds_need_the_no_execute_effect():
    pool = Pool(tolerations=(Toleration("gpu", "Exists", "", "NoSchedule", seconds="30"),))
    plan = Plan(scheduling=Scheduling(core=pool))
    assert "toleration_seconds_without_no_execute" in {f.code for f in check(plan)}


def test_toleration_seconds_are_rendered_and_read_back():
    tol = Toleration("node.kubernetes.io/unreachable", "Exists", "", "NoExecute", seconds="300")
    plan = Plan(
        scheduling=Scheduling(core=dataclasses.replace(Scheduling().core, tolerations=(tol,)))
    )
    rendered = values.to_values(plan)
    assert {
        "key": tol.key,
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    } in rendered["tolerations"]
    again = import_values(load_values(values.to_yaml(plan)), "v2").plan
    assert tol in again.scheduling.core.tolerations


@pytest.mark.parametrize("url", ["s3://acme-outputs/", "s3://acme-outputs"])
def test_a_bucket_with_a_trailing_slash_is_read_and_normalised(url):
    text = V2 + f"artifactsStore:\n  name: a\n  kind: s3\n  schema: {{bucket: '{url}'}}\n"
    result = import_values(load_values(text))
    assert result.plan.storage.artifacts.bucket == "acme-outputs"
    assert "artifacts_store_unsupported" not in {f.code for f in result.findings}


def test_the_release_and_namespace_come_back_from_the_wizards_header():
    plan = dataclasses.replace(example("v2-two-pool-aws"), release="ml-prod", namespace="ml")
    again = import_text(values.to_yaml(plan)).plan
    assert (again.release, again.namespace) == ("ml-prod", "ml")


def test_release_and_namespace_given_win_over_the_header():
    plan = dataclasses.replace(example("v2-two-pool-aws"), release="ml-prod", namespace="ml")
    again = import_text(values.to_yaml(plan), release="other", namespace="ns").plan
    assert (again.release, again.namespace) == ("other", "ns")


def test_the_v06_secret_name_comes_back_from_the_header():
    plan = example("v06-legacy")
    plan = dataclasses.replace(plan, secrets=dataclasses.replace(plan.secrets, name="pax-keys"))
    assert import_text(values.to_yaml(plan), "v0.6").plan.secrets.name == "pax-keys"


def test_the_registry_connection_and_class_pools_come_back_from_the_presets():
    plan = example("v2-per-class-gke")
    presets = values.to_presets(plan)
    again = import_values(load_values(values.to_yaml(plan)), "v2", presets=presets).plan
    assert again.scheduling.registry_connection == plan.scheduling.registry_connection
    assert again.scheduling.classes == plan.scheduling.classes
