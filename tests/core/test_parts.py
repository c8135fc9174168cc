"""wizard/core/parts.py: answers remembered by the plan parts they read, and only those."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import any_plans
from wizard.core import parts, values, yamlio
from wizard.core.checks import check
from wizard.core.plan import Database, Plan


def test_reading_an_undeclared_part_raises():
    def reads_tls(plan):
        return plan.tls

    with pytest.raises(AttributeError, match="'tls' is not among the declared plan parts"):
        parts.remembered(("database",), reads_tls)(Plan())


def test_the_same_parts_give_the_remembered_answer_and_new_parts_a_new_one():
    calls = []

    def host(plan):
        calls.append(plan.database)
        return plan.database.host

    answer = parts.remembered(("database",), host)
    plan = Plan(database=Database(host="a"))
    assert answer(plan) == "a"
    assert answer(dataclasses.replace(plan, release="x")) == "a"
    assert len(calls) == 1  # another plan, the same database object: remembered
    assert answer(dataclasses.replace(plan, database=Database(host="b"))) == "b"
    assert answer(dataclasses.replace(plan, database=Database(host="a"))) == "a"
    assert len(calls) == 3  # an equal database that is another object is computed again


def test_scalar_parts_equal_in_python_are_told_apart():
    kind = parts.remembered(("release",), lambda plan: type(plan.release).__name__)
    assert [kind(Plan(release=v)) for v in (True, 1, 1.0, "1")] == ["bool", "int", "float", "str"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_plans(), min_size=1, max_size=4))
def test_check_answers_as_it_would_with_nothing_remembered(plans):
    """Whatever plans were checked before, the findings are those of a first check; and a deep
    copy of the plan (other objects, same values) gets the same findings again."""
    for plan in plans:
        remembered = check(plan)
        parts.forget()
        assert remembered == check(plan)
        assert check(copy.deepcopy(plan)) == remembered


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_plans(), min_size=1, max_size=4))
def test_the_values_file_is_its_sections_dumped_whatever_came_before(plans):
    """to_yaml remembers each section's text by its parts: it must equal the sections of
    to_sections (never remembered) dumped, before and after the memo is emptied."""
    for plan in plans:
        remembered = values.to_yaml(plan)
        assert remembered.endswith("\n" + yamlio.dump_commented(values.to_sections(plan)))
        parts.forget()
        assert values.to_yaml(plan) == remembered == values.to_yaml(copy.deepcopy(plan))


def test_an_answer_is_kept_by_the_parts_it_read_not_all_it_may_read():
    calls = []

    def database_section(plan):
        calls.append(1)
        if plan.database.kind == "external":
            return "external"
        return f"in-cluster on {plan.scheduling.core.labels}"

    answer = parts.remembered(("database", "scheduling"), database_section)
    external = Plan(database=Database(kind="external"))
    assert answer(external) == "external"
    moved = dataclasses.replace(external, scheduling=dataclasses.replace(external.scheduling))
    assert answer(moved) == "external" and len(calls) == 1  # scheduling was never read
    inside = Plan(database=Database(kind="in-cluster"))
    first = answer(inside)
    assert first.startswith("in-cluster") and len(calls) == 2
    assert answer(dataclasses.replace(inside, release="x")) == first and len(calls) == 2
    other = dataclasses.replace(inside, scheduling=dataclasses.replace(inside.scheduling))
    assert answer(other) == first and len(calls) == 3  # read it, so another object recomputes
