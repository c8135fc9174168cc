import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from tests.plans import EXAMPLE_NAMES, EXAMPLES, example
from tests.strategies import any_plans
from wizard.core import codec
from wizard.core.plan import Plan

SCHEMA = Path(__file__).resolve().parent.parent.parent / "docs" / "plan.schema.json"


@settings(max_examples=200, deadline=None)
@given(any_plans())
def test_plan_survives_a_json_round_trip(plan):
    assert codec.from_dict(json.loads(json.dumps(codec.to_dict(plan)))) == plan


def test_documents_carry_version_1_first():
    assert list(codec.to_dict(Plan()))[0] == "version" and codec.to_dict(Plan())["version"] == 1


def test_missing_keys_take_defaults():
    assert codec.from_dict({"version": 1}) == Plan()


def problems(data) -> list[tuple[str, str]]:
    with pytest.raises(codec.PlanFormatError) as err:
        codec.from_dict(data)
    return err.value.problems


def test_unsupported_version_is_refused():
    assert problems({"version": 2})[0][0] == "version"


def test_a_non_object_is_refused():
    assert problems([1, 2])[0][0] == ""


def test_unknown_keys_are_refused_with_their_path():
    assert ("database.hots", "unknown key") in problems({"database": {"hots": "x"}})


def test_a_password_gets_a_pointed_message_not_just_unknown_key():
    ((path, message),) = problems({"database": {"password": "hunter2"}})
    assert (
        path == "database.password" and "Kubernetes Secret" in message and "hunter2" not in message
    )


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"database": {"port": "5432"}}, "database.port"),
        ({"database": {"port": True}}, "database.port"),
        ({"security": {"enabled": "yes"}}, "security.enabled"),
        ({"tls": {"host": 5}}, "tls.host"),
        ({"scheduling": {"core": {"labels": {"a": "b"}}}}, "scheduling.core.labels"),
        ({"scheduling": {"core": {"labels": [{"key": "a"}]}}}, "scheduling.core.labels.0.value"),
        ({"storage": {"data": [{"kind": "s3"}]}}, "storage.data.0.name"),
        ({"database": {"port": 2**40}}, "database.port"),
    ],
)
def test_wrong_json_types_are_refused_with_their_path(data, path):
    assert path in [p for p, _ in problems(data)]


def test_lists_and_strings_are_capped():
    labels = [{"key": f"k{i}", "value": "v"} for i in range(codec.MAX_ITEMS + 1)]
    assert problems({"scheduling": {"core": {"labels": labels}}})[0][0] == "scheduling.core.labels"
    assert problems({"tls": {"host": "a" * (codec.MAX_STRING + 1)}})[0][0] == "tls.host"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_files_decode_and_re_encode_to_the_same_plan(name):
    data = json.loads((EXAMPLES / f"{name}.json").read_text())
    assert codec.from_dict(codec.to_dict(codec.from_dict(data))) == example(name)


def test_committed_json_schema_is_the_generated_one():
    assert json.loads(SCHEMA.read_text()) == codec.json_schema()


def test_schema_lists_the_allowed_values_of_choice_fields():
    defs = codec.json_schema()["$defs"]
    assert defs["Toleration"]["properties"]["operator"]["enum"] == ["Equal", "Exists"]
    assert defs["Store"]["required"] == ["name"]
