"""wizard/core/chart_keys.py matches the charts' default values files (when they are here)."""

from pathlib import Path

import pytest
import yaml

from scripts.gen_chart_keys import FILES, key_paths
from wizard.core.chart_keys import DEFAULT_KEYS

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"


@pytest.mark.parametrize("target", sorted(FILES))
def test_chart_keys_match_the_reference_values_file(target):
    path = REFERENCE / FILES[target]
    if not path.exists():
        pytest.skip(f"{path} is not available here")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert DEFAULT_KEYS[target] == frozenset(key_paths(data))


def test_chart_keys_know_the_keys_the_wizard_writes():
    assert {"nodeSelector", "ingress.className", "securityContext.runAsUser"} <= DEFAULT_KEYS["v2"]
    assert {"persistence.logs", "serviceType", "securityContext.user"} <= DEFAULT_KEYS["v0.6"]
