"""Plan builders for tests (plain Python, no Django): `make_plan(**section_overrides)`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from wizard.core import codec
from wizard.core.checks import check
from wizard.core.plan import Label, Plan, Pool, Store, Toleration

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


def example(name: str) -> Plan:
    return codec.from_dict(json.loads((EXAMPLES / f"{name}.json").read_text()))


def make_plan(base: str = "v2-two-pool-aws", **overrides) -> Plan:
    """An error-free example plan with sections or fields replaced.

    `make_plan(database={"host": ""})` replaces fields of a section; `make_plan(target="v0.6")` a
    top-level field; a dataclass value replaces a whole section.
    """
    plan = example(base)
    for name, value in overrides.items():
        if isinstance(value, dict) and not isinstance(getattr(plan, name), dict):
            value = replace(getattr(plan, name), **value)
        plan = replace(plan, **{name: value})
    return plan


def codes(plan: Plan) -> set[str]:
    return {f.code for f in check(plan)}


def finding(plan: Plan, code: str):
    return next(f for f in check(plan) if f.code == code)


def pool(*labels: str, tolerations=(), taint=False) -> Pool:
    pairs = tuple(Label(*item.split("=", 1)) for item in labels)
    return Pool(labels=pairs, tolerations=tuple(tolerations), taint=taint)


__all__ = ["Label", "Store", "Toleration", "codes", "example", "finding", "make_plan", "pool"]
