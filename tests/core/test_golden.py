"""Golden files: what the engine renders for each example plan, reviewed and compared byte for byte.

Regenerate with `UPDATE_GOLDEN=1 make test`, then review the diff before committing it.
"""

import os
from pathlib import Path

import pytest

from tests.plans import EXAMPLE_NAMES, example
from wizard.core.bundle import render_files

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def golden_cases():
    for name in EXAMPLE_NAMES:
        for rel in render_files(example(name)):
            yield name, rel


def golden_path(name: str, rel: str) -> Path:
    suffix = {"values.yaml": "values.yaml", "RUNBOOK.md": "runbook.md"}.get(rel)
    if suffix is None:  # presets/<class>.yaml
        suffix = "preset-" + Path(rel).name
    return GOLDEN / f"{name}.{suffix}"


@pytest.mark.parametrize(("name", "rel"), list(golden_cases()))
def test_rendered_file_matches_its_golden_file(name, rel):
    text = render_files(example(name))[rel]
    path = golden_path(name, rel)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


def test_no_stale_golden_files():
    expected = {golden_path(name, rel).name for name, rel in golden_cases()}
    assert {p.name for p in GOLDEN.iterdir()} == expected
