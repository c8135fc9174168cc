"""Migration 0003 scrubs revisions saved before the codec became strict: the values it names go,
the rest of the plan stays, and every revision decodes."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from wizard import plans
from wizard.core import codec
from wizard.core.plan import Plan
from wizard.models import Revision

scrub_module = importlib.import_module("wizard.migrations.0003_scrub_saved_revisions")
MARKER = "MARKER-5c1e"
pytestmark = pytest.mark.django_db


def saved_with(data: dict) -> Revision:
    created = plans.create(Plan())
    Revision.objects.filter(pk=created.revision.pk).update(data=data)
    return Revision.objects.get(pk=created.revision.pk)


def test_secrets_and_unknown_choices_are_dropped_and_the_rest_kept():
    data = codec.to_dict(Plan(release="keep-me"))
    data["kept"] = {"ssl.key": MARKER, "user": {"password": MARKER}, "gateway": {"replicas": 2}}
    data["storage"]["artifacts"]["kind"] = "bogus"
    data["database"]["host"] = f"postgres://u:{MARKER}@h"
    rev = saved_with(data)
    scrub_module.scrub_revisions(apps, connection.schema_editor())
    rev.refresh_from_db()
    plan = codec.from_dict(rev.data)
    assert MARKER not in repr(rev.data)
    assert plan.release == "keep-me" and plan.storage.artifacts.kind == "s3"


def test_a_revision_the_codec_takes_is_left_as_it_is():
    data = codec.to_dict(Plan(release="fine"))
    rev = saved_with(data)
    scrub_module.scrub_revisions(apps, connection.schema_editor())
    rev.refresh_from_db()
    assert rev.data == data
