"""Three-way merge of two plans saved from the same revision (the conflict page).

Plans are compared as their codec dicts, field by field (a list, such as a pool's labels, counts
as one field). A field only one side changed takes that side's value; a field both changed to
different values is a conflict, settled by a choice per field. Nothing either side typed is
dropped without a choice.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass

_MISSING = object()
Path = tuple[str, ...]


@dataclass(frozen=True)
class FieldConflict:
    path: str  # dotted, as shown and posted
    theirs: object  # _MISSING when that side has no such field
    mine: object

    @property
    def theirs_shown(self) -> str:
        return _show(self.theirs)

    @property
    def mine_shown(self) -> str:
        return _show(self.mine)


def _show(value: object) -> str:
    return "(none)" if value is _MISSING else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Merge:
    merged: dict  # the codec dict with every conflict at "mine"
    conflicts: tuple[FieldConflict, ...]
    theirs_only: tuple[str, ...]  # fields only the other save changed: kept
    mine_only: tuple[str, ...]  # fields only you changed: kept

    @property
    def mine_changed(self) -> int:
        return len(self.mine_only) + len(self.conflicts)

    @property
    def theirs_changed(self) -> int:
        return len(self.theirs_only) + len(self.conflicts)

    def resolve(self, choices: Mapping[str, str]) -> dict:
        """The merged dict with each conflict settled: "theirs" takes theirs, anything else mine."""
        out = copy.deepcopy(self.merged)
        for c in self.conflicts:
            if choices.get(c.path) == "theirs":
                _put(out, tuple(c.path.split(".")), c.theirs)
        return out


def _leaves(data: object, prefix: Path = ()) -> dict[Path, object]:
    if not isinstance(data, dict) or not data:
        return {prefix: data}
    out: dict[Path, object] = {}
    for key, value in data.items():
        out.update(_leaves(value, (*prefix, str(key))))
    return out


def _get(data: object, path: Path) -> object:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return _MISSING
        data = data[key]
    return data


def _put(data: dict, path: Path, value: object) -> None:
    for key in path[:-1]:
        if not isinstance(data.get(key), dict):
            data[key] = {}
        data = data[key]
    if value is _MISSING:
        data.pop(path[-1], None)
    else:
        data[path[-1]] = copy.deepcopy(value)


def _fields(*dicts: dict) -> list[Path]:
    """Every leaf path of any side, where a path that is a leaf on one side and a mapping on
    another (an empty mapping that gained keys) counts as one field."""
    paths = list(dict.fromkeys(p for d in dicts for p in _leaves(d)))
    prefixes = {p[:i] for p in paths for i in range(1, len(p))}
    fields = [p for p in paths if p not in prefixes]
    for p in [p for p in paths if p in prefixes]:
        fields = [f for f in fields if f[: len(p)] != p] + [p]
    return list(dict.fromkeys(fields))


def merge(base: dict, theirs: dict, mine: dict) -> Merge:
    merged = copy.deepcopy(base)
    conflicts, theirs_only, mine_only = [], [], []
    for path in _fields(base, theirs, mine):
        b, t, m = _get(base, path), _get(theirs, path), _get(mine, path)
        name = ".".join(path)
        if t == m:
            value = t
        elif t == b:
            value = m
            mine_only.append(name)
        elif m == b:
            value = t
            theirs_only.append(name)
        else:
            value = m
            conflicts.append(FieldConflict(name, t, m))
        _put(merged, path, value)
    return Merge(merged, tuple(conflicts), tuple(theirs_only), tuple(mine_only))
