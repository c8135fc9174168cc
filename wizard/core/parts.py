"""Answers computed from a few parts of a plan, remembered by the parts they read.

The live preview checks and renders the whole plan on every keystroke, and a keystroke changes one
part of it: the other parts are the very same objects as in the keystroke before (the doors keep
each step's section of the plan per process). So an answer about the database, say, is kept by
the identity of `plan.database` (and of `plan.target`), and found again by it.

- A function declares the parts it may read, and is handed a view of the plan that has only
  those: reading any other part raises, so a missing declaration fails the first test that
  reaches it.
- The view records which declared parts the function did read (an external database's section
  never looks at the scheduling). An answer is kept by the identity of those parts alone: the
  same objects make the function take the same path, read the same parts and give the same
  answer. A function has a few such sets of parts at most, tried in turn.
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
    """The declared parts of a plan, read-only; notes which were read, refuses any other."""

    __slots__ = ("_plan", "_names", "read")

    def __init__(self, plan: object, names: tuple[str, ...]):
        self._plan = plan
        self._names = names
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> object:
        if name not in self._names:
            raise AttributeError(f"{name!r} is not among the declared plan parts {self._names}")
        self.read.add(name)
        return getattr(self._plan, name)


def remembered(names: tuple[str, ...], fn: Callable[[PartsView], T]) -> Callable[[object], T]:
    """`plan -> fn(view of the plan's parts `names`)`, remembered by the parts it read (see
    above). The answer is shared: it must be immutable (a tuple, a str, a frozen dataclass)."""
    # For each set of parts the function has read: how to get them, and the answers by their ids.
    memos: dict[tuple[str, ...], tuple[Callable, dict[tuple[int, ...], tuple[tuple, T]]]] = {}
    _MEMOS.append(memos)

    def answer(plan: object) -> T:
        for get, memo in memos.values():
            found = memo.get(tuple(map(id, get(plan))))
            if found is not None:
                return found[1]
        view = PartsView(plan, names)
        result = fn(view)
        read = tuple(name for name in names if name in view.read)
        if read not in memos:
            memos[read] = (_getter(read), {})
        get, memo = memos[read]
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        parts = get(plan)
        memo[tuple(map(id, parts))] = (parts, result)
        return result

    return answer


def _getter(names: tuple[str, ...]) -> Callable[[object], tuple]:
    """plan -> the tuple of those parts (attrgetter gives a bare value for one name)."""
    if not names:
        return lambda plan: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda plan: (one(plan),)
    return attrgetter(*names)


def forget() -> None:
    """Empty every memo (tests compare remembered answers with fresh ones)."""
    for memos in _MEMOS:
        memos.clear()
