"""safeyaml.load refuses hostile files fast, with the line, and reads real values files."""

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.core import safeyaml
from wizard.core.safeyaml import YamlRefused


def billion_laughs(levels: int = 10, width: int = 10) -> str:
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * width)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def deep_flow(levels: int) -> str:
    return "a: " + "[" * levels + "]" * levels + "\n"


def deep_block(levels: int) -> str:
    return "".join("  " * i + f"k{i}:\n" for i in range(levels)) + "  " * levels + "v: 1\n"


# name -> (file, line the message must name)
HOSTILE = {
    "billion_laughs": (billion_laughs(), 6),
    "wide_alias_bomb": (
        "a: &a [" + ",".join(["x"] * 1000) + "]\n" + "b: [" + ",".join(["*a"] * 999) + "]\n",
        2,
    ),
    "nesting_10000_flow": (deep_flow(10_000), 1),
    "nesting_100_block": (deep_block(100), safeyaml.MAX_DEPTH + 1),
    "duplicate_keys": ("gateway:\n  replicas: 1\n  replicas: 2\n", 3),
    "duplicate_top_keys": ("a: 1\nb: 2\na: 3\n", 3),
    "multiple_documents": ("a: 1\n---\nb: 2\n", 2),
    "top_level_list": ("- a\n- b\n", 1),
    "top_level_scalar": ("just text\n", 1),
    "python_apply": ("a: !!python/object/apply:os.system ['echo pwned']\n", 1),
    "python_name": ("x: 1\nb: !!python/name:os.system\n", 2),
    "custom_tag": ("a: 1\nb: !Ref something\n", 2),
    "date": ("a: 1\nbuilt: 2024-01-31\n", 2),
    "timestamp": ("at: 2001-12-14t21:59:43.10-05:00\n", 1),
    "binary": ("a: !!binary aGVsbG8=\n", 1),
    "nan": ("a:\n  b: .nan\n", 2),
    "inf": ("a: .inf\n", 1),
    "negative_inf": ("a: -.Inf\n", 1),
    "set": ("s: !!set {a, b}\n", 1),
    "omap": ("o: !!omap [a: 1, b: 2]\n", 1),
    "int_key": ("ports:\n  80: http\n", 2),
    "complex_key": ("? [a, b]\n: c\n", 1),
    "alias_loop": ("a: &a [1, *a]\n", 1),
    "huge_scalar": ("a: " + "x" * (300 * 1024) + "\n", 1),
    "syntax_error": ("a: [1, 2\nb: 3\n", 2),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_with_its_line(name):
    # How fast: `make bench` (the bomb rows), never a timed unit test.
    text, line = HOSTILE[name]
    with pytest.raises(YamlRefused) as refused:
        safeyaml.load_values(text)
    assert refused.value.line == line, refused.value.message
    assert refused.value.message


def test_file_over_the_size_cap_is_refused_before_parsing():
    data = b"a: 1\n" + b"#" * safeyaml.MAX_BYTES
    with pytest.raises(YamlRefused, match="limit"):
        safeyaml.load_values(data)


def test_size_is_counted_in_bytes_not_characters():
    text = "a: " + "é" * (safeyaml.MAX_BYTES // 2 + 10) + "\n"  # fewer chars than the cap
    with pytest.raises(YamlRefused, match="limit"):
        safeyaml.load_values(text)


def test_non_utf8_file_is_refused_with_its_line():
    with pytest.raises(YamlRefused, match="UTF-8") as refused:
        safeyaml.load_values(b"a: 1\nb: caf\xe9\n")
    assert refused.value.line == 2


def test_utf8_bom_is_accepted():
    assert safeyaml.load_values("\ufeffa: 1\n".encode()) == {"a": 1}


def test_empty_file_is_an_empty_mapping():
    assert safeyaml.load_values(b"") == {}
    assert safeyaml.load_values("# only a comment\n") == {}


def test_duplicate_key_message_names_both_lines():
    with pytest.raises(YamlRefused, match=r"lines 1 and 3"):
        safeyaml.load_values("a: 1\nb: 2\na: 3\n")


def test_small_aliases_and_merge_keys_are_read_like_yaml():
    text = "base: &b {cpu: 1, memory: 2Gi}\ngateway:\n  resources: *b\nagent:\n  <<: *b\n  cpu: 2\n"
    assert safeyaml.load_values(text) == yaml.safe_load(text)


def test_quoted_dates_and_numbers_stay_text():
    assert safeyaml.load_values('a: "2024-01-31"\nb: "80"\n') == {"a": "2024-01-31", "b": "80"}


GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "v2-two-pool-aws.values.yaml"


def realistic_large_file(target_bytes: int = 1024 * 1024) -> str:
    """About 1 MiB of real values (the golden v2 file, comments included) under many releases."""
    body = "".join(f"  {line}\n" if line else "\n" for line in GOLDEN.read_text().splitlines())
    parts, size, i = [], 0, 0
    while size < target_bytes:
        chunk = f"release{i}:\n{body}"
        parts.append(chunk)
        size += len(chunk)
        i += 1
    return "".join(parts)


def test_a_legit_one_megabyte_file_reads_as_pyyaml_reads_it():
    # How fast: `make bench` (the 1 MB import row), never a timed unit test.
    text = realistic_large_file()
    assert safeyaml.load_values(text) == yaml.safe_load(text)


def test_what_loads_is_never_deeper_than_a_plan_can_keep():
    from wizard.core import codec

    assert safeyaml.MAX_DEPTH < codec.MAX_KEPT_DEPTH
    safeyaml.load_values(deep_block(safeyaml.MAX_DEPTH - 1))


# --- the single pass reads exactly what the reference reader (caps, then PyYAML) reads --------

PLAIN_WORDS = ["core", "a b", "yes", "No", "on", "OFF", "y", "n", "~", "null", "Null", "", "0",
               "-0", "+12", "0x1F", "0b101", "017", "08", "1_000", "1:20", "-1:30:00", "3.14",
               "+.5", "1e3", "1.0e+3", "6.8523015e+5", "-1_0.5", "190:20:30.15", "true", "FALSE",
               "2024-01-31", "2001-12-14t21:59:43.10-05:00", ".nan", ".NaN", ".inf", "-.Inf",
               "1.0e+400", "=", "<<", "1" + "0" * 5000, "0o17", "x: y"]  # fmt: skip
TAGGED = ["!!str 12", '!!int "12"', "!!float 1", "!!bool maybe", "!!null x", "! 12", '! "12"',
          "!!binary aGk=", "!Ref x", "!!python/name:os.system", "!!timestamp 2020-01-01",
          "!!merge x", "!!value x", "!!set {a}", "!!map {a: 1}", "!!seq [1]", "!!omap [a: 1]"]  # fmt: skip
KEYS = ["a", "b", "name", '"a"', "'b'", "80", "true", "~", "<<", "=", "1.5", "2024-01-31",
        "? [x]", "? {k: v}", "&k a", "*k", '"<<"']  # fmt: skip


def _scalar_text(draw, plain_only: bool) -> str:
    if plain_only:
        return draw(st.sampled_from(["core", "a b", "yes", "~", "", "0", "+12", "0x1F", "017",
                                     "1_000", "1:20", "3.14", "1e3", "1.0e+3", "-.5", "null",
                                     '"80"', "'x y'", '"2024-01-31"', '".nan"', '"\\t"']))  # fmt: skip
    pools = [PLAIN_WORDS, PLAIN_WORDS, TAGGED, ['"80"', "'it''s'", '"\\u00e9"', '""', '".inf"']]
    return draw(st.sampled_from(draw(st.sampled_from(pools))))


@st.composite
def yaml_nodes(draw, depth: int = 0, plain_only: bool = False, aliases: bool = True) -> tuple:
    """("map", props, [(key, node)]) / ("seq", props, [node]) / ("scalar", text) / ("alias", name).

    plain_only: no tags, no anchors, string keys given once, aliases only to `x` (defined first).
    """
    anchors = ["x", "y"]
    props = ""
    if not plain_only and draw(st.integers(0, 7)) == 0:
        props = f"&{draw(st.sampled_from(anchors))} "
    if not plain_only and draw(st.integers(0, 20)) == 0:
        props += draw(st.sampled_from(["!!map ", "!!seq ", "! ", "!Thing "]))
    kinds = ["scalar"] * 4 + ["alias"] * aliases + ["map", "map", "seq"] * (depth < 4)
    kind = draw(st.sampled_from(kinds))
    if kind == "alias":
        return ("alias", "x" if plain_only else draw(st.sampled_from([*anchors, "undefined"])))
    if kind == "scalar":
        return ("scalar", props + _scalar_text(draw, plain_only))
    size = draw(st.integers(0, 4))
    children = [draw(yaml_nodes(depth + 1, plain_only, aliases)) for _ in range(size)]
    if kind == "seq":
        return ("seq", props, children)
    keys = st.sampled_from(["a", "b", "c", "name", "'q'"])
    if not plain_only:
        keys = keys | st.sampled_from(KEYS)
    chosen = draw(st.lists(keys, min_size=size, max_size=size, unique=plain_only))
    return ("map", props, list(zip(chosen, children, strict=True)))


def _flow(node) -> str:
    if node[0] == "scalar":
        return node[1] or '""' if node[1] in ("", "x: y") else node[1]
    if node[0] == "alias":
        return f"*{node[1]}"
    props, children = node[1], node[2]
    if node[0] == "seq":
        return props + "[" + ", ".join(_flow(c) for c in children) + "]"
    return props + "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in children) + "}"


def _block(node, indent: int, flow_below: int) -> str:
    """Block style down to `flow_below` levels, flow style under it."""
    pad = " " * indent
    if node[0] not in ("map", "seq") or not node[2] or flow_below <= 0:
        return f"{pad}{_flow(node)}\n"
    props, children = node[1].strip(), node[2]
    lines = [f"{pad}{props}\n"] if props else []
    for item in children:
        child = item if node[0] == "seq" else item[1]
        head = f"{pad}- " if node[0] == "seq" else f"{pad}{item[0]}: "
        if child[0] in ("map", "seq") and child[2] and flow_below > 1:
            lines.append(
                head.rstrip() + (" " + child[1].strip() if child[1].strip() else "") + "\n"
            )
            lines.append(_block((child[0], "", child[2]), indent + 2, flow_below - 1))
        else:
            lines.append(head + _flow(child) + "\n")
    return "".join(lines)


@st.composite
def yaml_texts(draw, plain_only: bool = False) -> str:
    root = draw(yaml_nodes(plain_only=plain_only))
    if plain_only:
        anchored = draw(yaml_nodes(plain_only=True, aliases=False))
        anchored = (anchored[0], "&x " + anchored[1], *anchored[2:])
        root = (
            "map",
            "",
            [("def", anchored), ("top", root), ("other", draw(yaml_nodes(plain_only=True)))],
        )
    elif draw(st.integers(0, 5)):
        root = ("map", "", [("top", root), ("other", draw(yaml_nodes()))])
    text = _block(root, 0, draw(st.integers(0, 5)))
    if not plain_only:
        text = draw(st.sampled_from(["", "---\n", "%YAML 1.1\n---\n"])) + text
        if draw(st.integers(0, 3)) == 0:
            text += draw(st.sampled_from(["...\n", "---\nb: 1\n", "x: [\n", "  - bad\n"]))
        for _ in range(draw(st.integers(0, 2)) if draw(st.integers(0, 3)) == 0 else 0):
            # now and then, break it somewhere
            at = draw(st.integers(0, len(text)))
            text = (
                text[:at]
                + draw(st.sampled_from(["", ":", "-", "[", "}", "\n  ", "&x ", "*"]))
                + text[at + 1 :]
            )
    return text


def _outcome(read, text: str) -> tuple:
    """What reading gives, comparable across readers: types, key order and aliasing included."""
    try:
        value = read(text)
    except YamlRefused as exc:
        return ("refused", exc.message, exc.line)
    except Exception as exc:  # noqa: BLE001 - whatever the reference raises, the same
        return ("raised", type(exc).__name__, str(exc))
    return ("read", repr(value), _sharing(value))


def _sharing(value, seen: dict | None = None, out: list | None = None) -> list:
    """The order in which containers are first met, so shared (aliased) objects show."""
    seen, out = ({}, []) if seen is None else (seen, out)
    if isinstance(value, dict | list):
        out.append(seen.setdefault(id(value), len(seen)))
        if len(out) == len(seen) or out[-1] == len(seen) - 1:
            for child in value.values() if isinstance(value, dict) else value:
                _sharing(child, seen, out)
    return out


def _pyyaml_safe(text: str):
    """PyYAML's own safe reading with libyaml (the loader the single pass builds on)."""
    loader = yaml.CSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_texts())
def test_any_document_is_read_or_refused_with_a_user_facing_error(text):
    assert _outcome(safeyaml.load_values, text)[0] in ("read", "refused")


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_texts(plain_only=True))
def test_a_plain_document_is_read_as_pyyaml_reads_it(text):
    value = safeyaml.load_values(text)
    reference = _pyyaml_safe(text)
    assert repr(value) == repr(reference)
    assert _sharing(value) == _sharing(reference)


@pytest.mark.parametrize(
    "text",
    [*(text for text, _ in HOSTILE.values()),
     "a: &x {b: 1}\nc: *x\nd: *x\n", "base: &b {cpu: 1}\nagent:\n  <<: *b\n  cpu: 2\n",
     "a: [[.nan]]\nb: {c: 1, c: 2}\n", "- .nan\n", "a: ! 12\n", "a: !!bool maybe\n",
     "a: &x 1\nb: &x 2\n", "a: *nope\n", "&k a: 1\nb: *k\n", "*k : 1\n", "a: 1\n" * 3,
     "x: " + "[" * 40 + "]" * 40 + "\nx: 1\n", "a: {b: 1, b: 2}\n---\nc: 1\n",
     "a: 2024-01-31\nb: [1, 2\n", "? [a]\n: 1\nb: " + "[" * 40 + "]" * 40 + "\n",
     "a: " + "1" * 5000 + "\n", "a: 1e400\n", "=: 1\n", "<<: [{a: 1}, {b: 2}]\nc: 3\n",
     "", "---\n", "~\n", "\"just text\"\n", "[]\n", "a:\n- 1\n- &s [2]\n- *s\n"],
)  # fmt: skip
def test_edge_cases_are_read_or_refused_with_a_user_facing_error(text):
    assert _outcome(safeyaml.load_values, text)[0] in ("read", "refused")


def test_a_large_plain_file_is_read_as_pyyaml_reads_it():
    text = realistic_large_file()
    assert safeyaml.load_values(text) == _pyyaml_safe(text)


def test_aliases_share_what_they_repeat_as_pyyaml_does():
    values = safeyaml.load_values("a: &x {b: [1]}\nc: *x\n")
    assert values["a"] is values["c"]


def test_a_value_that_does_not_fit_its_explicit_tag_is_refused():
    with pytest.raises(YamlRefused):
        safeyaml.load_values("a: !!bool maybe\n")


def test_a_tab_in_the_indentation_is_named_as_such():
    try:
        safeyaml.load_values(b"a:\n\tb: 1\n")
    except safeyaml.YamlRefused as exc:
        assert exc.line == 2 and "tab" in exc.message
    else:
        raise AssertionError("a tab-indented file was read")


def test_values_are_built_by_a_safe_loader_only():
    # Untrusted text is only ever read by a subclass of PyYAML's SafeLoader (C or Python).
    assert issubclass(safeyaml._ValuesLoader, (yaml.SafeLoader, getattr(yaml, "CSafeLoader", ())))
    source = Path(safeyaml.__file__).read_text()
    assert "yaml.load(" not in source and "yaml.unsafe_load" not in source
