#!/usr/bin/env python3
"""Benchmark: what people using the wizard feel (`make bench`).

Starts the app under gunicorn (production settings, 2 workers, SQLite) on 127.0.0.1 and measures:
  keystroke to preview  Chromium on the real step pages: keydown to the new value in the preview
  capacity              30 people typing at once, open loop, against the live preview
  memory                a worker's peak RSS through 10,000 previews shaped as an attacker would
  page weight           a step page and its assets, compressed; no request to another origin
  placement             parse a 5 MB `kubectl get nodes -o json` (2,000 nodes) and place every pod
and, for information only, the share page, the zip, a 1 MB import and two YAML bombs.
Prints a table with PASS or FAIL per target and exits 1 when one is missed. Loopback only;
every loop is bounded. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_server import ROOT, Server

sys.path.insert(0, str(ROOT))

LIMITS = {
    "keystroke_p50_ms": 30.0,
    "keystroke_p95_ms": 50.0,
    "capacity_p95_ms": 50.0,
    "memory_mib": 150.0,
    "page_kb": 60.0,
    "placement_ms": 1000.0,
}
SECTIONS = ("weight", "keystroke", "capacity", "info", "memory", "placement")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def row_cap() -> int:
    """The row lists' cap, which the attacker's bodies go up to and a little past."""
    try:
        from wizard.core.codec import MAX_ITEMS
    except ImportError:
        return 32
    return MAX_ITEMS


class Table:
    def __init__(self):
        self.rows: list[tuple[str, str, str, bool]] = []

    def add(self, what: str, measured: str, limit: str, ok: bool) -> None:
        self.rows.append((what, measured, limit, ok))

    def print(self) -> None:
        width = max(len(r[0]) for r in self.rows)
        print(f"| {'target':{width}} | {'measured':>18} | {'limit':>10} | result |")
        print(f"|{'-' * (width + 2)}|{'-' * 20}|{'-' * 12}|--------|")
        for what, measured, limit, ok in self.rows:
            print(
                f"| {what:{width}} | {measured:>18} | {limit:>10} | {'PASS' if ok else 'FAIL':>6} |"
            )

    @property
    def missed(self) -> list[str]:
        return [r[0] for r in self.rows if not r[3]]


def keystroke_rows(table: Table, server: Server, args) -> None:
    import keystroke

    if not os.path.exists(keystroke.CHROMIUM):
        table.add("keystroke to preview", f"no {keystroke.CHROMIUM}", "", False)
        return
    result = keystroke.run(server.url, args.keystrokes, (args.pause_min, args.pause_max))
    steps = len({f.split("/")[0] for f in result.fields})
    n = len(result.latencies)
    what = f"keystroke to preview (Chromium, {n} keystrokes, {len(result.fields)} fields, {steps} steps)"
    p50, p95 = pct(result.latencies, 50), pct(result.latencies, 95)
    table.add(
        what + ", p50",
        f"{p50:.1f} ms",
        f"<= {LIMITS['keystroke_p50_ms']:.0f} ms",
        p50 <= LIMITS["keystroke_p50_ms"],
    )
    table.add(
        what + ", p95",
        f"{p95:.1f} ms",
        f"<= {LIMITS['keystroke_p95_ms']:.0f} ms",
        p95 <= LIMITS["keystroke_p95_ms"],
    )
    table.add(
        "keystrokes whose value never reached the preview",
        str(len(result.errors)),
        "0",
        not result.errors and n >= args.keystrokes,
    )
    args.notes.append(f"keystroke fields: {', '.join(result.fields)}")
    args.notes.append(
        f"keystroke p99 {pct(result.latencies, 99):.1f} ms, max {max(result.latencies, default=0):.1f} ms"
    )
    if result.errors:
        args.notes.append(f"keystroke errors: {sorted(set(result.errors))[:5]}")
    args.origins |= result.origins


def capacity_rows(table: Table, server: Server, args) -> None:
    import capacity

    result = capacity.run(server.port, args.people, args.seconds, args.rate)
    lat = result.latencies
    p95 = pct(lat, 95)
    what = (
        f"capacity: {args.people} people x {args.rate:g} keystrokes/s, {args.seconds:g} s open loop, "
        f"{server.workers} workers: preview p95"
    )
    table.add(
        what,
        f"{p95:.1f} ms",
        f"<= {LIMITS['capacity_p95_ms']:.0f} ms",
        p95 <= LIMITS["capacity_p95_ms"],
    )
    errors = sum(result.errors.values())
    table.add(
        "capacity: failed previews",
        f"{errors} of {result.sent}",
        "0",
        errors == 0 and result.sent > 0,
    )
    args.notes.append(
        f"capacity: p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms, max {max(lat, default=0):.1f} ms "
        f"(from the scheduled send time); {result.sent / args.seconds:.0f} previews/s offered, "
        f"{result.served_per_s:.0f} served; senders up to {result.late_ms:.0f} ms behind schedule"
        + (f"; errors {result.errors}" if result.errors else "")
    )


def memory_rows(table: Table, workdir: Path, args) -> None:
    import memory

    with Server(workdir / "memory", workers=2) as server:
        peaks: dict[int, int] = {}
        pids = set(server.worker_pids())

        def sample() -> None:
            for pid, kib in server.worker_peaks_kib().items():
                peaks[pid] = max(peaks.get(pid, 0), kib)

        started = time.perf_counter()
        result = memory.run(
            server.port, args.memory_requests, args.memory_clients, row_cap(), sample
        )
        elapsed = time.perf_counter() - started
        now = server.worker_peaks_kib("VmRSS")
        replaced = set(server.worker_pids()) != pids
    peak = max(peaks.values(), default=0) / 1024
    table.add(
        f"memory: a worker's peak RSS through {result.requests:,} attacker-shaped previews",
        f"{peak:.1f} MiB",
        f"<= {LIMITS['memory_mib']:.0f} MiB",
        0 < peak <= LIMITS["memory_mib"] and not replaced,
    )
    failed = sum(result.errors.values())
    table.add(
        "memory: attacker previews answered 5xx or not at all",
        f"{failed} of {result.requests}",
        "0",
        failed == 0 and result.requests >= args.memory_requests,
    )
    args.notes.append(
        f"memory: statuses {dict(sorted(result.statuses.items()))}, rows per list up to {result.max_rows}, "
        f"{result.requests / elapsed:.0f} previews/s; per worker MiB "
        f"{ {pid: round(k / 1024, 1) for pid, k in peaks.items()} }, resident at the end "
        f"{ {pid: round(k / 1024, 1) for pid, k in now.items()} } (kept after the requests)"
        + ("; a worker was replaced during the run" if replaced else "")
    )


def weight_rows(table: Table, server: Server, args) -> None:
    import extras

    weight, foreign = extras.page_weight(server.port)
    table.add(
        "page weight: a step page with its CSS, JS and icon, compressed",
        f"{weight / 1024:.1f} KB",
        f"<= {LIMITS['page_kb']:.0f} KB",
        weight / 1024 <= LIMITS["page_kb"],
    )
    args.foreign += foreign


def info_rows(server: Server, args) -> None:
    import extras

    print("\nFor information (no target), sequential requests:\n")
    print(f"| {'scenario':36} | {'n':>4} | {'p50 ms':>8} | {'p95 ms':>8} | errors |")
    print(f"|{'-' * 38}|------|----------|----------|--------|")
    for label, row in extras.info_rows(server.port, args.info_requests):
        if isinstance(row, str):
            print(f"| {label:36} | {'-':>4} | {'-':>8} | {'-':>8} | {row}")
        else:
            print(
                f"| {label:36} | {row['n']:4d} | {row['p50']:8.1f} | {row['p95']:8.1f} | {row['errors']:6d} |"
            )


def placement_rows(table: Table, args) -> None:
    import placement_bench

    row = placement_bench.measure(nodes=2000, repeat=1 if args.quick else 3)
    table.add(
        f"parse a {row['bytes'] / 1e6:.1f} MB node inventory ({row['nodes']} nodes) and place "
        "every pod (best wall clock)",
        f"{row['total_ms']:.0f} ms",
        f"< {LIMITS['placement_ms']:.0f} ms",
        row["total_ms"] < LIMITS["placement_ms"],
    )
    args.notes.append(
        f"placement: parse {row['parse_ms']:.0f} ms, place {row['place_ms']:.0f} ms, "
        f"CPU {row['cpu_ms']:.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small counts: checks the scripts run end to end, not the targets",
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma list of {', '.join(SECTIONS)}"
    )
    parser.add_argument("--keystrokes", type=int, default=200)
    parser.add_argument(
        "--pause-min", type=int, default=120, help="ms between keystrokes, at least"
    )
    parser.add_argument("--pause-max", type=int, default=250, help="ms between keystrokes, at most")
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--rate", type=float, default=5.0, help="keystrokes per second per person")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the capacity run")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument("--memory-clients", type=int, default=4)
    parser.add_argument("--info-requests", type=int, default=50)
    parser.add_argument(
        "--keep", action="store_true", help="keep the work directory (gunicorn logs)"
    )
    args = parser.parse_args()
    if args.quick:
        args.keystrokes, args.seconds, args.memory_requests, args.info_requests = 30, 4.0, 400, 5
        args.pause_min, args.pause_max = 30, 60
    args.people = max(1, min(args.people, 200))
    args.seconds = max(1.0, min(args.seconds, 300.0))
    args.memory_requests = max(1, min(args.memory_requests, 100_000))
    only = [s for s in args.only.split(",") if s]
    if unknown := set(only) - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    args.notes, args.origins, args.foreign = [], set(), []

    table = Table()
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="wizard-bench-"))
    try:
        if {"weight", "keystroke", "capacity", "info"} & set(only):
            with Server(workdir, workers=2) as server:
                if "weight" in only:
                    weight_rows(table, server, args)
                if "keystroke" in only:
                    keystroke_rows(table, server, args)
                if "capacity" in only:
                    capacity_rows(table, server, args)
                if "weight" in only or "keystroke" in only:
                    own = server.url
                    others = sorted({o for o in args.origins if o != own} | set(args.foreign))
                    table.add(
                        "requests to another origin (page source and Chromium's requests)",
                        str(len(others)),
                        "0",
                        not others,
                    )
                    if others:
                        args.notes.append(f"other origins: {others}")
                if "info" in only:
                    info_rows(server, args)
        if "placement" in only:
            placement_rows(table, args)
        if "memory" in only:
            (workdir / "memory").mkdir()
            memory_rows(table, workdir, args)
    finally:
        if args.keep:
            print(f"\nkept {workdir} (databases and gunicorn logs)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"\nPolyaxon production wizard, make bench{' --quick' if args.quick else ''}: "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"gunicorn 2 workers, production settings, SQLite; load average "
        f"{load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after\n"
    )
    table.print()
    print()
    for note in args.notes:
        print(f"- {note}")
    if args.quick:
        print(
            "\n--quick: smaller counts than the targets are defined over (a check that the "
            "scripts run end to end, not the measurement)."
        )
    return 1 if table.missed else 0


if __name__ == "__main__":
    sys.exit(main())
