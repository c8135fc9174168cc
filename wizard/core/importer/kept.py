"""Managed vs kept: what the renderer writes comes from the plan; everything else is kept as-is,
and what the export would change is reported."""

from __future__ import annotations

from ..checks import INFO, WARNING, Finding
from ..yamlio import inline


def unmanaged(values: object, managed: object) -> object:
    """What of `values` the renderer does not write: the part `plan.kept` must carry. It shares
    the data of `values` (the importer's own copy, not changed once this is taken)."""
    if isinstance(values, dict) and isinstance(managed, dict):
        out = {}
        for key, value in values.items():
            if key not in managed:
                out[key] = value
            elif isinstance(value, dict) and isinstance(managed[key], dict):
                rest = unmanaged(value, managed[key])
                if rest:
                    out[key] = rest
        return out
    return {}


def with_kept(rendered: dict, kept: dict) -> dict:
    """`values.to_values(plan)` for the plan with `kept`, from what it renders without: the
    same keys in the same order (`values.to_sections` and `values.merge`), but sharing `kept`
    instead of copying it; only compared, never changed or returned."""

    def merge(kept: object, managed: object) -> object:
        if isinstance(kept, dict) and isinstance(managed, dict):
            out = dict(kept)
            for key, value in managed.items():
                out[key] = merge(kept.get(key), value)
            return out
        return managed

    if not kept:
        return rendered
    out = {key: merge(kept.get(key), value) for key, value in rendered.items()}
    out.update((key, value) for key, value in kept.items() if key not in rendered)
    return out


_MAX_DIFF_FINDINGS = 60


def _diff(before: object, after: object, path: str, out: list[tuple[str, str, str]]) -> None:
    if before is after:
        return  # kept data, shared with the file: unchanged (it passed the codec: no NaN)
    if isinstance(before, dict) and isinstance(after, dict):
        for key in list(before) + [k for k in after if k not in before]:
            at = f"{path}.{key}" if path else str(key)
            if key not in after:
                out.append(
                    ("value_dropped", at, f"The value {inline(before[key])} is not written back.")
                )
            elif key not in before:
                out.append(("value_added", at, f"The export adds {inline(after[key])}."))
            else:
                _diff(before[key], after[key], at, out)
    elif before != after:
        out.append(("value_changed", path, f"The value {inline(before)} becomes {inline(after)}."))


def normalisation_findings(before: dict, after: dict, explained: list[Finding]) -> list[Finding]:
    """A finding for every value the export writes differently from the file (minus the ones a
    specific finding already explains)."""
    changes: list[tuple[str, str, str]] = []
    _diff(before, after, "", changes)
    covered = [f.path for f in explained]
    out = []
    for code, path, message in changes:
        if any(path == c or path.startswith(c + ".") or c.startswith(path + ".") for c in covered):
            continue
        severity = INFO if code == "value_added" else WARNING
        out.append(Finding(severity, code, path, message))
    if len(out) > _MAX_DIFF_FINDINGS:
        rest = len(out) - _MAX_DIFF_FINDINGS
        out = out[:_MAX_DIFF_FINDINGS] + [
            Finding(INFO, "more_changes", "", f"{rest} more values differ in the export.")
        ]
    return out
