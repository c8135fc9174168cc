"""`manage.py lint_values VALUES.yaml [--target v2|v0.6] [--format text|json]`: production lint.

Exit 0: no errors (warnings allowed); 1: the file has errors; 2: the file could not be read or
was refused (the message says why and on which line), or its target is ambiguous.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wizard.core import placement, safeyaml
from wizard.core.checks import ERROR, SEVERITIES, has_errors
from wizard.core.importer import finding_dict
from wizard.core.lint import lint_values
from wizard.management.files import (
    NODES_HELP,
    add_target_argument,
    ambiguous_target,
    read_inventory,
    read_values,
)


class Command(BaseCommand):
    help = "Check an existing Polyaxon values file against the chart and the production guide."

    def add_arguments(self, parser) -> None:
        parser.add_argument("values", help="the Helm values file to check")
        add_target_argument(parser)
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--nodes", metavar="FILE", help=NODES_HELP)

    def handle(self, *args, **options) -> None:
        values = read_values(Path(options["values"]))
        nodes = read_inventory(Path(options["nodes"])) if options.get("nodes") else None
        try:
            report = lint_values(values, options["target"])
        except safeyaml.YamlRefused as exc:  # too large for a plan
            raise CommandError(f"{options['values']}: {exc.message}", returncode=2) from exc
        if report.result.ambiguous:
            raise ambiguous_target()
        findings = list(report.findings)
        if nodes is not None and report.result.plan is not None:
            findings += placement.check_nodes(report.result.plan, nodes)
            findings.sort(key=lambda f: SEVERITIES.index(f.severity))
        if options["format"] == "json":
            self.stdout.write(json.dumps([finding_dict(f) for f in findings], indent=2))
        else:
            for finding in findings:
                self.stdout.write(finding.line())
            errors = sum(f.severity == ERROR for f in findings)
            self.stdout.write(
                f"{len(findings)} findings ({errors} errors) for the {report.result.target} chart."
            )
        if has_errors(findings):
            raise CommandError("the file has errors (see above)", returncode=1)
