#!/usr/bin/env python3
"""Timings of the values-file importer: safe loading of hostile and large files, and import.

    .venv/bin/python bench/import_bench.py [--repeat 5]

Prints the best of N wall-clock times per case (milliseconds). Hostile files must be refused
and legit ones read; the script exits 1 if any case takes a second or more. Then the median
per stage of `POST /api/import` for the ~1 MB file of `make bench` (5,000 connections): safe
loading, import, and the JSON of the response. Not a unit test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extras import big_values_file  # noqa: E402

from tests.core.test_safeyaml import HOSTILE, realistic_large_file  # noqa: E402
from tests.import_files import V06_GUIDE, V2_REALISTIC  # noqa: E402
from wizard.core import codec, safeyaml, values  # noqa: E402
from wizard.core.importer import import_values, report_dict  # noqa: E402
from wizard.core.lint import lint_text  # noqa: E402


def best_of(repeat: int, fn) -> tuple[float, str]:
    best, outcome = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            fn()
            outcome = "read"
        except safeyaml.YamlRefused as exc:
            outcome = f"refused (line {exc.line})"
        best = min(best, time.perf_counter() - start)
    return best * 1000, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    big = realistic_large_file()
    oversize = b"#" * (safeyaml.MAX_BYTES + 1)
    cases = {
        f"hostile: {name}": (lambda t=text: safeyaml.load_values(t))
        for name, (text, _) in HOSTILE.items()
    }
    cases |= {
        "hostile: over the 2 MiB cap": lambda: safeyaml.load_values(oversize),
        f"legit: {len(big) / 1024:.0f} KiB values file (load)": lambda: safeyaml.load_values(big),
        "legit: realistic v2 file (load + import)": lambda: import_values(
            safeyaml.load_values(V2_REALISTIC)
        ),
        "legit: guide 0.6 file (load + import)": lambda: import_values(
            safeyaml.load_values(V06_GUIDE)
        ),
        "legit: 0.6 -> v2 migration (load + import)": lambda: import_values(
            safeyaml.load_values(V06_GUIDE), "v2"
        ),
        "legit: lint of the guide file": lambda: lint_text(V06_GUIDE),
        "legit: import + export of the realistic v2 file": lambda: values.to_yaml(
            import_values(safeyaml.load_values(V2_REALISTIC)).plan
        ),
    }
    slow = 0
    print(f"{'case':58} {'best ms':>9}  outcome")
    for name, fn in cases.items():
        ms, outcome = best_of(repeat, fn)
        slow += ms >= 1000
        print(f"{name:58} {ms:9.2f}  {outcome}")
    print_api_stages(max(repeat, 7))
    return 1 if slow else 0


def print_api_stages(repeat: int) -> None:
    """What POST /api/import?target=v2 does with the 1 MB file, stage by stage (median ms)."""
    body = big_values_file()
    stages: dict[str, list[float]] = {"load_values": [], "import_values": [], "response JSON": []}
    for _ in range(repeat):
        start = time.perf_counter()
        loaded = safeyaml.load_values(body)
        read = time.perf_counter()
        result = import_values(loaded, "v2", owned=True)
        imported = time.perf_counter()
        json.dumps({"plan": codec.to_dict(result.plan), **report_dict(result)})
        done = time.perf_counter()
        for name, ms in zip(stages, (read - start, imported - read, done - imported), strict=True):
            stages[name].append(ms * 1000)
    print(f"\nPOST /api/import of a {len(body) / 1024:.0f} KiB v2 file, median of {repeat} (ms)")
    total = 0.0
    for name, times in stages.items():
        total += statistics.median(times)
        print(f"  {name:56} {statistics.median(times):9.2f}")
    print(f"  {'total':56} {total:9.2f}")


if __name__ == "__main__":
    sys.exit(main())
