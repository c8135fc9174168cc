"""Importing what the wizard renders gives back the same values (render -> import -> render)."""

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from tests.plans import EXAMPLE_NAMES, example
from tests.strategies import any_plans, valid_plans
from wizard.core import codec, safeyaml, values
from wizard.core.importer import import_values, known_keys
from wizard.core.importer.detect import V06_MARKERS, V2_MARKERS
from wizard.core.secretfilter import secret_key as is_secret_path


def _round_trip(plan):
    text = values.to_yaml(plan)
    result = import_values(safeyaml.load_values(text), target=plan.target)
    return yaml.safe_load(text), result


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_rendering_an_imported_example_gives_the_same_values(name):
    before, result = _round_trip(example(name))
    assert values.to_values(result.plan) == before


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_an_example_is_detected_as_its_own_target(name):
    plan = example(name)
    result = import_values(safeyaml.load_values(values.to_yaml(plan)))
    assert result.detected == plan.target and not result.ambiguous


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_an_imported_example_keeps_nothing_and_changes_nothing(name):
    _, result = _round_trip(example(name))
    assert result.kept_keys == ()
    assert not [f for f in result.findings if f.code.startswith("value_")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_plans())
def test_rendering_an_imported_generated_plan_gives_the_same_values(plan):
    before, result = _round_trip(plan)
    assert values.to_values(result.plan) == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_plans())
def test_import_is_stable_for_plans_with_kept_values(plan):
    """Hostile kept values: the first import normalises, a second changes nothing."""
    _, first = _round_trip(plan)
    _, second = _round_trip(first.plan)
    assert values.to_values(second.plan) == values.to_values(first.plan)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_plans())
def test_kept_keys_the_charts_do_not_know_survive_verbatim(plan):
    _, result = _round_trip(plan)
    for key, value in plan.kept.items():
        if key in known_keys(plan.target) or is_secret_path(key, key) or key in V2_MARKERS:
            continue
        if key in V06_MARKERS:
            continue
        assert result.plan.kept[key] == value


@settings(max_examples=100, deadline=None)
@given(valid_plans())
def test_an_imported_plan_survives_the_plan_codec(plan):
    _, result = _round_trip(plan)
    assert codec.from_dict(codec.to_dict(result.plan)) == result.plan
