"""The official Polyaxon validators accept everything the engine renders (test oracles)."""

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings

from tests.plans import EXAMPLE_NAMES, example
from tests.strategies import any_plans, valid_plans
from wizard.core import values
from wizard.core.checks import check, has_errors

ORACLE_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_validator_accepts_each_example_values_file(oracle, name):
    plan = example(name)
    assert oracle.validate_values(plan.target, values.to_yaml(plan)) is None


@pytest.mark.parametrize("name", [n for n in EXAMPLE_NAMES if n.startswith("v2")])
def test_polyaxon_check_accepts_each_example_preset(oracle, name):
    plan = example(name)
    for preset in values.to_presets(plan):
        assert oracle.validate_preset(values.preset_yaml(plan, preset)) is None, preset


@ORACLE_SETTINGS
@given(valid_plans())
def test_validator_accepts_every_error_free_generated_plan(oracle, plan):
    assume(not has_errors(check(plan)))
    assert oracle.validate_values(plan.target, values.to_yaml(plan)) is None
    for preset in values.to_presets(plan):
        assert oracle.validate_preset(values.preset_yaml(plan, preset)) is None, preset


@settings(max_examples=300, deadline=None)
@given(any_plans())
def test_rendered_yaml_loads_back_to_exactly_the_plans_values(plan):
    assert yaml.safe_load(values.to_yaml(plan)) == values.to_values(plan)
    for name, preset in values.to_presets(plan).items():
        assert yaml.safe_load(values.preset_yaml(plan, name)) == preset


def test_oracle_fixture_really_rejects_the_guides_nested_selector(oracle):
    """Guard: a test oracle that accepts everything would make the tests above worthless."""
    nested = "nodeSelector:\n  core:\n    polyaxon: core\n"
    assert oracle.validate_values("v2", nested) is not None
