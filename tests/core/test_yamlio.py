"""yamlio.dump: PyYAML's dumper with every string double-quoted, read back as the same data."""

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.core import yamlio
from wizard.core.yamlio import dump

# Words and shapes a YAML 1.1 or 1.2 reader would not read back as the same string if unquoted.
TRICKY = [
    "y", "Y", "n", "yes", "No", "on", "OFF", "true", "False", "null", "Null", "~", "nan", "NaN",
    ".nan", ".inf", "-.inf", "1e3", "0o17", "0x1F", "012", "1_000", "1:20", "2001-12-14", "<<", "=",
    "-", "- a", "? x", ": x", "a: b", "#c", "a #b", "&a", "*a", "!t", "%x", "@x", "`x", "|", "> x",
    "'", ",", "[", "{", " lead", "trail ", "two  spaces", "", "_", "a-", "yEs", "polyaxon.com/pool",
]  # fmt: skip
HOSTILE = [
    '"', "\\", "a\\b", 'say "hi"', "\t", "\n", "a\nb", "\r", "\x00", "\x7f", "\x85", "\u2028",
    "\u2029", "\ufeff", "\ufffe", "é", "日本", "😀", "a" * 5000, "word " * 900, "x" * 129,
]  # fmt: skip
SIMPLE_ALPHABET = "".join(c for c in map(chr, range(0x20, 0x7F)) if c not in '"\\')

simple_text = st.sampled_from(TRICKY) | st.text(SIMPLE_ALPHABET, max_size=12)
any_text = simple_text | st.sampled_from(HOSTILE) | st.text(max_size=12)
# Lines around libyaml's 4096 width, where it starts folding double-quoted strings at spaces.
long_text = st.integers(4070, 4110).map(lambda n: ("ab " * 1400)[:n])


def trees(text, keys, scalars):
    return st.recursive(
        scalars | text,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=20,
    )


json_scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70)
simple_trees = trees(simple_text, simple_text, json_scalars)
hostile_trees = trees(
    any_text | long_text,
    any_text | long_text | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False),
    json_scalars | st.floats(allow_nan=False),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_trees | hostile_trees)
def test_dump_loads_back_as_the_same_data(data):
    assert yaml.safe_load(dump(data)) == data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_trees)
def test_every_string_is_written_double_quoted(data):
    for event in yaml.parse(dump(data)):
        if isinstance(event, yaml.ScalarEvent) and event.implicit == (False, True):
            assert event.style == '"', event.value


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"a": 1}, "a: 1\n"),
        ({"a": [1, "x"]}, 'a:\n- 1\n- "x"\n'),  # a list under a key is not indented
        ({"a": {"b": [{"c": True, "d": [None]}]}}, "a:\n  b:\n  - c: true\n    d:\n    - null\n"),
        ([{"k": "v", "l": {"m": 1}}], '- k: "v"\n  l:\n    m: 1\n'),
        ([[1, [2, 3]], []], "- - 1\n  - - 2\n    - 3\n- []\n"),
        ({"a": {}, "b": [], "c": [{}]}, "a: {}\nb: []\nc:\n- {}\n"),
        ({"y": "on", "yEs": "1e3", "a b": "0o17", "": "", "_x-1": " "},
         '"y": "on"\n"yEs": "1e3"\n"a b": "0o17"\n"": ""\n_x-1: " "\n'),
        ({"x" * 128: 1}, "x" * 128 + ": 1\n"),
        ("on", '"on"\n'),
        (-7, "-7\n"),
        (None, "null\n"),
        (False, "false\n"),
        ({}, "{}\n"),
        ([], "[]\n"),
    ],
)  # fmt: skip
def test_dump_writes_the_tricky_shapes(data, expected):
    assert dump(data) == expected


def test_a_section_is_its_comment_then_its_dump():
    assert yamlio.dump_section("why", {"a": "b"}) == '# why\na: "b"\n'
