"""The saved-plan service (wizard/plans.py): ids, revisions, conflicts, rotation, fork, delete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from wizard import plans
from wizard.core import codec
from wizard.core.plan import SECTIONS, Plan
from wizard.models import Revision, SavedPlan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def example(name: str = "v2-two-pool-aws") -> Plan:
    return codec.from_dict(json.loads((EXAMPLES / f"{name}.json").read_text()))


def renamed(plan: Plan, release: str) -> Plan:
    return replace(plan, release=release)


pytestmark = pytest.mark.django_db


def test_create_makes_revision_one_with_the_codec_json():
    created = plans.create(example())
    assert created.revision.number == 1 and created.saved.latest_number == 1
    assert Revision.objects.get().data == codec.to_dict(example())


def test_share_ids_carry_128_random_bits_in_uuid_form():
    ids = {plans.new_share_id() for _ in range(200)}
    assert len(ids) == 200
    # uuid4 fixes 6 bits; ours does not, so across 200 ids the version nibble varies.
    assert len({i.version for i in ids if i.version} | {i.bytes[6] >> 4 for i in ids}) > 1


def test_edit_keys_carry_256_bits():
    assert len(plans.new_edit_key()) >= 43


def test_share_id_must_be_spelled_exactly():
    created = plans.create(example())
    share = str(created.saved.share_id)
    assert plans.get_shared(share).pk == created.saved.pk
    for spelling in (share.upper(), share.replace("-", ""), "{" + share + "}", f"urn:uuid:{share}"):
        assert plans.get_shared(spelling) is None


def test_edit_key_finds_its_plan_and_nothing_else_does():
    created = plans.create(example())
    assert plans.get_by_key(created.edit_key).pk == created.saved.pk
    assert plans.get_by_key(created.edit_key[:-1]) is None
    assert plans.get_by_key(created.saved.edit_key_hash) is None
    assert plans.get_by_key("") is None


def test_save_revision_appends_the_next_number():
    created = plans.create(example())
    rev = plans.save_revision(created.saved, renamed(example(), "two"), base=1)
    assert rev.number == 2
    assert SavedPlan.objects.get().latest_number == 2
    assert plans.latest(created.saved).data["release"] == "two"


def test_save_on_an_outdated_base_raises_conflict_and_writes_nothing():
    created = plans.create(example())
    plans.save_revision(created.saved, renamed(example(), "first"), base=1)
    with pytest.raises(plans.Conflict) as info:
        plans.save_revision(created.saved, renamed(example(), "second"), base=1)
    assert info.value.latest.number == 2 and info.value.base == 1
    assert list(Revision.objects.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_save_after_delete_raises_gone():
    created = plans.create(example())
    plans.delete(created.saved)
    with pytest.raises(plans.Gone):
        plans.save_revision(created.saved, example(), base=1)


def test_revision_numbers_are_unique_per_plan():
    created = plans.create(example())
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(saved_plan=created.saved, number=1, data={})


def test_revisions_are_immutable():
    created = plans.create(example())
    rev = Revision.objects.get()
    rev.data = {"release": "changed"}
    with pytest.raises(ValueError):
        rev.save()
    assert Revision.objects.get().data == codec.to_dict(example())
    assert created.revision.number == 1


def test_rotate_share_replaces_the_share_id_and_keeps_the_edit_key():
    created = plans.create(example())
    old = str(created.saved.share_id)
    new = plans.rotate_share(created.saved)
    assert plans.get_shared(old) is None
    assert plans.get_shared(str(new)).pk == created.saved.pk
    assert plans.get_by_key(created.edit_key).pk == created.saved.pk


def test_fork_copies_a_revision_into_a_new_plan_with_new_ids():
    created = plans.create(example())
    plans.save_revision(created.saved, renamed(example(), "two"), base=1)
    copy = plans.fork(plans.revision(created.saved, 1))
    assert copy.saved.pk != created.saved.pk
    assert copy.saved.share_id != created.saved.share_id and copy.edit_key != created.edit_key
    assert copy.revision.number == 1 and copy.revision.data == codec.to_dict(example())
    assert plans.latest(created.saved).data["release"] == "two"


def test_delete_removes_the_plan_and_its_revisions():
    created = plans.create(example())
    plans.save_revision(created.saved, example(), base=1)
    plans.delete(created.saved)
    assert not SavedPlan.objects.exists() and not Revision.objects.exists()


def test_session_save_creates_then_appends():
    first = plans.save_from_session(None, example())
    assert first.edit_key and first.revision.number == 1
    ref = plans.session_ref(first.saved, 1)
    assert first.edit_key not in json.dumps(ref)
    second = plans.save_from_session(ref, renamed(example(), "two"))
    assert second.edit_key is None and second.revision.number == 2
    assert second.saved.pk == first.saved.pk


def test_session_save_on_an_outdated_base_conflicts():
    first = plans.save_from_session(None, example())
    ref = plans.session_ref(first.saved, 1)
    plans.save_from_session(ref, renamed(example(), "elsewhere"))
    with pytest.raises(plans.Conflict):
        plans.save_from_session(ref, renamed(example(), "mine"))


def test_session_save_of_a_deleted_plan_makes_a_new_one():
    first = plans.save_from_session(None, example())
    ref = plans.session_ref(first.saved, 1)
    plans.delete(first.saved)
    again = plans.save_from_session(ref, example())
    assert again.edit_key and again.saved.pk != first.saved.pk


# --- diff -------------------------------------------------------------------------------------


def test_flatten_uses_dotted_paths_with_list_indexes():
    flat = plans.flatten(codec.to_dict(example()))
    assert flat["database.port"] == 5432
    assert flat["storage.data.0.bucket"] == "acme-datasets"


def test_diff_groups_changes_by_wizard_step():
    old = example()
    new = replace(
        old,
        release="renamed",
        database=replace(old.database, port=6543),
        tls=replace(old.tls, host="other.example.com"),
    )
    groups = plans.diff_plans(old, new)
    by_step = {g.slug: [c.path for c in g.changes] for g in groups}
    assert by_step == {
        "plan": ["release"],
        "database": ["database.port"],
        "ssl": ["tls.host"],
    }
    steps = [slug for _, slug, _ in SECTIONS]
    assert [g.slug for g in groups][1:] == sorted([g.slug for g in groups][1:], key=steps.index)
    database = next(g for g in groups if g.slug == "database")
    assert "-database.port = 5432" in database.lines and "+database.port = 6543" in database.lines


def test_diff_reports_added_and_removed_list_entries():
    old = example()
    new = replace(old, storage=replace(old.storage, data=()))
    changes = [c for g in plans.diff_plans(old, new) for c in g.changes]
    assert {c.kind for c in changes} == {"removed", "added"}  # data.0.* gone, data = [] appears
    assert all(c.path.startswith("storage.data") for c in changes)


def test_diff_of_equal_plans_is_empty():
    assert plans.diff_plans(example(), example()) == []
    assert plans.diff_values(example(), example()) == []


def test_values_diff_is_a_unified_diff_of_the_yaml():
    old = example()
    new = replace(old, tls=replace(old.tls, host="other.example.com"))
    lines = plans.diff_values(old, new)
    assert lines[0].startswith("---") and lines[1].startswith("+++")
    assert any(line.startswith("+") and "other.example.com" in line for line in lines[2:])


# --- concurrency --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_one_base_have_exactly_one_winner():
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory test database cannot lock; see the SQLite file test below")
    created = plans.create(example())
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def writer(i: int) -> None:
        try:
            barrier.wait()
            plans.save_revision(created.saved, renamed(example(), f"w{i}"), base=1)
            outcomes.append("won")
        except plans.Conflict:
            outcomes.append("conflict")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["won"]
    assert list(Revision.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert SavedPlan.objects.get().latest_number == 2


CONCURRENT_SAVES = """
import json, threading
from dataclasses import replace
from django.db import connection
from wizard import plans
from wizard.core.plan import Plan
created = plans.create(Plan())
barrier = threading.Barrier(6)
outcomes = []
def writer(i):
    try:
        barrier.wait()
        plans.save_revision(created.saved, replace(Plan(), release=f"w{i}"), base=1)
        outcomes.append("won")
    except plans.Conflict:
        outcomes.append("conflict")
    finally:
        connection.close()
threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
[t.start() for t in threads]
[t.join() for t in threads]
numbers = sorted(created.saved.revisions.values_list("number", flat=True))
print(json.dumps({"outcomes": sorted(outcomes), "numbers": numbers}))
"""


def test_concurrent_saves_on_a_sqlite_file_have_exactly_one_winner(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")},
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [*manage, "shell", "-c", CONCURRENT_SAVES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"outcomes": ["conflict"] * 5 + ["won"], "numbers": [1, 2]}
