"""Saved plans as a service: create, save a revision, rotate the share link, fork, delete, look up.

All database logic for saved plans lives here so views and the API stay thin. Identifiers are
random (a 128-bit share id in UUID form, a 256-bit edit key of which only the sha256 is stored);
database ids never leave this module. A save names the revision it was based on: if another save
got in first, `Conflict` is raised and nothing is written (no lost update).
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F

from wizard.core import codec
from wizard.core.plan import SECTIONS, Plan
from wizard.core.values import to_yaml
from wizard.models import Revision, SavedPlan

PLAN_WIDE = ("plan", "Target and release")
MAX_REVISION = 2**31 - 1


class Conflict(Exception):
    """The save was based on `base`, but the plan is at `latest` already."""

    def __init__(self, saved: SavedPlan, base: int, latest: Revision):
        self.saved = saved
        self.base = base
        self.latest = latest
        super().__init__(f"based on revision {base}, but the latest is {latest.number}")


class Gone(Exception):
    """The saved plan was deleted."""


@dataclass(frozen=True)
class Saved:
    saved: SavedPlan
    revision: Revision
    # Set when a new plan was created: shown once, only its hash is stored.
    edit_key: str | None = None


def new_share_id() -> uuid.UUID:
    # 128 random bits (uuid4 has only 122); the UUID form is just the spelling.
    return uuid.UUID(bytes=secrets.token_bytes(16))


def new_edit_key() -> str:
    return secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_matches(saved: SavedPlan, key: str) -> bool:
    return hmac.compare_digest(hash_key(key), saved.edit_key_hash)


def parse_share_id(text: str) -> uuid.UUID | None:
    """The share id spelled exactly as we hand it out, or None (so every bad id is the same 404)."""
    try:
        value = uuid.UUID(text)
    except (ValueError, TypeError, AttributeError):
        return None
    return value if str(value) == text else None


def get_shared(share_id: str) -> SavedPlan | None:
    parsed = parse_share_id(share_id)
    if parsed is None:
        return None
    return SavedPlan.objects.filter(share_id=parsed).first()


def shared_revision(share_id: str, number: int | None = None) -> Revision | None:
    """A revision (the latest when `number` is None) with its plan, in one query; None if either
    is unknown."""
    parsed = parse_share_id(share_id)
    if parsed is None or (number is not None and not 0 < number <= MAX_REVISION):
        return None
    found = Revision.objects.select_related("saved_plan").filter(saved_plan__share_id=parsed)
    wanted = F("saved_plan__latest_number") if number is None else number
    return found.filter(number=wanted).first()


def get_by_key(key: str) -> SavedPlan | None:
    if not key or len(key) > 200:
        return None
    return SavedPlan.objects.filter(edit_key_hash=hash_key(key)).first()


def get_by_key_hash(key_hash: str) -> SavedPlan | None:
    """For the wizard session, which holds the hash (proof the key was presented), never the key."""
    if not isinstance(key_hash, str) or len(key_hash) != 64:
        return None
    return SavedPlan.objects.filter(edit_key_hash=key_hash).first()


def latest(saved: SavedPlan) -> Revision:
    return saved.revisions.get(number=saved.latest_number)


def revision_number(text: str) -> int | None:
    """A revision number typed in a URL or form: ASCII digits only (`str.isdigit` takes '²'),
    within the column's range; None otherwise."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{1,10}", text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_REVISION else None


def revision(saved: SavedPlan, number: int | None = None) -> Revision | None:
    """Revision `number` of the plan (the latest when None), or None if it has no such one."""
    if number is None:
        number = saved.latest_number
    elif not 0 < number <= MAX_REVISION:
        return None
    return saved.revisions.filter(number=number).first()


def history(saved: SavedPlan) -> list[Revision]:
    """Revisions newest first, without their plan data (a listing needs numbers and dates)."""
    return list(saved.revisions.defer("data").order_by("-number"))


def what_changed(saved: SavedPlan, limit: int = 50) -> dict[int, list[tuple[str, int]]]:
    """For each of the newest `limit` revisions: the steps it changed from the revision before,
    and how many fields in each (the history page's summary)."""
    revisions = list(saved.revisions.order_by("-number")[: limit + 1])
    out = {}
    for rev, before in zip(revisions, revisions[1:], strict=False):
        if before.number == rev.number - 1:
            groups = diff_plans(plan_of(before), plan_of(rev))
            out[rev.number] = [(g.title, len(g.changes)) for g in groups]
    return out


def plan_of(rev: Revision) -> Plan:
    return codec.from_dict(rev.data)


def create(plan: Plan) -> Saved:
    key = new_edit_key()
    with transaction.atomic():
        saved = SavedPlan.objects.create(
            share_id=new_share_id(), edit_key_hash=hash_key(key), latest_number=1
        )
        rev = Revision.objects.create(saved_plan=saved, number=1, data=codec.to_dict(plan))
    return Saved(saved=saved, revision=rev, edit_key=key)


def save_revision(saved: SavedPlan, plan: Plan, base: int) -> Revision:
    """Append a revision after `base`; raise Conflict if `base` is not the latest, Gone if deleted.

    The row lock (PostgreSQL) or the IMMEDIATE write transaction (SQLite) serialises concurrent
    saves of one plan; the unique (plan, number) constraint is the last line of defence.
    """
    data = codec.to_dict(plan)
    try:
        with transaction.atomic():
            locked = SavedPlan.objects.select_for_update().filter(pk=saved.pk).first()
            if locked is None:
                raise Gone()
            if locked.latest_number != base:
                raise Conflict(locked, base, latest(locked))
            rev = Revision.objects.create(saved_plan=locked, number=base + 1, data=data)
            locked.latest_number = base + 1
            locked.save(update_fields=["latest_number", "updated_at"])
    except IntegrityError:
        fresh = SavedPlan.objects.filter(pk=saved.pk).first()
        if fresh is None:
            raise Gone() from None
        raise Conflict(fresh, base, latest(fresh)) from None
    saved.latest_number = rev.number
    return rev


def rotate_share(saved: SavedPlan) -> uuid.UUID:
    """Give the plan a new share id; links with the old one stop working."""
    new_id = new_share_id()
    SavedPlan.objects.filter(pk=saved.pk).update(share_id=new_id)
    saved.share_id = new_id
    return new_id


def delete(saved: SavedPlan) -> None:
    SavedPlan.objects.filter(pk=saved.pk).delete()


def fork(rev: Revision) -> Saved:
    """A new plan of one's own (new share id and edit key) starting from `rev`."""
    return create(plan_of(rev))


# --- the wizard session's link to a saved plan --------------------------------------------


def session_ref(saved: SavedPlan, number: int) -> dict:
    """What the wizard keeps in `meta["saved"]`: the key hash (the key was presented) and base."""
    return {"id": saved.edit_key_hash, "revision": number}


def session_plan(ref: object) -> SavedPlan | None:
    """The saved plan a `session_ref` names (None without one, or if it was deleted)."""
    return get_by_key_hash(ref.get("id")) if isinstance(ref, dict) else None


def save_from_session(ref: object, plan: Plan, base: int | None = None) -> Saved:
    """Save the wizard's plan: a new revision of the plan it was opened on, else a new plan.

    `base` overrides the session's base revision (the conflict page's "keep mine").
    """
    saved = session_plan(ref)
    if saved is None:
        return create(plan)
    if base is None:
        base = ref.get("revision")
    if not isinstance(base, int) or isinstance(base, bool):
        base = 0
    try:
        rev = save_revision(saved, plan, base)
    except Gone:
        return create(plan)
    return Saved(saved, rev)


# --- diffs between revisions --------------------------------------------------------------


def flatten(data: object, prefix: str = "") -> dict[str, object]:
    """Codec JSON as dotted paths -> scalar values (`storage.data.0.bucket`)."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return {prefix: data}
    flat: dict[str, object] = {}
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict | list) and value:
            flat.update(flatten(value, path))
        else:
            flat[path] = value
    return flat


@dataclass(frozen=True)
class Change:
    path: str
    kind: str  # added, removed, changed
    old: str
    new: str


@dataclass
class DiffGroup:
    slug: str
    title: str
    changes: list[Change] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _group_of(path: str) -> tuple[str, str]:
    head = path.split(".", 1)[0]
    for attr, slug, title in SECTIONS:
        if attr == head:
            return slug, title
    return PLAN_WIDE


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def diff_plans(old: Plan, new: Plan) -> list[DiffGroup]:
    """Changed fields grouped by wizard step (in wizard order), each with a unified diff."""
    a = {k: v for k, v in flatten(codec.to_dict(old)).items() if k != "version"}
    b = {k: v for k, v in flatten(codec.to_dict(new)).items() if k != "version"}
    order = [PLAN_WIDE] + [(slug, title) for _, slug, title in SECTIONS]
    groups = {slug: DiffGroup(slug, title) for slug, title in order}
    for path in dict.fromkeys([*a, *b]):
        if path in a and path in b and a[path] == b[path]:
            continue
        kind = "changed" if path in a and path in b else ("added" if path in b else "removed")
        change = Change(
            path, kind, _show(a[path]) if path in a else "", _show(b[path]) if path in b else ""
        )
        groups[_group_of(path)[0]].changes.append(change)
    for group in groups.values():
        if not group.changes:
            continue
        left = [f"{p} = {_show(v)}" for p, v in a.items() if _group_of(p)[0] == group.slug]
        right = [f"{p} = {_show(v)}" for p, v in b.items() if _group_of(p)[0] == group.slug]
        group.lines = list(difflib.unified_diff(left, right, "before", "after", lineterm="", n=1))
    return [g for g in groups.values() if g.changes]


def diff_values(
    old: Plan, new: Plan, old_name: str = "before", new_name: str = "after"
) -> list[str]:
    """Unified diff of the two values.yaml files."""
    return list(
        difflib.unified_diff(
            to_yaml(old).splitlines(), to_yaml(new).splitlines(), old_name, new_name, lineterm=""
        )
    )
