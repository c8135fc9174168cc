"""`manage.py backup_plans [--output FILE]`: every saved plan as one JSON line.

A line holds the share id, the edit key's hash (never the key, which is not stored) and every
revision's codec JSON. `restore_plans` reads it back.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from wizard.models import SavedPlan

BACKUP_FORMAT = 1


def plan_record(saved: SavedPlan) -> dict:
    return {
        "format": BACKUP_FORMAT,
        "share_id": str(saved.share_id),
        "edit_key_hash": saved.edit_key_hash,
        "created_at": saved.created_at.isoformat(),
        "updated_at": saved.updated_at.isoformat(),
        "revisions": [
            {"number": rev.number, "created_at": rev.created_at.isoformat(), "data": rev.data}
            for rev in saved.revisions.order_by("number")
        ],
    }


class Command(BaseCommand):
    help = "Write every saved plan and all its revisions as JSON lines (stdout or --output)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", help="file to write (default: stdout)")

    def handle(self, *args, **options) -> None:
        path = options.get("output")
        try:
            if path:
                with open(path, "w", encoding="utf-8") as out:
                    count = write_lines(out.write)
            else:
                count = write_lines(self.stdout.write)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from exc
        self.stderr.write(f"backed up {count} plan(s)")


def write_lines(write) -> int:
    count = 0
    for saved in SavedPlan.objects.order_by("pk").iterator(chunk_size=200):
        write(json.dumps(plan_record(saved), ensure_ascii=False) + "\n")
        count += 1
    return count
