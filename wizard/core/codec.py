"""Plan <-> versioned JSON-safe dict, and the JSON Schema of that format.

Both directions and the schema are derived from the dataclass definitions in `plan.py`, so the
file format cannot drift from the model. Decoding is strict about shape (unknown keys, wrong JSON
types, oversized lists and strings are errors with a path) and lenient about content: whether a
host name or a label is valid is the job of `checks.py`, which reports it as a finding.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing

from . import secretfilter
from .plan import Plan

FORMAT_VERSION = 1
MAX_ITEMS = 32  # tolerations, labels, data stores: far more than any real cluster needs
MAX_STRING = 1024
MAX_INT = 2**31 - 1
MAX_KEPT_DEPTH = 32
MAX_KEPT_NODES = 50_000
# Keys a user may try to put a secret under; they get a pointed message instead of "unknown key".
SECRET_WORDS = ("password", "token", "passwd", "secret_value", "access_key", "private_key")


# Strict text: no lone surrogate (it cannot be encoded, so a backup or a page would fail on it)
# and no C0 control character but tab and line breaks (PostgreSQL refuses NUL; the rest is noise).
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why a string cannot be part of a plan (a control character, a lone surrogate), or None."""
    bad = _BAD_CHAR.search(value)
    if bad is None:
        return None
    return f"must not contain the control or surrogate character {ascii(bad.group())} (at {bad.start()})"


class PlanFormatError(ValueError):
    """The document is not a plan: `problems` lists (path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{path or '(top)'}: {msg}" for path, msg in problems))


def to_dict(plan: Plan) -> dict:
    """The plan as a JSON-safe dict, `version` first."""
    return {"version": FORMAT_VERSION, **_encode(plan)}


def from_dict(data: object) -> Plan:
    """Decode a plan document; missing keys take their defaults. Raises PlanFormatError."""
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise PlanFormatError([("", "a plan is a JSON object")])
    data = dict(data)
    version = data.pop("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise PlanFormatError([("version", f"unsupported plan version {version!r}; expected 1")])
    plan = _decode(Plan, data, "", problems)
    if problems:
        raise PlanFormatError(problems)
    return plan


def _encode(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        # Kept chart values are shared, not copied: plans are immutable and nothing writes into
        # them (values.merge copies what it merges), and copying 1 MB of imported values is slow.
        return value
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _decode(tp, value, path: str, problems: list):
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, value, path, problems)
    if origin is tuple:
        item_type = typing.get_args(tp)[0]
        if not isinstance(value, list):
            problems.append((path, "expected a list"))
            return ()
        if len(value) > MAX_ITEMS:
            problems.append((path, f"at most {MAX_ITEMS} entries"))
            return ()
        return tuple(_decode(item_type, v, _join(path, i), problems) for i, v in enumerate(value))
    if tp is dict:
        return _decode_json_object(value, path, problems)
    if tp is bool:
        if not isinstance(value, bool):
            problems.append((path, "expected true or false"))
        return bool(value) if isinstance(value, bool) else False
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append((path, "expected a whole number"))
            return 0
        if abs(value) > MAX_INT:
            problems.append((path, f"must be between {-MAX_INT} and {MAX_INT}"))
            return 0
        return value
    if tp is str:
        if not isinstance(value, str):
            problems.append((path, "expected a string"))
            return ""
        if len(value) > MAX_STRING:
            problems.append((path, f"at most {MAX_STRING} characters"))
            return ""
        problem = text_problem(value)
        if problem is None and secretfilter.secret_text(value):
            problem = _SECRET_MESSAGE
        if problem:
            problems.append((path, problem))
            return ""
        return value
    raise TypeError(f"unsupported plan field type {tp!r}")  # a bug in plan.py, not user input


def _decode_json_object(value, path: str, problems: list) -> dict:
    """A free-form JSON object (kept chart values): string keys, JSON values, bounded size."""
    if not isinstance(value, dict):
        problems.append((path, "expected an object"))
        return {}
    count = 0
    stack = [(value, path, 1)]
    while stack:
        node, at, depth = stack.pop()
        count += 1
        if count > MAX_KEPT_NODES or depth > MAX_KEPT_DEPTH:
            problems.append((path, f"at most {MAX_KEPT_NODES} values nested {MAX_KEPT_DEPTH} deep"))
            return {}
        if isinstance(node, dict):
            for key, child in node.items():
                if not isinstance(key, str):
                    problems.append((at, "keys must be strings"))
                    return {}
                if problem := text_problem(key):
                    problems.append((_join(at, key), f"the key {problem}"))
                    return {}
                stack.append((child, _join(at, key), depth + 1))
        elif isinstance(node, list):
            stack.extend((child, _join(at, i), depth + 1) for i, child in enumerate(node))
        elif isinstance(node, float) and node != node or node in (float("inf"), float("-inf")):
            problems.append((at, "NaN and infinity cannot be written to JSON"))
            return {}
        elif isinstance(node, str) and (problem := text_problem(node)):
            problems.append((at, problem))
            return {}
        elif not isinstance(node, (str, int, float, bool, type(None))):
            problems.append((at, "expected a JSON value"))
            return {}
    secrets = secretfilter.find(value)
    if secrets:
        problems += [(_join(path, found), _SECRET_MESSAGE) for found in secrets]
        return {}
    return value


def _decode_dataclass(cls, value, path: str, problems: list):
    if not isinstance(value, dict):
        problems.append((path, "expected an object"))
        return _default_instance(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    for key in value:
        if key not in known:
            problems.append((_join(path, key), _unknown_key_message(str(key))))
    kwargs = {}
    for name, f in known.items():
        if name in value:
            kwargs[name] = _decode(f.type, value[name], _join(path, name), problems)
            allowed = f.metadata.get("choices")
            if allowed and isinstance(kwargs[name], str) and kwargs[name] not in allowed:
                shown = ", ".join(repr(a) for a in allowed)
                problems.append((_join(path, name), f"must be one of {shown}"))
                kwargs[name] = f.default
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            problems.append((_join(path, name), "is required"))
            kwargs[name] = _zero(f.type)
    return cls(**kwargs)


_SECRET_MESSAGE = (
    "holds a password, key or token; plans never carry secrets: put the value in the Kubernetes "
    "Secret named in secrets.name (the runbook creates it from environment variables)"
)


def _unknown_key_message(key: str) -> str:
    if any(word in key.lower() for word in SECRET_WORDS):
        return (
            "passwords and keys are never part of a plan; put the value in the Kubernetes "
            "Secret named in secrets.name (the runbook creates it from environment variables)"
        )
    return "unknown key"


def _zero(tp):
    return {str: "", int: 0, bool: False, dict: {}}.get(tp, ())


def _default_instance(cls):
    missing = {
        f.name: _zero(f.type)
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    return cls(**missing)


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of the plan format, built from the dataclasses."""
    defs: dict[str, dict] = {}
    root = _schema_for(Plan, defs)
    root["properties"] = {"version": {"const": FORMAT_VERSION}, **root["properties"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://polyaxon-wizard.invalid/plan.schema.json",
        "title": "Polyaxon production plan",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def _schema_for(cls, defs: dict) -> dict:
    props, required = {}, []
    for f in dataclasses.fields(cls):
        prop = _type_schema(f.type, defs)
        if "choices" in f.metadata:
            prop["enum"] = list(f.metadata["choices"])
        if f.default is not dataclasses.MISSING:
            prop["default"] = _encode(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            prop["default"] = _encode(f.default_factory())
        else:
            required.append(f.name)
        props[f.name] = prop
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def _type_schema(tp, defs: dict) -> dict:
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}
            defs[name] = _schema_for(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    if typing.get_origin(tp) is tuple:
        return {
            "type": "array",
            "maxItems": MAX_ITEMS,
            "items": _type_schema(typing.get_args(tp)[0], defs),
        }
    if tp is dict:
        return {"type": "object", "description": "chart values kept as-is (never secrets)"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer", "minimum": -MAX_INT, "maximum": MAX_INT}
    if tp is str:
        return {"type": "string", "maxLength": MAX_STRING}
    if isinstance(tp, types.UnionType):  # pragma: no cover - no optional fields today
        raise TypeError(tp)
    raise TypeError(f"unsupported plan field type {tp!r}")
