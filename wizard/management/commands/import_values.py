"""`manage.py import_values VALUES.yaml --out PLAN.json [--target v2|v0.6] [--release R]
[--namespace N] [--preset presets/CLASS.yaml ...]`: a plan from a file.

Writes the plan JSON (kept values included, never a secret), prints the import's findings and
the plan's own checks to stderr, and for a 0.6 file imported as v2 writes MIGRATION.md beside
PLAN.json. The release and namespace come from the options, else from the wizard's own header.
Exit 0 on success, 1 when any finding is an error (the plan is still written, to be fixed in
the wizard), 2 when the file is unreadable, refused or its target ambiguous.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wizard.core import bundle
from wizard.core.checks import check, has_errors
from wizard.core.importer import import_text, migration_markdown
from wizard.core.safeyaml import YamlRefused
from wizard.management.files import add_target_argument, ambiguous_target, read_values

MIGRATION_FILE = "MIGRATION.md"


class Command(BaseCommand):
    help = "Import an existing Polyaxon values file into a wizard plan (JSON)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("values", help="the Helm values file to import")
        parser.add_argument("--out", required=True, help="the plan file to write")
        add_target_argument(parser)
        parser.add_argument("--release", help="the Helm release (default: the file's header)")
        parser.add_argument("--namespace", help="the namespace (default: the file's header)")
        parser.add_argument(
            "--preset",
            action="append",
            default=[],
            help="a v2 preset file the wizard wrote (presets/CLASS.yaml); repeat for each class",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["values"])
        read_values(path)  # refuses an unreadable or hostile file with its line (exit 2)
        presets = {}
        for preset in options["preset"]:
            presets[Path(preset).stem] = read_values(Path(preset))
        try:
            result = import_text(
                path.read_bytes(),
                options["target"],
                release=options["release"],
                namespace=options["namespace"],
                presets=presets or None,
            )
        except YamlRefused as exc:  # too large for a plan
            raise CommandError(f"{options['values']}: {exc.message}", returncode=2) from exc
        if result.ambiguous:
            raise ambiguous_target()
        findings = list(result.findings) + check(result.plan)
        for finding in findings:
            self.stderr.write(finding.line(), style_func=lambda s: s)
        out = Path(options["out"])
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(bundle.plan_json(result.plan), encoding="utf-8")
            if result.migration:
                (out.parent / MIGRATION_FILE).write_text(
                    migration_markdown(result), encoding="utf-8"
                )
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}", returncode=2) from exc
        self.stderr.write(
            f"wrote {out} ({result.target}; kept: {', '.join(result.kept_keys) or 'nothing'})",
            style_func=lambda s: s,
        )
        if has_errors(findings):
            raise CommandError(
                "the plan has errors (see above); fix them in the wizard", returncode=1
            )
