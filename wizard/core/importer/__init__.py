"""Importer: an existing Helm values file (already parsed by `safeyaml.load`) -> a plan.

Every setting the wizard manages becomes part of the plan; every other value goes to `plan.kept`
unchanged and is written back by `values.to_values`. Which keys are "managed" is not listed here:
it is whatever `values.to_values` writes for the plan that was read, so the two cannot drift. A key
the renderer writes is taken out of `kept` (the plan wins); its unmanaged siblings stay.

What the export would change (a default made explicit, a pitfall fixed, a value the plan cannot
hold) is reported as a finding, so "import, then export unchanged" differs from the file only
where a finding says so. Secrets are removed before anything else and never reach the plan,
`kept` or a message: findings name the key, never the value.

A 0.6 file imported for the v2 target is migrated: what v2 cannot use is dropped from `kept` and
explained in `ImportResult.migration` (also as findings).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, replace

from .. import codec
from .. import values as values_module
from ..checks import ERROR, INFO, WARNING, Finding
from ..plan import PROVIDERS, TARGETS, MigrationNote, Plan, Secrets
from ..safeyaml import YamlRefused, load_values
from ..secretfilter import strip as strip_secrets
from .detect import detect_target, has_markers, read_header
from .fixes import fix_nested_scheduling, fix_v2_pitfalls
from .kept import normalisation_findings, unmanaged, with_kept
from .migrate import migrate_kept, migration_markdown, migration_store_notes
from .read import Findings, _str, drop, read_presets, read_v06, read_v2
from .suggest import key_findings, known_keys

__all__ = [
    "ImportRefused",
    "ImportResult",
    "detect_target",
    "finding_dict",
    "import_text",
    "import_values",
    "known_keys",
    "migration_markdown",
    "note_dict",
    "report_dict",
]


class ImportRefused(YamlRefused):
    """The file reads as YAML but is too large for a plan (codec limits); line is 0."""


@dataclass(frozen=True)
class ImportResult:
    plan: Plan | None  # None when the target is ambiguous
    target: str | None  # the plan's target
    detected: str | None  # what the file looks like: "v2", "v0.6", or None when unsure
    ambiguous: bool
    findings: tuple[Finding, ...]
    kept_keys: tuple[str, ...]  # top-level keys of plan.kept
    secrets_found: tuple[str, ...]  # chart paths that held a secret (values never stored)
    migration: tuple[MigrationNote, ...] = ()


def note_dict(note: MigrationNote) -> dict:
    return {"path": note.path, "message": note.message}


def finding_dict(f: Finding) -> dict:
    return {"severity": f.severity, "code": f.code, "path": f.path, "message": f.message}


def report_dict(result: ImportResult) -> dict:
    """What an import found, as JSON data (the API's answer and the review page's report)."""
    return {
        "target": result.target,
        "detected": result.detected,
        "findings": [finding_dict(f) for f in result.findings],
        "kept_keys": list(result.kept_keys),
        "secrets_found": list(result.secrets_found),
        "migration": [note_dict(note) for note in result.migration],
    }


# --- entry point ---------------------------------------------------------------------------


def import_text(data: bytes | str, target: str | None = None, **names: str | None) -> ImportResult:
    """`import_values` of a file's bytes, with the release, namespace and Secret name of the
    wizard's header when it has one (`names` given here win). Raises safeyaml.YamlRefused."""
    values = load_values(data)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    header = read_header(text)
    for name in ("release", "namespace", "secret", "provider"):
        if names.get(name) is None and name in header:
            names[name] = header[name]
    return import_values(values, target, owned=True, **names)


def import_values(
    values: dict,
    target: str | None = None,
    *,
    owned: bool = False,
    release: str | None = None,
    namespace: str | None = None,
    provider: str | None = None,
    secret: str | None = None,
    presets: dict[str, object] | None = None,
) -> ImportResult:
    """Read a values file (a dict from `safeyaml.load_values`) into a plan for `target` ("v2"
    or "v0.6"; None: detect it; no chart-specific key at all: v2, with a warning). A 0.6 file
    with target "v2" is migrated. release, namespace: the install's (the file does not hold
    them); secret: the 0.6 plan's Secret name; presets: v2 preset files by workload class
    (parsed), which hold the runs' pools and the builds' registry connection.

    owned: the caller hands `values` over and will not use it again, so it is worked on in
    place (and `plan.kept` shares its data) instead of deep-copying a file of up to 2 MiB."""
    if target is not None and target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; use one of {TARGETS}")
    if not isinstance(values, dict):
        raise TypeError("values must be a dict (see safeyaml.load)")
    detected = detect_target(values)
    assumed = detected is None and target is None and not has_markers(values)
    source = detected or target or ("v2" if assumed else None)
    if source is None:
        return ImportResult(
            plan=None, target=None, detected=None, ambiguous=True,
            findings=(Finding(ERROR, "target_ambiguous", "",
                              "The file does not say clearly whether it is for the v2 or the 0.6 "
                              "chart: choose the target."),),
            kept_keys=(), secrets_found=(),
        )  # fmt: skip
    target = target or source
    findings = Findings()
    if assumed:
        findings.append(
            Finding(
                WARNING,
                "target_assumed_v2",
                "",
                "No key in the file is specific to one chart: it was read for v2 (the default). "
                "Choose 0.6 as the target if it is for the legacy chart.",
            )
        )
    work = values if owned else copy.deepcopy(values)
    platform_secret = _str(work.get("platformSecret"))
    secrets_found = strip_secrets(work, platform_secret or Secrets().name, findings)
    classes = fix_nested_scheduling(work, findings)
    if source == "v2":
        workloads = fix_v2_pitfalls(work, findings)
        plan = read_v2(work, classes, workloads, findings)
        if presets is not None:
            plan = replace(plan, scheduling=read_presets(presets, plan.scheduling, findings))
    else:
        plan = read_v06(work, classes, findings)
    for where in findings.wrong:  # a wrong value is an error, never passed through
        drop(work, where)
    rendered = values_module.to_values(plan)  # plan.kept is still empty
    kept = unmanaged(work, rendered)
    kept.pop("affinity", None)
    if findings.affinity_rest:
        # The part of the core affinity the editor cannot hold, kept whole (values.py then
        # leaves a user's own podAffinity alone); `rendered` must show it merged in.
        kept["affinity"] = findings.affinity_rest
        rendered = values_module.to_values(replace(plan, kept={"affinity": kept["affinity"]}))
        findings.extend(_affinity_kept(findings.affinity_rest))
    migration: list[MigrationNote] = []
    if target != source:
        kept, migration = migrate_kept(kept, source, target)
        if source == "v0.6":
            migration = migration_store_notes(plan) + migration
        plan = replace(plan, target=target)
        for note in migration:
            findings.append(Finding(WARNING, "migration", note.path, note.message))
    plan = replace(plan, kept=kept, migration=tuple(migration))
    if release is not None:
        plan = replace(plan, release=release)
    if namespace is not None:
        plan = replace(plan, namespace=namespace)
    if provider in PROVIDERS:  # the wizard's header names it: no values key holds it
        plan = replace(plan, scheduling=replace(plan.scheduling, provider=provider))
    if secret is not None and plan.target == "v0.6":
        plan = replace(plan, secrets=replace(plan.secrets, name=secret))
    _check_codec_limits(plan)  # first: a file too large for a plan is refused before the rest
    if plan.database.kind == "in-cluster" and not platform_secret:
        findings.append(_db_password_carry_over(plan, source))
    unknown = key_findings(work, source)
    if target == source:
        # What values.to_values(plan) gives now that plan.kept is set, without copying kept.
        exported = with_kept(rendered, kept)
        findings += normalisation_findings(work, exported, findings)
    findings = unknown + list(findings)
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    findings.sort(key=lambda f: order.get(f.severity, 3))
    return ImportResult(
        plan=plan,
        target=target,
        detected=detected,
        ambiguous=False,
        findings=tuple(findings),
        kept_keys=tuple(sorted(kept)),
        secrets_found=tuple(secrets_found),
        migration=tuple(migration),
    )


def _db_password_carry_over(plan: Plan, source: str) -> Finding:
    """The in-cluster database keeps the password it was created with (its volume holds it):
    the plan's Secret must carry that one, not a new one."""
    key = "postgresql-password" if source == "v0.6" else "postgres-password"
    secret = f"{plan.release}-postgresql"
    return Finding(
        WARNING,
        "db_password_carry_over",
        "database.kind",
        "The in-cluster PostgreSQL keeps the password it was created with in its volume; the "
        f"export reads it from the Secret {json.dumps(plan.secrets.name)} instead. Set "
        "POLYAXON_DB_PASSWORD to the current password before the first upgrade (it is the key "
        f"{json.dumps(key)} of the chart's Secret {json.dumps(secret)} in namespace "
        f"{json.dumps(plan.namespace)}); a new password would lock Polyaxon out of its database.",
    )


def _affinity_kept(rest: dict) -> list[Finding]:
    return [
        Finding(
            WARNING,
            "affinity_kept",
            f"affinity.{key}",
            "The affinity editor holds node affinity made of match expressions and preferred "
            "pod anti-affinity by labels; this part is kept as it is and written back unchanged, "
            "but cannot be edited in the wizard.",
        )
        for key in rest
    ]


def _check_codec_limits(plan: Plan) -> None:
    """A plan must survive the plan codec (saved plans, sessions, the API); refuse it otherwise."""
    try:
        codec.from_dict(codec.to_dict(plan))
    except codec.PlanFormatError as exc:
        shown = "; ".join(f"{path or '(top)'}: {msg}" for path, msg in exc.problems[:3])
        raise ImportRefused(
            f"the file is too large for a wizard plan ({shown}); remove values you do not "
            "need (defaults, comments are fine)"
        ) from None
