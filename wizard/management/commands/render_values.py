"""`manage.py render_values PLAN.json --out DIR`: the engine from the command line (GitOps, CI)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wizard.core import bundle, codec, placement
from wizard.core.checks import has_errors
from wizard.management.files import NODES_HELP, read_inventory

MAX_PLAN_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = "Validate a plan file and write values.yaml, RUNBOOK.md and presets/<class>.yaml to DIR."

    def add_arguments(self, parser) -> None:
        parser.add_argument("plan", help="the plan file (JSON, see docs/plan-format.md)")
        parser.add_argument("--out", required=True, help="folder to write the rendered files to")
        parser.add_argument("--nodes", metavar="FILE", help=NODES_HELP)

    def handle(self, *args, **options) -> None:
        plan = load_plan(Path(options["plan"]))
        nodes = read_inventory(Path(options["nodes"])) if options.get("nodes") else None
        findings, where = placement.check_with_nodes(plan, nodes)
        if where is not None:
            for line in placement.summary_lines(where):
                self.stdout.write(f"lands on {line}")
        for finding in findings:
            self.stderr.write(finding.line(), style_func=lambda s: s)
        if has_errors(findings):
            # Errors mean no installable file: nothing is written, not even a partial bundle.
            raise CommandError("the plan has errors (see above); nothing was written", returncode=1)
        out = Path(options["out"])
        try:
            for rel, text in bundle.render_files(plan, nodes).items():
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write to {out}: {exc.strerror or exc}") from exc


def load_plan(path: Path):
    """Read and decode a plan file, turning every way it can be wrong into a CommandError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_PLAN_BYTES:
        raise CommandError(f"{path} is larger than {MAX_PLAN_BYTES} bytes; a plan is a few KB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise CommandError(f"{path} is not valid JSON: {exc}") from exc
    try:
        return codec.from_dict(data)
    except codec.PlanFormatError as exc:
        lines = "\n".join(f"  {p or '(top)'}: {m}" for p, m in exc.problems)
        raise CommandError(f"{path} is not a valid plan:\n{lines}") from exc
