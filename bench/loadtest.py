#!/usr/bin/env python3
"""Load test for saved plans: many clients create, edit and read plans against gunicorn.

    .venv/bin/python bench/loadtest.py [--duration 20] [--clients 16] [--workers 4]
                                       [--database-url postgres://postgres@127.0.0.1:5432/wizard]

Starts the app under gunicorn on a free loopback port (after `migrate`, on a fresh temporary
SQLite file unless --database-url is given), then runs client threads for a fixed time: each
creates plans (POST /api/plans), edits them (GET, then PUT with If-Match, retrying on 409) and
reads them (API GET and the HTML share page). Clients edit each other's plans, so saves collide.
Afterwards every acknowledged save is fetched back: its revision must hold exactly what was sent
and no revision number may have been acknowledged twice. Exits 1 on any lost or corrupted
revision, any 5xx or any transport error. Not a unit test: run it by hand.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench_server import GUNICORN, HOST, ROOT, free_port, prepare, server_env

sys.path.insert(0, str(ROOT))

from wizard.core import codec  # noqa: E402  (plain Python, no Django)

MAX_CLIENTS = 64
MAX_DURATION = 600
MAX_RETRIES = 20


def base_plan() -> dict:
    data = json.loads((ROOT / "examples" / "v2-two-pool-aws.json").read_text())
    return codec.to_dict(codec.from_dict(data))


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    by_op: Counter = field(default_factory=Counter)
    transport_errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    # (share id, revision) -> the plan dict the server acknowledged; duplicates are lost updates.
    acked: dict[tuple[str, int], dict] = field(default_factory=dict)
    duplicate_acks: list[tuple[str, int]] = field(default_factory=list)
    gave_up: int = 0
    stale_base_acks: int = 0
    plans: list[tuple[str, str]] = field(default_factory=list)  # (share id, edit key)


class Client:
    def __init__(self, port: int, stats: Stats, rng: random.Random, name: str):
        self.port, self.stats, self.rng, self.name = port, stats, rng, name
        self.counter = 0
        self.pages = True

    def request(self, op: str, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            with self.stats.lock:
                self.stats.transport_errors[type(exc).__name__] += 1
            return None, None
        finally:
            conn.close()
        elapsed = time.perf_counter() - start
        with self.stats.lock:
            self.stats.statuses[status] += 1
            self.stats.by_op[op] += 1
            self.stats.latencies.append(elapsed)
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return status, json.loads(data) if is_json else data

    def unique_plan(self) -> dict:
        self.counter += 1
        plan = base_plan()
        plan["namespace"] = f"ns-{self.name}-{self.counter}"
        plan["database"]["port"] = self.rng.randint(1024, 65535)
        return plan

    def ack(self, share_id: str, revision: int, plan: dict) -> None:
        with self.stats.lock:
            if (share_id, revision) in self.stats.acked:
                self.stats.duplicate_acks.append((share_id, revision))
            self.stats.acked[(share_id, revision)] = plan

    def create(self) -> None:
        plan = self.unique_plan()
        status, body = self.request("create", "POST", "/api/plans", plan)
        if status == 201:
            self.ack(body["id"], body["revision"], plan)
            with self.stats.lock:
                self.stats.plans.append((body["id"], body["edit_key"]))

    def pick(self) -> tuple[str, str] | None:
        with self.stats.lock:
            # Favour a few hot plans so that edits really collide.
            pool = self.stats.plans[:8] if self.rng.random() < 0.5 else self.stats.plans
            return self.rng.choice(pool) if pool else None

    def edit(self) -> None:
        target = self.pick()
        if target is None:
            return self.create()
        share_id, key = target
        status, body = self.request("read", "GET", f"/api/plans/{share_id}")
        if status != 200:
            return None
        base = body["revision"]
        plan = self.unique_plan()
        auth = {"Authorization": f"Bearer {key}"}
        for _ in range(MAX_RETRIES):
            status, body = self.request(
                "edit", "PUT", f"/api/plans/{share_id}", plan, {**auth, "If-Match": str(base)}
            )
            if status == 200:
                self.ack(share_id, body["revision"], plan)
                if body["revision"] != base + 1:  # saved over a revision this client never saw
                    with self.stats.lock:
                        self.stats.stale_base_acks += 1
                return None
            if status == 409:
                base = body["latest_revision"]
                continue
            return None
        with self.stats.lock:
            self.stats.gave_up += 1
        return None

    def read(self) -> None:
        target = self.pick()
        if target is None:
            return None
        if not self.pages or self.rng.random() < 0.5:
            self.request("read", "GET", f"/api/plans/{target[0]}")
        else:
            self.request("page", "GET", f"/p/{target[0]}/")
        return None

    def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            roll = self.rng.random()
            if roll < 0.15:
                self.create()
            elif roll < 0.65:
                self.edit()
            else:
                self.read()


def verify(port: int, stats: Stats) -> dict:
    """Fetch every acknowledged revision back; count the missing and the wrong ones."""
    checker = Client(port, Stats(), random.Random(0), "verify")
    missing = corrupted = 0
    latest: dict[str, int] = {}
    for (share_id, revision), sent in sorted(stats.acked.items()):
        latest[share_id] = max(latest.get(share_id, 0), revision)
        status, body = checker.request(
            "verify", "GET", f"/api/plans/{share_id}?revision={revision}"
        )
        if status != 200:
            missing += 1
        elif body["plan"] != sent:
            corrupted += 1
    unacked_revisions = 0
    for share_id, top in latest.items():
        status, body = checker.request("verify", "GET", f"/api/plans/{share_id}")
        if status != 200:
            missing += 1
            continue
        # Revisions nobody was told about (a timed-out request that did commit) are not losses,
        # but they are counted so a silent write shows up.
        unacked_revisions += body["revision"] - top
    return {
        "missing": missing,
        "corrupted": corrupted,
        "unacked_revisions": unacked_revisions,
        "verify_5xx": sum(n for s, n in checker.stats.statuses.items() if s >= 500),
    }


def clean_up(port: int, stats: Stats) -> int:
    """Delete this run's plans from a database that outlives it (DELETE with the edit key)."""
    cleaner = Client(port, Stats(), random.Random(0), "cleanup")
    failures = 0
    for share_id, key in stats.plans:
        auth = {"Authorization": f"Bearer {key}"}
        status, _ = cleaner.request("cleanup", "DELETE", f"/api/plans/{share_id}", headers=auth)
        failures += status != 200
    return failures


def start_server(args, workdir: Path) -> tuple[subprocess.Popen, int, Path]:
    env = server_env(args.database_url or f"sqlite:///{workdir / 'load.sqlite3'}")
    prepare(env)
    port = free_port()
    log = workdir / "gunicorn.log"
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "config.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"{HOST}:{port}",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    probe = Client(port, Stats(), random.Random(0), "probe")
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited early; see {log}:\n{log.read_text()[-2000:]}")
        status, _ = probe.request("probe", "GET", "/api/ping")
        if status is not None:
            return server, port, log
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 10 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (<= 600)")
    parser.add_argument("--clients", type=int, default=16, help="client threads (<= 64)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/wizard")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-pages", action="store_true", help="read through the API only, no HTML share pages"
    )
    args = parser.parse_args()
    args.duration = max(1.0, min(args.duration, MAX_DURATION))
    args.clients = max(1, min(args.clients, MAX_CLIENTS))

    with tempfile.TemporaryDirectory(prefix="wizard-load-") as tmp:
        server, port, log = start_server(args, Path(tmp))
        stats = Stats()
        try:
            deadline = time.monotonic() + args.duration
            clients = [
                Client(port, stats, random.Random(args.seed * 1000 + i), f"c{i}")
                for i in range(args.clients)
            ]
            for client in clients:
                client.pages = not args.no_pages
            threads = [threading.Thread(target=c.run, args=(deadline,)) for c in clients]
            started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - started
            result = verify(port, stats)
            if args.database_url:
                result["cleanup_failures"] = clean_up(port, stats)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        server_log = log.read_text()

    total = sum(stats.statuses.values())
    five_xx = sum(n for s, n in stats.statuses.items() if s >= 500)
    lat = sorted(stats.latencies) or [0.0]
    report = {
        "database": "postgresql" if args.database_url else "sqlite (temporary file)",
        "clients": args.clients,
        "workers": args.workers,
        "share_pages": not args.no_pages,
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "by_operation": dict(stats.by_op),
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "latency_ms": {
            "p50": round(lat[len(lat) // 2] * 1000, 1),
            "p95": round(lat[int(len(lat) * 0.95)] * 1000, 1),
            "max": round(lat[-1] * 1000, 1),
        },
        "plans_created": len(stats.plans),
        "acknowledged_saves": len(stats.acked) + len(stats.duplicate_acks),
        "conflicts_409": stats.statuses.get(409, 0),
        "edits_given_up": stats.gave_up,
        "duplicate_acks_lost_updates": len(stats.duplicate_acks),
        "stale_base_acks_lost_updates": stats.stale_base_acks,
        "transport_errors": dict(stats.transport_errors),
        "5xx": five_xx,
        **result,
    }
    print(json.dumps(report, indent=2))
    failed = (
        five_xx
        or result["verify_5xx"]
        or result["missing"]
        or result["corrupted"]
        or result.get("cleanup_failures")
        or stats.duplicate_acks
        or stats.stale_base_acks
        or stats.transport_errors
    )
    if failed:
        print("FAIL: lost/corrupted revisions, 5xx or transport errors", file=sys.stderr)
        if "Traceback" in server_log:
            print(server_log[-4000:], file=sys.stderr)
        return 1
    print("OK: every acknowledged save is present with the right content; no 5xx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
