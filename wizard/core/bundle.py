"""Everything the engine renders for one plan, as relative file paths -> text.

One list serves the CLI (`render_values --out DIR`), the downloads and the zip, so they can
never disagree about what a plan produces.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import OrderedDict

from . import codec
from .plan import Plan
from .runbook import to_runbook
from .values import preset_yaml, to_presets, to_yaml

VALUES_FILE = "values.yaml"
RUNBOOK_FILE = "RUNBOOK.md"
PLAN_FILE = "plan.json"


def plan_json(plan: Plan) -> str:
    return json.dumps(codec.to_dict(plan), indent=2) + "\n"


def render_files(plan: Plan) -> dict[str, str]:
    """values.yaml, RUNBOOK.md and presets/<class>.yaml (v2 plans with workload pools)."""
    key = _key(plan)
    found = _FILES.get(key)
    if found is None:
        files = {VALUES_FILE: to_yaml(plan), RUNBOOK_FILE: to_runbook(plan)}
        for name in to_presets(plan):
            files[f"presets/{name}.yaml"] = preset_yaml(plan, name)
        found = _remember(_FILES, key, tuple(files.items()), 128)
    return dict(found)


def render_zip(plan: Plan) -> bytes:
    """A zip of every rendered file plus the plan JSON, with fixed timestamps (same plan, same bytes)."""
    key = _key(plan)
    found = _ZIPS.get(key)
    if found is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path, text in {**render_files(plan), PLAN_FILE: plan_json(plan)}.items():
                info = zipfile.ZipInfo(
                    f"polyaxon-{plan.release}/{path}", date_time=(2020, 1, 1, 0, 0, 0)
                )
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, text)
        found = _remember(_ZIPS, key, buffer.getvalue(), 32)
    return found


# Rendering is a pure function of the plan, so the same plan (the review page and the downloads
# of an unchanged wizard session, the pages of a saved revision) is rendered once per process.
# The key is the plan's repr: plans are frozen dataclasses of str, int, bool, tuples and plain
# JSON data, whose repr spells out every value (and keeps 1, "1" and True apart).
_FILES: OrderedDict[str, tuple[tuple[str, str], ...]] = OrderedDict()
_ZIPS: OrderedDict[str, bytes] = OrderedDict()
_LAST: tuple[Plan | None, str] = (None, "")


def _key(plan: Plan) -> str:
    global _LAST
    last = _LAST  # one read: another thread may replace it
    if last[0] is plan:  # the same object again (a download asks for files, then the zip)
        return last[1]
    key = repr(plan)
    _LAST = (plan, key)
    return key


def _remember(cache: OrderedDict, key: str, value, size: int):
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)
    return value
