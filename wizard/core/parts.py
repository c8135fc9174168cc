"""Answers computed from a few parts of a plan, remembered by those parts.

The live preview checks and renders the whole plan on every keystroke, and a keystroke changes one
part of it: the other parts are the very same objects as in the keystroke before (the doors keep
each step's section of the plan per process). So an answer about the database, say, is kept by
the identity of `plan.database` (and the value of `plan.target`), and found again by it.

- The function is handed a view of the plan that has only the parts it declared: reading any
  other part raises, so a missing declaration fails the first test that reaches it.
- Keys use the identity of dataclass parts and the type and value of scalar parts. An entry keeps
  its parts alive, so no other object can take their ids while it is remembered.
- Plan parts are frozen dataclasses of tuples and scalars: the answer for the same objects never
  changes. `kept` (a dict) is never a part.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_SCALARS = (str, int, bool, float, type(None))
_MEMO: dict[tuple, tuple[tuple, object]] = {}
_MEMO_MAX = 2048


class PartsView:
    """The declared parts of a plan, read-only; any other attribute is an error."""

    __slots__ = ("_plan", "_names")

    def __init__(self, plan: object, names: tuple[str, ...]):
        self._plan = plan
        self._names = names

    def __getattr__(self, name: str) -> object:
        if name not in self._names:
            raise AttributeError(f"{name!r} is not among the declared plan parts {self._names}")
        return getattr(self._plan, name)


def by_parts(fn: Callable[[PartsView], T], names: tuple[str, ...], plan: object) -> T:
    """`fn(view of plan's parts `names`)`, remembered by those parts (see the module doc).
    The answer is shared: it must be immutable (a tuple, a str, a frozen dataclass)."""
    parts = tuple(getattr(plan, name) for name in names)
    key = (fn, tuple((type(p), p) if type(p) in _SCALARS else id(p) for p in parts))
    found = _MEMO.get(key)
    if found is not None:
        return found[1]  # type: ignore[return-value]
    answer = fn(PartsView(plan, names))
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = (parts, answer)
    return answer
