"""The literal command of the issue, on the example presets: `polyaxon check -f <stub job> -f <preset>`
from the polyaxon 2.15.1 oracle virtualenv (the in-process oracle covers the generated plans)."""

import subprocess
from pathlib import Path

import pytest

from tests.oracle import SERVERS
from tests.oracles.v2_server import STUB_COMPONENT
from tests.plans import EXAMPLE_NAMES, example
from wizard.core.values import preset_yaml, to_presets

POLYAXON = SERVERS["v2"][0] / "bin" / "polyaxon"
CASES = [
    (name, preset)
    for name in EXAMPLE_NAMES
    if name.startswith("v2")
    for preset in to_presets(example(name))
]


def polyaxon_check(tmp_path: Path, preset_text: str) -> subprocess.CompletedProcess:
    if not POLYAXON.exists():
        pytest.fail("the polyaxon 2.15.1 oracle is missing: run `make test`", pytrace=False)
    (tmp_path / "polyaxonfile.yaml").write_text(STUB_COMPONENT)
    (tmp_path / "preset.yaml").write_text(preset_text)
    env = {
        "POLYAXON_NO_OP": "true",
        "POLYAXON_HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    return subprocess.run(
        [str(POLYAXON), "check", "-f", "polyaxonfile.yaml", "-f", "preset.yaml"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("name", "preset"), CASES)
def test_polyaxon_check_cli_accepts_the_example_preset(tmp_path, name, preset):
    result = polyaxon_check(tmp_path, preset_yaml(example(name), preset))
    assert result.returncode == 0, result.stdout + result.stderr


def test_polyaxon_check_cli_rejects_a_broken_preset(tmp_path):
    broken = 'isPreset: true\nrunPatch:\n  environment:\n    nodeSelector: ["polyaxon", "core"]\n'
    assert polyaxon_check(tmp_path, broken).returncode != 0
