"""Regenerate wizard/core/chart_keys.py from the charts' default values files.

    .venv/bin/python scripts/gen_chart_keys.py [REFERENCE_DIR]

REFERENCE_DIR defaults to ../shared/reference (it holds polyaxon-chart-v2/values.yaml and
polyaxon-chart-v0.6/values.yaml). tests/core/test_chart_keys.py checks the committed module
against the files when they exist.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "wizard" / "core" / "chart_keys.py"
FILES = {"v2": "polyaxon-chart-v2/values.yaml", "v0.6": "polyaxon-chart-v0.6/values.yaml"}


def key_paths(values: dict, prefix: str = "") -> list[str]:
    """Dotted paths of every mapping key (lists are not entered)."""
    out = []
    for key, value in values.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out.append(path)
        if isinstance(value, dict):
            out.extend(key_paths(value, path))
    return out


def render(reference: Path) -> str:
    lines = [
        '"""Key paths of the charts\' default values files (generated: scripts/gen_chart_keys.py).',
        "",
        "Dotted paths of every mapping key in polyaxon-chart-v2/values.yaml (2.15.1) and",
        "polyaxon-chart-v0.6/values.yaml (0.6.1). Do not edit by hand.",
        '"""',
        "",
        "DEFAULT_KEYS = {",
    ]
    for target, rel in FILES.items():
        data = yaml.safe_load((reference / rel).read_text(encoding="utf-8"))
        lines.append(f"    {target!r}: frozenset(")
        lines.append("        {")
        lines.extend(f"            {p!r}," for p in sorted(set(key_paths(data))))
        lines.append("        }")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    reference = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference"
    OUT.write_text(render(reference), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
