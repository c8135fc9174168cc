"""The oracles must reject what the official validators reject; otherwise every test
that trusts them proves nothing."""

GOOD_PRESET = """\
version: 1.1
kind: operation
isPreset: true
runPatch:
  environment:
    nodeSelector:
      polyaxon: experiments
    tolerations:
      - key: polyaxon
        operator: Equal
        value: experiments
        effect: NoSchedule
"""


def test_v2_rejects_plural_node_selectors(oracle):
    assert oracle.validate_values("v2", "nodeSelectors:\n  core:\n    polyaxon: core\n")


def test_v2_rejects_nested_node_selector(oracle):
    errors = oracle.validate_values("v2", "nodeSelector:\n  core:\n    polyaxon: core\n")
    assert errors and "string_type" in errors


def test_v2_rejects_a_string_port(oracle):
    errors = oracle.validate_values("v2", 'externalServices:\n  postgresql:\n    port: "5432"\n')
    assert errors and "externalServices.postgresql.port" in errors


def test_v2_accepts_a_flat_node_selector_with_null_affinity(oracle):
    assert oracle.validate_values("v2", "nodeSelector:\n  polyaxon: core\naffinity: null\n") is None


def test_v06_rejects_ingress_service_type(oracle):
    errors = oracle.validate_values("v0.6", "serviceType: Ingress\n")
    assert errors and "serviceType" in errors


def test_v06_rejects_plural_node_selectors(oracle):
    errors = oracle.validate_values("v0.6", "nodeSelectors:\n  core:\n    polyaxon: core\n")
    assert errors and "nodeSelectors" in errors


def test_v06_accepts_a_flat_node_selector(oracle):
    assert oracle.validate_values("v0.6", "nodeSelector:\n  polyaxon: core\n") is None


def test_both_reject_unparsable_yaml(oracle):
    assert oracle.validate_values("v2", "nodeSelector: [\n")
    assert oracle.validate_values("v0.6", "nodeSelector: [\n")


def test_preset_check_accepts_a_good_preset(oracle):
    assert oracle.validate_preset(GOOD_PRESET) is None


def test_preset_check_rejects_a_node_selector_list(oracle):
    broken = GOOD_PRESET.replace("      polyaxon: experiments\n", "      - polyaxon\n")
    errors = oracle.validate_preset(broken)
    assert errors and "nodeSelector" in errors


def test_preset_check_rejects_an_unknown_key(oracle):
    errors = oracle.validate_preset(GOOD_PRESET.replace("nodeSelector:", "nodeSelectorz:"))
    assert errors and "extra_forbidden" in errors
