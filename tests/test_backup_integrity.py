"""Backups are whole or absent: written to a temporary file and renamed when complete, closed by
an end line that counts the records, checked as a whole by restore, which reports per record.
Every character class a plan accepts survives a backup and a restore (on PostgreSQL too when the
suite runs with DATABASE_URL)."""

from __future__ import annotations

import json
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from wizard import plans
from wizard.core import codec
from wizard.core.plan import Plan
from wizard.management.commands import backup_plans
from wizard.models import Revision, SavedPlan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.django_db

# Every class of character the codec accepts, each in a plan string and in kept values.
CHARACTER_CLASSES = {
    "ascii": "polyaxon-Prod_1",
    "quotes": "a'b\"c`d\\e",
    "whitespace": "tab\there\nnew line\r\n",
    "del_and_c1": "\x7f\x80\x85\x9f",
    "latin1": "café ñ ß ø",
    "cjk": "数据库",
    "rtl": "قاعدة بيانات",
    "combining": "e\u0301 a\u0308",
    "zero_width": "a\u200bb\u200dc\ufeffd",
    "line_separators": "a\u2028b\u2029c",
    "astral": "🚀 👩‍💻 \U0001d11e \U0010fffd",
    "noncharacters": "\ufdd0\ufffe\uffff",
    "private_use": "\ue000\U000f0000",
}


def rich_plan() -> Plan:
    plan = codec.from_dict(json.loads((EXAMPLES / "v2-two-pool-aws.json").read_text()))
    joined = "".join(CHARACTER_CLASSES.values())
    return replace(
        plan,
        tls=replace(plan.tls, host=joined[:200]),
        secrets=replace(plan.secrets, admin_email=CHARACTER_CLASSES["astral"]),
        kept={name: {"text": text, text: [text]} for name, text in CHARACTER_CLASSES.items()},
    )


def snapshot() -> list[tuple]:
    return [
        (
            str(s.share_id),
            s.edit_key_hash,
            s.latest_number,
            [(r.number, r.data) for r in s.revisions.order_by("number")],
        )
        for s in SavedPlan.objects.order_by("edit_key_hash")
    ]


def backup(path: Path) -> None:
    call_command("backup_plans", "--output", str(path), stderr=StringIO())


def restore(path: Path) -> str:
    err = StringIO()
    call_command("restore_plans", str(path), stderr=err)
    return err.getvalue()


@pytest.fixture
def three_plans() -> list:
    return [plans.create(rich_plan()), plans.create(Plan()), plans.create(Plan(target="v0.6"))]


def test_every_accepted_character_class_survives_backup_and_restore(tmp_path, three_plans):
    backup(tmp_path / "plans.jsonl")
    before = snapshot()
    SavedPlan.objects.all().delete()
    restore(tmp_path / "plans.jsonl")
    assert snapshot() == before
    assert plans.plan_of(plans.latest(plans.get_shared(str(three_plans[0].saved.share_id)))) == (
        rich_plan()
    )


def test_a_backup_interrupted_midway_leaves_no_file(tmp_path, three_plans, monkeypatch):
    calls = []
    original = backup_plans.plan_record

    def fail_on_second(saved):
        calls.append(saved)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(saved)

    monkeypatch.setattr(backup_plans, "plan_record", fail_on_second)
    with pytest.raises(KeyboardInterrupt):
        backup(tmp_path / "plans.jsonl")
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_backup_keeps_the_previous_complete_one(tmp_path, three_plans, monkeypatch):
    backup(tmp_path / "plans.jsonl")
    good = (tmp_path / "plans.jsonl").read_bytes()
    monkeypatch.setattr(backup_plans, "plan_record", lambda saved: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        backup(tmp_path / "plans.jsonl")
    assert (tmp_path / "plans.jsonl").read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["plans.jsonl"]


@pytest.mark.parametrize("keep", [0, 1, 2])
def test_a_truncated_backup_stream_restores_nothing(tmp_path, three_plans, keep):
    out = StringIO()
    call_command("backup_plans", stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines(keepends=True)
    (tmp_path / "cut.jsonl").write_text("".join(lines[:keep]))
    SavedPlan.objects.all().delete()
    with pytest.raises(CommandError):
        restore(tmp_path / "cut.jsonl")
    assert not SavedPlan.objects.exists()


def test_an_end_line_counting_other_records_restores_nothing(tmp_path, three_plans):
    backup(tmp_path / "plans.jsonl")
    lines = (tmp_path / "plans.jsonl").read_text().splitlines(keepends=True)
    (tmp_path / "short.jsonl").write_text("".join(lines[:1] + lines[-1:]))
    SavedPlan.objects.all().delete()
    with pytest.raises(CommandError):
        restore(tmp_path / "short.jsonl")
    assert not SavedPlan.objects.exists()


def test_restore_reports_each_record(tmp_path, three_plans):
    backup(tmp_path / "plans.jsonl")
    SavedPlan.objects.filter(pk=three_plans[0].saved.pk).delete()
    report = restore(tmp_path / "plans.jsonl")
    assert "line 1:" in report and "line 2:" in report and "line 3:" in report
    assert report.count("created") == 1 and report.count("existed") == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite stores a lone surrogate")
def test_a_lone_surrogate_saved_earlier_neither_breaks_the_backup_nor_restores(tmp_path):
    created = plans.create(Plan())
    data = codec.to_dict(Plan())
    data["tls"]["host"] = "bad\ud800host"
    Revision.objects.filter(saved_plan=created.saved).update(data=data)
    backup(tmp_path / "plans.jsonl")
    text = (tmp_path / "plans.jsonl").read_text(encoding="utf-8")
    assert json.loads(text.splitlines()[-1]) == {"format": 1, "end": True, "plans": 1}
    SavedPlan.objects.all().delete()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("restore_plans", str(tmp_path / "plans.jsonl"), stderr=err)
    assert "line 1:" in err.getvalue()
    assert not SavedPlan.objects.exists()
