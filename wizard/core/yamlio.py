"""YAML out: every string double-quoted, so Helm (YAML 1.1) cannot read `y`, `on`, `1e3` or
`0o17` as a bool or a number. Keys stay plain only when no YAML reader can mistake them."""

from __future__ import annotations

import marshal
import re

import yaml

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
# YAML 1.1 words that some reader resolves to a bool or null.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}


class QuotingDumper(_Dumper):
    def ignore_aliases(self, data: object) -> bool:
        return True  # a repeated selector is written out again, never as an &anchor


def _represent_str(dumper: yaml.BaseDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')


def _represent_dict(dumper: yaml.BaseDumper, data: dict) -> yaml.Node:
    pairs = []
    for key, value in data.items():
        if isinstance(key, str) and _PLAIN_KEY.match(key) and key.lower() not in _RESERVED:
            key_node = yaml.ScalarNode("tag:yaml.org,2002:str", key)
        else:
            key_node = dumper.represent_data(key)
        pairs.append((key_node, dumper.represent_data(value)))
    flow = not data
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=flow)


QuotingDumper.add_representer(str, _represent_str)
QuotingDumper.add_representer(dict, _represent_dict)


def dump(data: object) -> str:
    """Block-style YAML with every string double-quoted."""
    if _LIBYAML:
        try:
            return _dump_fast(data)
        except _NotSimple:
            pass
    return _dump_pyyaml(data)


def _dump_pyyaml(data: object) -> str:
    return yaml.dump(
        data,
        Dumper=QuotingDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=_WIDTH,
    )


_WIDTH = 4096
# The fast path copies libyaml's emitter; PyYAML's pure-Python one differs in small ways (a `...`
# after a top-level plain scalar, `? ""` for an empty key).
_LIBYAML = _Dumper is not yaml.SafeDumper
# Printable ASCII but `"` and `\`: what libyaml writes between double quotes as it is.
_SIMPLE = re.compile(r"[ !#-\[\]-~]*\Z")
# libyaml writes a longer key as a `? key` complex key.
_SIMPLE_KEY_MAX = 128


class _NotSimple(Exception):
    """The data needs something the fast path does not write; PyYAML dumps it instead."""


def _dump_fast(data: object) -> str:
    """The bytes `_dump_pyyaml(data)` returns, for JSON-like data with simple strings, without
    PyYAML's Python representer and serializer (the live preview dumps on every keystroke)."""
    lines: list[str] = []
    if type(data) in (dict, list) and data:
        _write_block(data, "", "", lines)
    else:
        lines.append(_flat(data))
    # libyaml folds a double-quoted string at a space once the line passes the width.
    if max(map(len, lines)) > _WIDTH:
        raise _NotSimple
    lines.append("")
    return "\n".join(lines)


def _write_block(data: dict | list, first: str, indent: str, lines: list[str]) -> None:
    """Append a non-empty dict or list; `first` starts its first line, `indent` the others."""
    if type(data) is dict:
        for key, value in data.items():
            head = f"{first}{_key(key)}:"
            first = indent
            if type(value) is dict and value:
                lines.append(head)
                _write_block(value, indent + "  ", indent + "  ", lines)
            elif type(value) is list and value:
                lines.append(head)
                # libyaml does not indent the `- ` items of a list under a key.
                _write_block(value, indent, indent, lines)
            else:
                lines.append(f"{head} {_flat(value)}")
    else:
        for item in data:
            head = f"{first}- "
            first = indent
            if type(item) in (dict, list) and item:
                _write_block(item, head, indent + "  ", lines)
            else:
                lines.append(head + _flat(item))


def _key(key: object) -> str:
    if type(key) is not str or len(key) > _SIMPLE_KEY_MAX:
        raise _NotSimple
    if _PLAIN_KEY.match(key) and key.lower() not in _RESERVED:
        return key
    return _flat(key)


def _flat(value: object) -> str:
    """A scalar, `{}` or `[]` on one line, as libyaml writes it."""
    kind = type(value)
    if kind is str and _SIMPLE.match(value):
        return f'"{value}"'
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    if kind is dict and not value:
        return "{}"
    if kind is list and not value:
        return "[]"
    raise _NotSimple


def comment(text: str) -> str:
    """`# ` lines for text. Anything but printable ASCII is escaped, so no user value in a comment
    can end the comment (a newline, \\x85, \\u2028) or put a character in the file that YAML refuses."""
    out = []
    for line in text.split("\n"):
        if not _PRINTABLE.match(line):
            line = "".join(ch if " " <= ch <= "~" else ascii(ch)[1:-1] for ch in line)
        out.append(f"# {line}".rstrip() + "\n")
    return "".join(out)


_PRINTABLE = re.compile(r"[ -~]*\Z")
# Dumped sections and their top-level entries by content: the live preview re-renders the whole
# file on every keystroke, and a keystroke changes one entry of one section (a scheduling
# keystroke re-dumps the core nodeSelector, not the affinity beside it). A block mapping's bytes
# are its entries' bytes one after another.
_DUMPED: dict[tuple[str, bytes | str], str] = {}
_ENTRIES: dict[bytes | str, str] = {}
_DUMPED_MAX = 512
_DUMPED_KEY_MAX = 64 * 1024  # a bigger section (an imported file's kept keys) is not memoized


def dump_section(note: str, data: dict) -> str:
    """`# note` lines and the dumped section; the same section is dumped once per process."""
    key = _content_key(data)
    if len(key) > _DUMPED_KEY_MAX:
        return comment(note) + dump(data)
    found = _DUMPED.get((note, key))
    if found is None:
        found = comment(note) + (_dump_entries(data) if data else dump(data))
        if len(_DUMPED) >= _DUMPED_MAX:
            _DUMPED.clear()
        _DUMPED[(note, key)] = found
    return found


def _content_key(data: object) -> bytes | str:
    """Equal keys only for equal data of the same types (1, 1.0, True and "1" apart): marshal's
    bytes (format 2, without back-references, three times cheaper than repr), else repr for
    anything marshal does not write. Bytes and str keys never compare equal."""
    try:
        return marshal.dumps(data, 2)
    except ValueError:
        return repr(data)


def _dump_entries(data: dict) -> str:
    out = []
    for key, value in data.items():
        entry = {key: value}
        memo_key = _content_key(entry)
        found = _ENTRIES.get(memo_key)
        if found is None:
            found = dump(entry)
            if len(_ENTRIES) >= _DUMPED_MAX:
                _ENTRIES.clear()
            _ENTRIES[memo_key] = found
        out.append(found)
    return "".join(out)


def dump_commented(sections: list[tuple[str, dict]]) -> str:
    """Dump top-level sections, each under its `# why` comment, separated by a blank line."""
    return "\n".join(dump_section(note, data) for note, data in sections if data)
