"""Three-way merge of two saves from one revision (wizard/core/merge.py)."""

import json
from pathlib import Path

from wizard.core import codec
from wizard.core.merge import merge

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _base() -> dict:
    return codec.to_dict(
        codec.from_dict(json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text()))
    )


def _with(data: dict, path: str, value) -> dict:
    out = json.loads(json.dumps(data))
    node = out
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    return out


def test_changes_to_different_fields_are_both_kept():
    base = _base()
    theirs = _with(base, "database.port", 6543)
    mine = _with(base, "release", "mine")
    result = merge(base, theirs, mine)
    assert result.conflicts == ()
    assert result.merged["database"]["port"] == 6543 and result.merged["release"] == "mine"
    assert (result.theirs_only, result.mine_only) == (("database.port",), ("release",))


def test_a_field_both_changed_differently_needs_a_choice():
    base = _base()
    result = merge(base, _with(base, "namespace", "a"), _with(base, "namespace", "b"))
    assert [c.path for c in result.conflicts] == ["namespace"]
    assert result.resolve({})["namespace"] == "b"
    assert result.resolve({"namespace": "theirs"})["namespace"] == "a"


def test_the_same_change_on_both_sides_is_no_conflict():
    base = _base()
    result = merge(base, _with(base, "namespace", "a"), _with(base, "namespace", "a"))
    assert result.conflicts == () and result.merged["namespace"] == "a"


def test_a_list_is_one_field():
    base = _base()
    labels = [{"key": "pool", "value": "x"}]
    theirs = _with(base, "scheduling.core.labels", labels)
    result = merge(base, theirs, base)
    assert result.theirs_only == ("scheduling.core.labels",)
    assert codec.from_dict(result.merged).scheduling.core.labels[0].key == "pool"


def test_the_merge_is_a_valid_plan():
    base = _base()
    theirs = _with(_with(base, "database.port", 6543), "namespace", "a")
    mine = _with(_with(base, "security.uid", 3000), "namespace", "b")
    result = merge(base, theirs, mine)
    plan = codec.from_dict(result.resolve({"namespace": "theirs"}))
    assert (plan.database.port, plan.security.uid, plan.namespace) == (6543, 3000, "a")
