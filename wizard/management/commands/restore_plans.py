"""`manage.py restore_plans FILE`: load a `backup_plans` file; running it twice changes nothing.

A plan is identified by its edit key's hash (share links rotate, the key does not). A plan that
exists already keeps its share id and revisions, and gains only the revisions it lacks. Every
revision is checked with the plan codec first (strict text, no secrets), so a backup cannot smuggle
in a password. The whole file is checked before anything is written: a file whose end line is
missing or whose count differs (an interrupted backup), or any bad record, restores nothing, and
each record's outcome is reported on its own line.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wizard.core import codec
from wizard.models import Revision, SavedPlan

_HASH = re.compile(r"^[0-9a-f]{64}$")


class Command(BaseCommand):
    help = "Restore saved plans from a backup_plans JSON lines file (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the JSON lines file written by backup_plans")

    def handle(self, *args, **options) -> None:
        path = options["file"]
        try:
            records, problems = read_backup(path)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{path}: {len(problems)} problem(s); nothing was restored")
        created = added = 0
        with transaction.atomic():
            for number, record in records:
                new_plan, new_revisions = restore(record, number)
                created += new_plan
                added += new_revisions
                outcome = "created" if new_plan else "existed"
                self.stderr.write(
                    f"line {number}: plan {record['share_id']} {outcome}, "
                    f"{new_revisions} revision(s) added"
                )
        self.stderr.write(f"restored {created} new plan(s), {added} new revision(s)")


def read_backup(path: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """The records of a backup file and, per bad line, what is wrong (the file's end line and
    its count included)."""
    records, problems, end, seen = [], [], None, 0
    with open(path, encoding="utf-8", errors="strict") as lines:
        try:
            numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
        except UnicodeDecodeError:
            return [], ["the file is not UTF-8 text"]
    for number, line in numbered:
        if end is not None:
            problems.append(f"line {number}: a record after the end line")
            continue
        try:
            data = json.loads(line)
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("end") is True:
            end = (number, data)
            continue
        seen += 1
        try:
            records.append((number, parse_record(line, number)))
        except CommandError as exc:
            problems.append(str(exc))
    if end is None:
        problems.append("no end line: the backup is incomplete (interrupted?)")
    elif end[1].get("format") != 1 or end[1].get("plans") != seen:
        problems.append(
            f"line {end[0]}: the end line counts {end[1].get('plans')!r} plan(s), "
            f"the file holds {seen}"
        )
    return records, problems


def parse_record(line: str, number: int) -> dict:
    def bad(why: str) -> CommandError:
        return CommandError(f"line {number}: {why}")

    try:
        record = json.loads(line)
    except ValueError:
        raise bad("not JSON") from None
    if not isinstance(record, dict) or record.get("format") != 1:
        raise bad("not a backup_plans record (format 1)")
    if not isinstance(record.get("edit_key_hash"), str) or not _HASH.match(record["edit_key_hash"]):
        raise bad("edit_key_hash must be 64 lowercase hex digits")
    try:
        record["share_id"] = uuid.UUID(record["share_id"])
        record["created_at"] = datetime.fromisoformat(record["created_at"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise bad("share_id or created_at is malformed") from None
    revisions = record.get("revisions")
    if not isinstance(revisions, list) or not revisions:
        raise bad("a plan needs at least one revision")
    numbers = set()
    for rev in revisions:
        if not isinstance(rev, dict) or not isinstance(rev.get("number"), int) or rev["number"] < 1:
            raise bad("every revision needs a positive number")
        try:
            codec.from_dict(rev.get("data"))
            rev["created_at"] = datetime.fromisoformat(rev["created_at"])
        except codec.PlanFormatError as exc:
            raise bad(f"revision {rev['number']} is not a plan: {exc}") from None
        except (KeyError, TypeError, ValueError):
            raise bad(f"revision {rev['number']} has a malformed created_at") from None
        numbers.add(rev["number"])
    if len(numbers) != len(revisions):
        raise bad("revision numbers repeat")
    return record


def restore(record: dict, number: int) -> tuple[int, int]:
    """Insert what is missing; returns (plans created, revisions added)."""
    saved = SavedPlan.objects.filter(edit_key_hash=record["edit_key_hash"]).first()
    created = 0
    if saved is None:
        if SavedPlan.objects.filter(share_id=record["share_id"]).exists():
            raise CommandError(f"line {number}: another plan already uses this share id")
        saved = SavedPlan.objects.create(
            share_id=record["share_id"], edit_key_hash=record["edit_key_hash"]
        )
        created = 1
    have = set(saved.revisions.values_list("number", flat=True))
    added = 0
    for rev in record["revisions"]:
        if rev["number"] in have:
            continue
        new = Revision.objects.create(saved_plan=saved, number=rev["number"], data=rev["data"])
        Revision.objects.filter(pk=new.pk).update(created_at=rev["created_at"])
        added += 1
    latest = max(have | {rev["number"] for rev in record["revisions"]})
    if created or added:
        SavedPlan.objects.filter(pk=saved.pk).update(latest_number=latest)
    if created:
        SavedPlan.objects.filter(pk=saved.pk).update(created_at=record["created_at"])
    return created, added
