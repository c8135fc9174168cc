"""Production lint of an existing values file: what the import had to change or flag, plus the
guide's checks on the plan it describes. Plain Python: the CLI, the API and the page share it."""

from __future__ import annotations

from dataclasses import dataclass

from . import safeyaml
from .checks import ERROR, INFO, WARNING, Finding, check
from .importer import ImportResult, import_values

_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class LintReport:
    result: ImportResult
    findings: tuple[Finding, ...]  # import findings (chart paths) then plan checks (plan paths)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def lint_values(values: dict, target: str | None = None) -> LintReport:
    """Import findings plus `check(plan)`; errors first. An ambiguous target gives only the
    import's `target_ambiguous` error (there is no plan to check)."""
    result = import_values(values, target)
    findings = list(result.findings)
    if result.plan is not None:
        findings += check(result.plan)
    findings.sort(key=lambda f: _ORDER.get(f.severity, 3))
    return LintReport(result, tuple(findings))


def lint_text(data: bytes | str, target: str | None = None) -> LintReport:
    """`lint_values` of a file's bytes; raises safeyaml.YamlRefused."""
    return lint_values(safeyaml.load_values(data), target)
