"""Every plan renders with the real chart to objects Kubernetes accepts, placed as the plan says.

Over every v2 example and a hypothesis matrix of plans (both scheduling modes, every ingress
controller, every database and storage kind, long release names). 0.6 plans are not rendered:
current Helm cannot render the 0.6.1 chart at all (see the chart notes, finding 2).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.plans import EXAMPLE_NAMES, example
from tests.render.chart import (
    affinity_terms,
    checksums,
    name_problems,
    pod_templates,
    render,
    selects,
    validation_errors,
    without_crds,
)
from wizard.core.checks import V2_RELEASE_MAX, check, has_errors
from wizard.core.plan import Database, Store, Tls, pool_tolerations
from wizard.core.values import _toleration

V2_EXAMPLES = [name for name in EXAMPLE_NAMES if example(name).target == "v2"]


def render_problems(plan) -> list[str]:
    """Everything wrong with what the chart renders for the plan (empty when all is well)."""
    objects = without_crds(render(plan))
    problems = validation_errors(objects) + name_problems(objects)
    pods = pod_templates(objects)
    all_labels = [t["metadata"].get("labels") or {} for _, t in pods]
    core = plan.scheduling.core
    selector = {label.key: label.value for label in core.labels}
    tolerations = [_toleration(t) for t in pool_tolerations(core)]
    for name, template in pods:
        spec = template["spec"]
        if not selector.items() <= (spec.get("nodeSelector") or {}).items():
            problems.append(
                f"{name}: nodeSelector {spec.get('nodeSelector')} lacks the core pool's"
            )
        for tol in tolerations:
            if tol not in (spec.get("tolerations") or []):
                problems.append(f"{name}: no core toleration {tol}")
        for term in affinity_terms(spec):
            if not any(selects(term["labelSelector"], labels) for labels in all_labels):
                problems.append(f"{name}: affinity selects no pod: {term['labelSelector']}")
    return problems


def test_the_chart_renders_the_crds_as_valid_objects():
    objects = render(example("v2-two-pool-aws"), crds=True)
    crds = [o for o in objects if o["kind"] == "CustomResourceDefinition"]
    assert crds and validation_errors(crds) == []


@pytest.mark.parametrize("name", V2_EXAMPLES)
def test_example_renders_to_valid_objects_on_the_core_pool(name):
    assert render_problems(example(name)) == []


@pytest.mark.parametrize("name", V2_EXAMPLES)
def test_example_renders_the_same_checksums_twice(name):
    plan = example(name)
    first = checksums(without_crds(render(plan)))
    assert first and first == checksums(without_crds(render(plan)))


def test_the_release_name_limit_is_the_longest_name_the_chart_renders():
    # Additional namespaces make the chart render its cluster-wide (longest) names too.
    wide = {"agent": {"additionalNamespaces": ["team-a"]}}
    at_limit = replace(example("v2-two-pool-aws"), release="r" * V2_RELEASE_MAX, kept=wide)
    past_limit = replace(at_limit, release="r" * (V2_RELEASE_MAX + 1))
    assert name_problems(render(at_limit)) == []
    assert name_problems(render(past_limit)) != []


def test_spreading_core_replicas_selects_labels_v2_pods_carry():
    plan = example("v2-two-pool-aws")
    assert plan.scheduling.spread_core
    objects = without_crds(render(plan))
    pods = pod_templates(objects)
    labels = [t["metadata"]["labels"] for _, t in pods]
    for _, template in pods:
        affinity = template["spec"]["affinity"]
        assert (
            "podAffinity" not in affinity
        )  # the chart's default, which selects type=polyaxon-core
        for term in affinity_terms(template["spec"]):
            assert any(selects(term["labelSelector"], pod) for pod in labels)


def test_the_db_ca_is_mounted_where_sslrootcert_points():
    plan = example("v2-eks-rds-alb")
    objects = without_crds(render(plan))
    config = next(o for o in objects if o["metadata"]["name"].endswith("-platform-config"))
    options = config["data"]["POLYAXON_DB_OPTIONS"]
    api = next(t for n, t in pod_templates(objects) if n.endswith("-api"))
    mounts = {
        m["mountPath"]: m["name"]
        for c in api["spec"]["containers"]
        for m in c.get("volumeMounts", [])
    }
    volumes = {v["name"]: v for v in api["spec"]["volumes"]}
    assert '"sslrootcert":"/etc/polyaxon/db-ca/ca.crt"' in options
    assert volumes[mounts["/etc/polyaxon/db-ca"]]["secret"]["secretName"] == plan.database.ca_secret


def test_gke_ingress_has_the_class_annotation_and_no_class_name():
    objects = without_crds(render(example("v2-gke-cloudsql-gcs")))
    ingress = next(o for o in objects if o["kind"] == "Ingress")
    assert ingress["metadata"]["annotations"]["kubernetes.io/ingress.class"] == "gce"
    assert "ingressClassName" not in ingress["spec"]


def test_alb_ingress_uses_the_acm_certificate_and_no_tls_secret():
    objects = without_crds(render(example("v2-eks-rds-alb")))
    ingress = next(o for o in objects if o["kind"] == "Ingress")
    annotations = ingress["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert annotations["alb.ingress.kubernetes.io/certificate-arn"].startswith("arn:aws:acm:")
    assert "tls" not in ingress["spec"]


# --- the matrix -------------------------------------------------------------------------------

_TLS = {
    "nginx": Tls(host="polyaxon.example.com", ingress_class="nginx", controller="nginx"),
    "gce": Tls(host="polyaxon.example.com", ingress_class="gce", controller="gce"),
    "alb": Tls(
        host="polyaxon.example.com",
        ingress_class="alb",
        controller="alb",
        mode="acm",
        acm_certificate_arn="arn:aws:acm:eu-west-1:123456789012:certificate/"
        "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    ),
    "other": Tls(
        host="polyaxon.example.com",
        ingress_class="traefik",
        controller="other",
        mode="existing-secret",
    ),
    "none": Tls(ingress=False, host="polyaxon.example.com", mode="none", service_type="ClusterIP"),
}
_DATABASES = {
    "external-require": Database(host="pg.example.com", sslmode="require"),
    "external-verify-full": Database(
        host="pg.example.com", sslmode="verify-full", ca_secret="pg-ca"
    ),
    "in-cluster": Database(kind="in-cluster"),
}
_STORES = {
    "s3": Store(name="artifacts", kind="s3", bucket="plx-artifacts", secret="plx-s3"),
    "gcs": Store(name="artifacts", kind="gcs", bucket="plx-artifacts", secret="plx-gcs"),
    "azure": Store(
        name="artifacts", kind="azure", bucket="artifacts", account="plxacct", secret="plx-az"
    ),
    "claim": Store(name="artifacts", kind="claim", claim="plx-artifacts"),
    "host-path": Store(name="artifacts", kind="host-path", host_path="/srv/polyaxon"),
}


@st.composite
def render_plans(draw):
    base = example(draw(st.sampled_from(["v2-two-pool-aws", "v2-per-class-gke"])))
    length = draw(st.sampled_from([3, 12, V2_RELEASE_MAX]))
    release = ("plx-" + "r" * V2_RELEASE_MAX)[:length]
    scheduling = replace(base.scheduling, spread_core=draw(st.booleans()))
    data = draw(st.lists(st.sampled_from(sorted(_STORES)), max_size=2, unique=True))
    storage = replace(
        base.storage,
        artifacts=_STORES[draw(st.sampled_from(sorted(_STORES)))],
        data=tuple(replace(_STORES[k], name=f"data-{k}", mount_path=f"/data/{k}") for k in data),
    )
    return replace(
        base,
        release=release,
        scheduling=scheduling,
        database=_DATABASES[draw(st.sampled_from(sorted(_DATABASES)))],
        storage=storage,
        tls=_TLS[draw(st.sampled_from(sorted(_TLS)))],
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(render_plans())
def test_every_plan_without_errors_renders_to_valid_objects_on_the_core_pool(plan):
    findings = check(plan)
    assert not has_errors(findings), [f.code for f in findings if f.severity == "error"]
    assert render_problems(plan) == []
    assert checksums(without_crds(render(plan))) == checksums(without_crds(render(plan)))


def test_the_runbooks_set_file_values_reach_the_chart():
    from tests.render.chart import set_file_values

    values = set_file_values(example("v2-two-pool-aws"))
    assert values["polyaxonSecret"] == "stand-in-polyaxon_secret_key"
    assert values["externalServices"]["postgresql"]["password"] == "stand-in-polyaxon_db_password"
