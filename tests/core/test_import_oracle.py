"""The official validators accept the export of every import whose file they accepted."""

import pytest
from hypothesis import HealthCheck, assume, given, settings

from tests.import_files import V06_GUIDE, V2_REALISTIC
from tests.plans import EXAMPLE_NAMES, example
from tests.strategies import valid_plans
from wizard.core import safeyaml, values
from wizard.core.checks import check, has_errors
from wizard.core.importer import import_values

# A v2 file like the polyaxon CLI's deployment fixtures: images, resources, replicas, HPA.
V2_CLI_LIKE = """\
deploymentChart: platform
namespace: polyaxon
limitResources: true
rbac: {enabled: true}
gateway:
  image: polyaxon/polyaxon-api
  imageTag: 2.15.1
  imagePullPolicy: IfNotPresent
  replicas: 2
  concurrency: 4
  resources:
    requests: {cpu: 500m, memory: 512Mi}
    limits: {cpu: "1", memory: 1Gi}
  service: {type: NodePort}
agent:
  image: polyaxon/polyaxon-haupt
  imageTag: 2.15.1
  resources:
    requests: {cpu: 100m, memory: 128Mi}
operator:
  enabled: true
postgresql:
  enabled: true
  auth: {username: polyaxon, database: polyaxon}
  primary:
    persistence: {enabled: true, size: 20Gi}
securityContext:
  enabled: true
  runAsUser: 1000
  runAsGroup: 1000
  fsGroup: 1000
artifactsStore:
  name: store
  kind: volume_claim
  schema: {volumeClaim: polyaxon-artifacts, mountPath: /plx, readOnly: false}
connections:
  - name: data
    kind: volume_claim
    schema: {volumeClaim: polyaxon-data, mountPath: /data/data, readOnly: true}
user: {username: admin, email: admin@acme.example.com}
timezone: UTC
"""


def assert_export_accepted(oracle, text: str, target: str | None = None) -> None:
    result = import_values(safeyaml.load_values(text), target)
    assert oracle.validate_values(result.plan.target, values.to_yaml(result.plan)) is None


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_export_of_an_imported_example_is_accepted(oracle, name):
    plan = example(name)
    assert_export_accepted(oracle, values.to_yaml(plan))


@pytest.mark.parametrize("text", [V2_REALISTIC, V2_CLI_LIKE], ids=["realistic", "cli-like"])
def test_a_valid_v2_file_stays_valid_through_import_and_export(oracle, text):
    assert oracle.validate_values("v2", text) is None  # valid to begin with
    assert_export_accepted(oracle, text)


def test_the_guides_06_file_stays_valid_and_loses_its_nested_selector(oracle):
    assert oracle.validate_values("v0.6", V06_GUIDE) is None  # the 0.6 validator lets it pass
    assert_export_accepted(oracle, V06_GUIDE)


def test_a_06_file_migrated_to_v2_is_accepted_by_the_v2_validator(oracle):
    assert_export_accepted(oracle, V06_GUIDE, "v2")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_plans())
def test_the_export_of_an_imported_generated_plan_is_accepted(oracle, plan):
    assume(not has_errors(check(plan)))
    assert_export_accepted(oracle, values.to_yaml(plan))
