"""`render_values --nodes` writes the runbook the web gives for the same plan and inventory."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command

from wizard.core import bundle, codec, inventory

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "v06-legacy.json"
NODES = ROOT / "examples" / "inventories" / "bare-metal.nodes.yaml"


def test_render_values_with_nodes_writes_the_runbook_with_real_nodes(tmp_path, capsys):
    call_command("render_values", str(PLAN), "--out", str(tmp_path), "--nodes", str(NODES))
    plan = codec.from_dict(json.loads(PLAN.read_text()))
    inv = inventory.parse_inventory(NODES.read_bytes())
    written = (tmp_path / bundle.RUNBOOK_FILE).read_text()
    assert written == bundle.render_files(plan, inv)[bundle.RUNBOOK_FILE]
    assert "srv-build-01.lab.acme.internal" in written
