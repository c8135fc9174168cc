"""YAML out: every string double-quoted, so Helm (YAML 1.1) cannot read `y`, `on`, `1e3` or
`0o17` as a bool or a number. Keys stay plain only when no YAML reader can mistake them."""

from __future__ import annotations

import json
import re

import yaml

from .safeyaml import SpelledInt

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
QuotingDumper.add_representer(SpelledInt, yaml.representer.SafeRepresenter.represent_int)


def dump(data: object) -> str:
    """Block-style YAML with every string double-quoted."""
    return yaml.dump(
        data,
        Dumper=QuotingDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
    )


def inline(value: object, limit: int = 60) -> str:
    """A value on one line as YAML writes it (JSON is YAML's flow style): `null`, `false`,
    `"text"`, `{"a": 1}`; never a Python repr. Cut at `limit` characters."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


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


def dump_section(note: str, data: dict) -> str:
    """`# note` lines and the dumped section."""
    return comment(note) + dump(data)


def dump_commented(sections: list[tuple[str, dict]]) -> str:
    """Dump top-level sections, each under its `# why` comment, separated by a blank line."""
    return "\n".join(dump_section(note, data) for note, data in sections if data)
