"""Backup and restore of saved plans (JSON lines), and the schema living in migrations."""

from __future__ import annotations

import json
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wizard import plans
from wizard.core import codec
from wizard.core.plan import Plan
from wizard.models import Revision, SavedPlan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.django_db


def example() -> Plan:
    return codec.from_dict(json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text()))


def snapshot() -> list[tuple]:
    return [
        (
            str(s.share_id),
            s.edit_key_hash,
            s.latest_number,
            s.created_at,
            [(r.number, r.data, r.created_at) for r in s.revisions.order_by("number")],
        )
        for s in SavedPlan.objects.order_by("edit_key_hash")
    ]


def backup(path: Path) -> None:
    call_command("backup_plans", "--output", str(path), stderr=StringIO())


def restore(path: Path) -> None:
    call_command("restore_plans", str(path), stderr=StringIO())


END_ONE = '{"format": 1, "end": true, "plans": 1}\n'


@pytest.fixture
def two_plans() -> list[plans.Saved]:
    first = plans.create(example())
    plans.save_revision(first.saved, replace(example(), release="two"), base=1)
    second = plans.create(Plan(target="v0.6"))
    return [first, second]


def test_backup_writes_one_json_line_per_plan_without_keys(tmp_path, two_plans):
    backup(tmp_path / "plans.jsonl")
    text = (tmp_path / "plans.jsonl").read_text()
    lines = [json.loads(line) for line in text.splitlines()][:-1]
    assert len(lines) == 2
    assert [len(line["revisions"]) for line in lines] == [2, 1]
    for created in two_plans:
        assert created.edit_key not in text


def test_backup_to_stdout(two_plans):
    out = StringIO()
    call_command("backup_plans", stdout=out, stderr=StringIO())
    assert len(out.getvalue().splitlines()) == 3  # two plans and the end line


def test_restore_into_an_empty_database_recreates_everything(tmp_path, two_plans):
    backup(tmp_path / "plans.jsonl")
    before = snapshot()
    SavedPlan.objects.all().delete()
    restore(tmp_path / "plans.jsonl")
    assert snapshot() == before
    # The old links and keys work again: nothing but hashes was needed.
    for created in two_plans:
        assert plans.get_by_key(created.edit_key) is not None
        assert plans.get_shared(str(created.saved.share_id)) is not None


def test_restore_is_idempotent(tmp_path, two_plans):
    backup(tmp_path / "plans.jsonl")
    before = snapshot()
    restore(tmp_path / "plans.jsonl")
    restore(tmp_path / "plans.jsonl")
    assert snapshot() == before


def test_restore_adds_only_missing_revisions(tmp_path, two_plans):
    backup(tmp_path / "plans.jsonl")
    Revision.objects.filter(number=2).delete()
    SavedPlan.objects.filter(latest_number=2).update(latest_number=1)
    restore(tmp_path / "plans.jsonl")
    assert Revision.objects.count() == 3
    assert SavedPlan.objects.get(pk=two_plans[0].saved.pk).latest_number == 2


def test_restore_refuses_a_revision_holding_a_password(tmp_path, two_plans):
    backup(tmp_path / "plans.jsonl")
    record = json.loads((tmp_path / "plans.jsonl").read_text().splitlines()[0])
    record["edit_key_hash"] = "f" * 64
    record["share_id"] = "11111111-2222-3333-4444-555555555555"
    record["revisions"][0]["data"]["database"]["password"] = "SECRET-MARKER-123"
    (tmp_path / "bad.jsonl").write_text(json.dumps(record) + "\n" + END_ONE)
    with pytest.raises(CommandError):
        restore(tmp_path / "bad.jsonl")
    assert SavedPlan.objects.count() == 2


def test_restore_of_a_broken_file_changes_nothing(tmp_path, two_plans):
    backup(tmp_path / "plans.jsonl")
    SavedPlan.objects.all().delete()
    text = (tmp_path / "plans.jsonl").read_text() + "{not json\n"
    (tmp_path / "broken.jsonl").write_text(text)
    with pytest.raises(CommandError):
        restore(tmp_path / "broken.jsonl")
    assert not SavedPlan.objects.exists()


def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO(), stderr=StringIO())
