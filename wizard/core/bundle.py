"""Everything the engine renders for one plan, as relative file paths -> text.

One list serves the CLI (`render_values --out DIR`), the downloads and the zip, so they can
never disagree about what a plan produces.
"""

from __future__ import annotations

import io
import json
import zipfile

from . import codec
from .inventory import Inventory
from .plan import Plan
from .runbook import to_runbook
from .values import preset_yaml, to_presets, to_yaml

VALUES_FILE = "values.yaml"
RUNBOOK_FILE = "RUNBOOK.md"
PLAN_FILE = "plan.json"


def plan_json(plan: Plan) -> str:
    return json.dumps(codec.to_dict(plan), indent=2) + "\n"


def render_files(plan: Plan, inventory: Inventory | None = None) -> dict[str, str]:
    """values.yaml, RUNBOOK.md and presets/<class>.yaml (v2 plans with workload pools). With the
    cluster's node `inventory`, the runbook names its real nodes."""
    files = {VALUES_FILE: to_yaml(plan), RUNBOOK_FILE: to_runbook(plan, inventory)}
    for name in to_presets(plan):
        files[f"presets/{name}.yaml"] = preset_yaml(plan, name)
    return files


def render_zip(plan: Plan, inventory: Inventory | None = None) -> bytes:
    """A zip of every rendered file plus the plan JSON, with fixed timestamps (same plan, same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, text in {**render_files(plan, inventory), PLAN_FILE: plan_json(plan)}.items():
            info = zipfile.ZipInfo(
                f"polyaxon-{plan.release}/{path}", date_time=(2020, 1, 1, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()
