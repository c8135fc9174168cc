"""Safe YAML in: load an untrusted Helm values file into plain dicts, lists and scalars.

Every refusal is a `YamlRefused(message, line)` that says where and what to do. The size is
capped before anything is decoded; then a pass over the event stream caps nesting, aliases and
the node count an alias would expand to (aliases share what they repeat, so an alias bomb or a
deep nesting is refused in milliseconds and never built). Only then does PyYAML's safe
constructor build the data, refusing what a values file never needs and what would not survive a
round trip to JSON (tags, dates, NaN, duplicate or non-string keys).
"""

from __future__ import annotations

import math
import re

import yaml

MAX_BYTES = 2 * 1024 * 1024
# Collections nested deeper than this are refused: one less than the plan codec's limit for
# kept values, so whatever is read can be kept, saved and loaded again.
MAX_DEPTH = 31
MAX_ALIASES = 1_000
MAX_SCALAR = 256 * 1024  # one value; an inline CA bundle is a few KiB
# Values an alias repeats, counted with the aliases inside what it repeats: a real file repeats
# a selector or a resources block (tens of values); a "billion laughs" bomb needs billions.
MAX_ALIAS_EXPANSION = 100_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_REFUSED_TAGS = {
    "tag:yaml.org,2002:timestamp": "a date or timestamp; quote it to keep it as text",
    "tag:yaml.org,2002:binary": "!!binary data; a values file holds text",
    "tag:yaml.org,2002:set": "a !!set; use a list",
    "tag:yaml.org,2002:omap": "an !!omap; use a plain mapping",
    "tag:yaml.org,2002:pairs": "!!pairs; use a plain mapping",
}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
}


class SpelledInt(int):
    """An int the file wrote in another base or form than plain decimal (`0x1538`, `0644`,
    `1_000`, `1:30`): equal to its value, but `text` keeps the spelling, so a field that expects
    a plain number can say so instead of taking a value the user did not mean."""

    text: str = ""


_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")


class YamlRefused(ValueError):
    """The file is not a values file this tool will read; `line` is 1-based (0: whole file)."""

    def __init__(self, message: str, line: int = 0):
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


def _line(mark) -> int:
    return mark.line + 1 if mark is not None else 0


class _ValuesLoader(_Loader):
    """SafeLoader that refuses duplicate and non-string keys, and tags a values file never needs."""

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise YamlRefused("expected a mapping", _line(node.start_mark))
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            line = _line(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a collection"
                raise YamlRefused(
                    f"the key {str(shown)[:40]!r} is not a string; Helm values keys are text "
                    '(quote it, e.g. "80":)',
                    line,
                )
            key = key_node.value
            if key in seen:
                raise YamlRefused(
                    f"the key {key[:60]!r} is given twice (lines {seen[key]} and {line}); "
                    "keep one, since YAML readers disagree on which wins",
                    line,
                )
            seen[key] = line
        self.flatten_mapping(node)  # `<<` merge keys, as YAML 1.1 readers such as Helm do
        out = {}
        for key_node, value_node in node.value:
            out[key_node.value] = self.construct_object(value_node, deep=True)
        return out

    def construct_yaml_map(self, node):
        yield self.construct_mapping(node)

    def construct_yaml_float(self, node):
        value = super().construct_yaml_float(node)
        if math.isnan(value) or math.isinf(value):
            raise YamlRefused(
                f"{node.value!r} is NaN or infinity, which no chart value expects; quote it "
                "if it is meant as text",
                _line(node.start_mark),
            )
        return value

    def construct_yaml_int(self, node):
        value = super().construct_yaml_int(node)
        if _DECIMAL.match(node.value):
            return value
        spelled = SpelledInt(value)
        spelled.text = node.value
        return spelled

    def construct_undefined(self, node):
        raise YamlRefused(_tag_message(node.tag), _line(node.start_mark))


def _tag_message(tag: str) -> str:
    if tag in _REFUSED_TAGS:
        return f"refused {_REFUSED_TAGS[tag]}"
    if tag.startswith("tag:yaml.org,2002:python/"):
        return f"refused the Python tag {tag[18:][:60]!r}: it would run code; remove it"
    return f"refused the custom tag {tag[:60]!r}: Helm values use plain YAML; remove the tag"


_ValuesLoader.add_constructor("tag:yaml.org,2002:map", _ValuesLoader.construct_yaml_map)
_ValuesLoader.add_constructor("tag:yaml.org,2002:float", _ValuesLoader.construct_yaml_float)
_ValuesLoader.add_constructor("tag:yaml.org,2002:int", _ValuesLoader.construct_yaml_int)
for _tag in _REFUSED_TAGS:
    _ValuesLoader.add_constructor(_tag, _ValuesLoader.construct_undefined)
_ValuesLoader.add_constructor(None, _ValuesLoader.construct_undefined)


def _tab_indented(text: str, line: int) -> bool:
    """PyYAML reports a tab in indentation as "found character that cannot start any token"."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return False
    indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip(" \t"))]
    return "\t" in indent


def _prescan(text: str) -> None:
    """Walk the event stream: one document, bounded depth, aliases and expanded size, plain tags."""
    # Each open collection: [anchor or None, expanded node count so far].
    stack: list[list] = []
    sizes: dict[str, int] = {}  # anchor -> expanded size of its node
    open_anchors: set[str] = set()
    total = aliases = documents = expansion = 0

    def add(count: int, mark, repeated: bool = False) -> None:
        nonlocal total, expansion
        total += count
        if stack:
            stack[-1][1] += count
        if repeated:
            expansion += count
            if expansion > MAX_ALIAS_EXPANSION:
                raise YamlRefused(
                    f"the aliases (*name) in this file repeat more than {MAX_ALIAS_EXPANSION:,} "
                    "values (an alias bomb?); write the values out instead",
                    _line(mark),
                )

    for event in yaml.parse(text, Loader=_Loader):
        if type(event) is yaml.ScalarEvent:
            _check_tag(event)
            if len(event.value) > MAX_SCALAR:
                raise YamlRefused(
                    f"a single value of {len(event.value):,} characters (the limit is "
                    f"{MAX_SCALAR:,}); a values file does not embed data",
                    _line(event.start_mark),
                )
            if event.anchor is not None:
                sizes[event.anchor] = 1
            add(1, event.start_mark)
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlRefused(
                    "more than one YAML document (a second '---'); give one values file at a time",
                    _line(event.start_mark),
                )
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            _check_tag(event)
            stack.append([event.anchor, 1])
            if event.anchor is not None:
                open_anchors.add(event.anchor)
            if len(stack) > MAX_DEPTH:
                raise YamlRefused(
                    f"nested more than {MAX_DEPTH} levels deep; no chart value is that deep",
                    _line(event.start_mark),
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, size = stack.pop()
            if anchor is not None:
                sizes[anchor] = size
                open_anchors.discard(anchor)
            add(size, event.start_mark)
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise YamlRefused(
                    f"more than {MAX_ALIASES} aliases (*name); write the values out",
                    _line(event.start_mark),
                )
            if event.anchor in open_anchors:
                raise YamlRefused(
                    f"the alias *{event.anchor[:40]} refers to a value that contains it (a loop)",
                    _line(event.start_mark),
                )
            add(sizes.get(event.anchor, 1), event.start_mark, repeated=True)


def _check_tag(event) -> None:
    tag = event.tag
    if tag is None or tag == "!" or tag in _PLAIN_TAGS:
        return
    raise YamlRefused(_tag_message(tag), _line(event.start_mark))


def _construct(text: str) -> object:
    """The one document, built by `_ValuesLoader` (PyYAML's safe loader, C when present, with
    the refusals above). No other loader ever reads untrusted text."""
    loader = _ValuesLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_values(data: bytes | str, max_bytes: int = MAX_BYTES) -> dict:
    """The values file as a dict. Raises YamlRefused for anything else (see the module doc).
    `max_bytes`: node inventories (core/inventory.py) have a byte cap of their own."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise YamlRefused(
            f"the file is {len(raw):,} bytes; the limit is {max_bytes:,} bytes. Remove comments "
            "or defaults you did not change"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlRefused(
            f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8", line
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        _prescan(text)  # the whole stream first: nothing is built from a file it refuses
        value = _construct(text)
    except YamlRefused:
        raise
    except RecursionError:
        raise YamlRefused("nested too deeply to read; flatten the file") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        if _tab_indented(text, _line(mark)):
            raise YamlRefused(
                "not valid YAML: the line is indented with a tab; YAML indents with spaces only",
                _line(mark),
            ) from None
        raise YamlRefused(
            f"not valid YAML: {problem}; check the indentation and quoting there", _line(mark)
        ) from None
    except yaml.YAMLError as exc:
        raise YamlRefused(f"not valid YAML: {str(exc)[:200]}") from None
    except (ValueError, OverflowError, KeyError, TypeError) as exc:
        # PyYAML's constructors fail so on a value that does not fit its tag (`!!bool maybe`)
        raise YamlRefused(f"a value could not be read: {str(exc)[:200]}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else f"a single {type(value).__name__} value"
        raise YamlRefused(
            f"the top level is {kind}; a Helm values file is a mapping of keys (key: value)", 1
        )
    return value
