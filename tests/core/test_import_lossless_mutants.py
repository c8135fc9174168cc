"""The lossless round trip can fail: an importer that drops any one field is caught by it."""

import dataclasses

import pytest
from hypothesis import HealthCheck, Phase, given, settings

import wizard.core.importer as importer
from tests.core import test_import_lossless as lossless
from tests.strategies import valid_plans
from wizard.core.importer import read
from wizard.core.plan import Affinity


def _round_trip_holds() -> bool:
    @settings(
        max_examples=80,
        deadline=None,
        phases=[Phase.generate],  # a mutant is caught or not; no need to shrink its example
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(valid_plans().filter(lossless.representable))
    def prop(plan):
        assert lossless.compared_files(lossless.reimport(plan)) == lossless.compared_files(plan)

    try:
        prop()
    except AssertionError:
        return False
    return True


def _drop_seconds(original):
    def mutant(item, where, out):
        tol = original(item, where, out)
        return tol and dataclasses.replace(tol, seconds="")

    return mutant


def _drop_registry(original):
    def mutant(presets, base, out):
        return dataclasses.replace(original(presets, base, out), registry_connection="")

    return mutant


def _drop_option(name):
    def wrap(original):
        def mutant(values, target=None, **options):
            options.pop(name, None)
            return original(values, target, **options)

        return mutant

    return wrap


def _drop_taint(original):
    def mutant(labels, tolerations):
        return dataclasses.replace(original(labels, tolerations), taint=False)

    return mutant


def _drop_data_stores(original):
    def mutant(values, out):
        storage, registry = original(values, out)
        return dataclasses.replace(storage, data=()), registry

    return mutant


def _drop_node_affinity(original):
    def mutant(value, where, out, **options):
        affinity, switch, rest = original(value, where, out, **options)
        return dataclasses.replace(affinity, required=(), preferred=()), switch, rest

    return mutant


def _drop_spread_terms(original):
    def mutant(value, where, out, **options):
        affinity, switch, rest = original(value, where, out, **options)
        return dataclasses.replace(affinity, spread=()), switch, rest

    return mutant


def _drop_preset_affinity(original):
    def mutant(environment, where, out):
        original(environment, where, out)
        return Affinity()

    return mutant


MUTANTS = {
    "toleration seconds": (read, "_toleration", _drop_seconds),
    "registry connection": (importer, "read_presets", _drop_registry),
    "release": (importer, "import_values", _drop_option("release")),
    "namespace": (importer, "import_values", _drop_option("namespace")),
    "pool taint": (read, "_pool", _drop_taint),
    "v2 data stores": (read, "_v2_storage", _drop_data_stores),
    "node affinity": (read, "read_affinity", _drop_node_affinity),
    "core spread terms": (read, "read_affinity", _drop_spread_terms),
    "preset affinity": (read, "_preset_affinity", _drop_preset_affinity),
}


def test_the_round_trip_holds_for_the_real_importer():
    assert _round_trip_holds()


@pytest.mark.parametrize("name", MUTANTS)
def test_an_importer_that_drops_a_field_breaks_the_round_trip(name, monkeypatch):
    module, attr, mutate = MUTANTS[name]
    monkeypatch.setattr(module, attr, mutate(getattr(module, attr)))
    assert not _round_trip_holds()
