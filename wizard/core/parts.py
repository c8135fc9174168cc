"""Answers computed from a few parts of a plan, remembered by those parts.

The live preview checks and renders the whole plan on every keystroke, and a keystroke changes one
part of it: the other parts are the very same objects as in the keystroke before (the doors keep
each step's section of the plan per process). So an answer about the database, say, is kept by
the identity of `plan.database` (and of `plan.target`), and found again by it.

- The function is handed a view of the plan that has only the parts it declared: reading any
  other part raises, so a missing declaration fails the first test that reaches it.
- Keys are the parts' identities, so a hit costs a few C calls. An entry keeps its parts alive,
  so no other object can take their ids while it is remembered. Equal parts that are other
  objects (a plan decoded again) are merely computed again.
- Plan parts are frozen dataclasses of tuples and scalars: the answer for the same objects never
  changes. `kept` (a dict) is never a part.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TypeVar

T = TypeVar("T")

_MEMO_MAX = 256  # entries per remembered function
_MEMOS: list[dict] = []  # every remembered function's entries (tests empty them)


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


def remembered(names: tuple[str, ...], fn: Callable[[PartsView], T]) -> Callable[[object], T]:
    """`plan -> fn(view of the plan's parts `names`)`, remembered by those parts (see above).
    The answer is shared: it must be immutable (a tuple, a str, a frozen dataclass)."""
    get = attrgetter(*names)
    single = len(names) == 1
    memo: dict[tuple[int, ...], tuple[tuple, T]] = {}
    _MEMOS.append(memo)

    def answer(plan: object) -> T:
        parts = (get(plan),) if single else get(plan)
        key = tuple(map(id, parts))
        found = memo.get(key)
        if found is not None:
            return found[1]
        result = fn(PartsView(plan, names))
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[key] = (parts, result)
        return result

    return answer


def forget() -> None:
    """Empty every memo (tests compare remembered answers with fresh ones)."""
    for memo in _MEMOS:
        memo.clear()
