"""The wizard's steps in order: (slug, title, plan attribute, form class). Order lives here only."""

from __future__ import annotations

from dataclasses import dataclass

from wizard import forms
from wizard.core.plan import SECTIONS


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    attr: str
    form_class: type[forms.StepForm]


_FORMS = {
    "scheduling": forms.SchedulingForm,
    "database": forms.DatabaseForm,
    "components": forms.ComponentsForm,
    "storage": forms.StorageForm,
    "ssl": forms.TlsForm,
    "security-context": forms.SecurityForm,
    "secrets": forms.SecretsForm,
}

STEPS: tuple[Step, ...] = tuple(
    Step(slug, title, attr, _FORMS[slug]) for attr, slug, title in SECTIONS
)
BY_SLUG = {s.slug: s for s in STEPS}
SLUGS = tuple(s.slug for s in STEPS)


def get(slug: str) -> Step | None:
    return BY_SLUG.get(slug)


def previous(slug: str) -> Step | None:
    i = SLUGS.index(slug)
    return STEPS[i - 1] if i > 0 else None


def following(slug: str) -> Step | None:
    i = SLUGS.index(slug)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


@dataclass(frozen=True)
class Action:
    kind: str  # next | back | goto | add | remove
    arg: str = ""


def action_of(post) -> Action:
    """Which submit button sent the step form (Enter in a text field means Next)."""
    if post.get("add"):
        return Action("add", post["add"])
    if post.get("remove"):
        return Action("remove", post["remove"])
    if post.get("goto") in (*SLUGS, "review"):
        return Action("goto", post["goto"])
    if "back" in post:
        return Action("back")
    if "save" in post:
        return Action("save")
    return Action("next")


@dataclass(frozen=True)
class NavItem:
    slug: str
    title: str
    number: int
    current: bool
    status: str  # todo | done | warning | error
    errors: int
    warnings: int


def navigator(findings, visited: set[str], current: str | None) -> list[NavItem]:
    """Each step with its state: done, or holding errors or warnings (once visited)."""
    counts: dict[str, list[int]] = {}
    for f in findings:
        if f.severity in ("error", "warning"):
            counts.setdefault(f.step, [0, 0])[0 if f.severity == "error" else 1] += 1
    return [
        _nav_item(i, step, current, *counts.get(step.slug, (0, 0)), step.slug in visited)
        for i, step in enumerate(STEPS, start=1)
    ]


def _nav_item(number: int, step: Step, current, errors: int, warnings: int, seen: bool) -> NavItem:
    # The review (no current step) shows an unvisited step's errors: they block downloads.
    if not seen and not (errors and current is None):
        status, errors, warnings = "todo", 0, 0
    elif errors:
        status = "error"
    elif warnings:
        status = "warning"
    else:
        status = "done"
    return NavItem(step.slug, step.title, number, step.slug == current, status, errors, warnings)


def grouped_findings(findings, forms) -> list[tuple[Step, list[tuple[object, str | None]]]]:
    """Findings by step in wizard order, each with the form field it points at (or None)."""
    out = []
    for step in STEPS:
        form = forms[step.slug]
        mine = [(f, form.field_for(f.path)) for f in findings if f.step == step.slug]
        if mine:
            out.append((step, mine))
    return out
