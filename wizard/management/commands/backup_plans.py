"""`manage.py backup_plans [--output FILE]`: every saved plan as one JSON line.

A line holds the share id, the edit key's hash (never the key, which is not stored) and every
revision's codec JSON. The last line, `{"format": 1, "end": true, "plans": N}`, counts the records:
`restore_plans` refuses a file without it (an interrupted backup). With `--output`, the lines go to
a temporary file in the same folder, renamed over FILE only once complete.
"""

from __future__ import annotations

import json
import os
import tempfile

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
            count = write_file(path) if path else write_lines(self.stdout.write)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from exc
        self.stderr.write(f"backed up {count} plan(s)")


def write_file(path: str) -> int:
    """Write the backup beside `path` and rename it into place only when complete."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, partial = tempfile.mkstemp(prefix=".backup-", suffix=".partial", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            count = write_lines(out.write)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise
    return count


def _line(record: dict) -> str:
    text = json.dumps(record, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate saved before text was strict: escape it
        text = json.dumps(record)
    return text + "\n"


def write_lines(write) -> int:
    count = 0
    for saved in SavedPlan.objects.order_by("pk").iterator(chunk_size=200):
        write(_line(plan_record(saved)))
        count += 1
    write(json.dumps({"format": BACKUP_FORMAT, "end": True, "plans": count}) + "\n")
    return count
