"""`manage.py lint_values VALUES.yaml [--target v2|v0.6] [--format text|json]`: production lint.

Exit 0: no errors (warnings allowed); 1: the file has errors; 2: the file could not be read or
was refused (the message says why and on which line), or its target is ambiguous.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wizard.core import placement, safeyaml
from wizard.core.checks import ERROR, SEVERITIES
from wizard.core.importer import finding_dict
from wizard.core.lint import lint_values
from wizard.core.plan import TARGETS
from wizard.management.commands.render_values import load_inventory


def read_values(path: Path) -> dict:
    """The file as a values dict, or CommandError (exit 2) with the reason and line."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(safeyaml.MAX_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}", returncode=2) from exc
    try:
        return safeyaml.load_values(raw)
    except safeyaml.YamlRefused as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise CommandError(f"{where}: {exc.message}", returncode=2) from exc


class Command(BaseCommand):
    help = "Check an existing Polyaxon values file against the chart and the production guide."

    def add_arguments(self, parser) -> None:
        parser.add_argument("values", help="the Helm values file to check")
        parser.add_argument("--target", choices=TARGETS, help="chart version (default: detect)")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument(
            "--nodes",
            metavar="FILE",
            help="`kubectl get nodes -o json` (or -o yaml) output: also check where each pod can land",
        )

    def handle(self, *args, **options) -> None:
        values = read_values(Path(options["values"]))
        nodes = load_inventory(Path(options["nodes"])) if options.get("nodes") else None
        try:
            report = lint_values(values, options["target"])
        except safeyaml.YamlRefused as exc:  # too large for a plan
            raise CommandError(f"{options['values']}: {exc.message}", returncode=2) from exc
        if report.result.ambiguous:
            raise CommandError(
                "cannot tell whether the file is for the v2 or the 0.6 chart: pass --target v2 "
                "or --target v0.6",
                returncode=2,
            )
        findings = list(report.findings)
        if nodes is not None and report.result.plan is not None:
            findings += placement.check_nodes(report.result.plan, nodes)
            rank = {s: i for i, s in enumerate(SEVERITIES)}
            findings.sort(key=lambda f: rank.get(f.severity, len(rank)))
        if options["format"] == "json":
            sys.stdout.write(json.dumps([finding_dict(f) for f in findings], indent=2) + "\n")
        else:
            for finding in findings:
                self.stdout.write(finding.line())
            errors = sum(f.severity == "error" for f in findings)
            self.stdout.write(
                f"{len(findings)} findings ({errors} errors) for the {report.result.target} chart."
            )
        if any(f.severity == ERROR for f in findings):
            raise CommandError("the file has errors (see above)", returncode=1)
