"""`manage.py restore_plans FILE`: load a `backup_plans` file; running it twice changes nothing.

A plan is identified by its edit key's hash (share links rotate, the key does not). A plan that
exists already keeps its share id and revisions, and gains only the revisions it lacks. Every
revision is checked with the plan codec first, so a backup cannot smuggle in a password.
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
            with open(path, encoding="utf-8") as lines:
                records = [
                    (number, parse_record(line, number))
                    for number, line in enumerate(lines, 1)
                    if line.strip()
                ]
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        created = added = 0
        with transaction.atomic():
            for number, record in records:
                new_plan, new_revisions = restore(record, number)
                created += new_plan
                added += new_revisions
        self.stderr.write(f"restored {created} new plan(s), {added} new revision(s)")


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
    except (KeyError, TypeError, ValueError):
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
