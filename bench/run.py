#!/usr/bin/env python3
"""Benchmark: the wizard must feel instant and stay fast under load (`make bench`).

Starts the app under gunicorn (production settings, 2 workers, SQLite) on 127.0.0.1 and measures,
in one run, a trivial Django view (the baseline) beside the live preview, a step POST, the share page,
the zip download, imports, saves under concurrency, the wizard page's weight and a worker's peak
memory. Prints a table and exits 1 when a target is missed. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench_server import GUNICORN, HOST, ROOT, free_port, prepare, server_env

LARGE_PLAN = {
    "version": 1,
    "target": "v2",
    "release": "plx",
    "namespace": "ml-platform",
    "scheduling": {
        "mode": "per-class",
        "core": {
            "labels": [
                {"key": "polyaxon.com/pool", "value": "core"},
                {"key": "tier", "value": "system"},
            ],
            "tolerations": [
                {
                    "key": "dedicated",
                    "operator": "Equal",
                    "value": "platform",
                    "effect": "NoSchedule",
                }
            ],
            "taint": True,
        },
        "classes": {
            name: {
                "labels": [
                    {"key": "polyaxon.com/pool", "value": name},
                    {"key": "zone", "value": "eu-west-1a"},
                ],
                "tolerations": [
                    {
                        "key": "nvidia.com/gpu",
                        "operator": "Exists",
                        "value": "",
                        "effect": "NoSchedule",
                    },
                    {
                        "key": "preemptible",
                        "operator": "Equal",
                        "value": "true",
                        "effect": "PreferNoSchedule",
                    },
                ],
                "taint": True,
            }
            for name in ("experiments", "jobs", "builds", "notebooks")
        },
        "spread_core": True,
        "registry_connection": "registry",
    },
    "database": {"kind": "external", "host": "pg.internal.example.com", "sslmode": "verify-full"},
    "components": {
        "scheduler": True,
        "broker": "redis",
        "redis": {"kind": "external", "host": "redis.internal.example.com"},
    },
    "storage": {
        "artifacts": {
            "name": "artifacts",
            "kind": "s3",
            "bucket": "acme-artifacts",
            "secret": "s3-creds",
        },
        "data": [
            {
                "name": f"data-{i}",
                "kind": k,
                "bucket": f"acme-data-{i}",
                "secret": "s3-creds",
                "claim": f"claim-{i}",
            }
            for i, k in enumerate(["s3", "claim", "s3", "claim", "s3", "claim"])
        ],
    },
    "tls": {"ingress": True, "host": "plx.example.com", "mode": "cert-manager"},
    "secrets": {"name": "plx-secrets", "admin_user": "admin", "admin_email": "ops@example.com"},
}
BLOCK = 20  # requests per block when a row is measured in alternation with the baseline
TARGETS = {
    "preview_p50_ratio": 2.0,
    "preview_p99_ms": 50.0,
    "other_p50_ratio": 3.0,
    "import_1mb_ms": 300.0,
    "bomb_ms": 50.0,
    "page_kb": 60.0,
}


# --- HTTP ------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection with a cookie jar (enough for sessions and CSRF)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ):
        hdrs = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                if attempt == 2:
                    raise
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, resp.headers, data

    def form_post(
        self, path: str, fields: list[tuple[str, str]] | bytes, extra: dict | None = None
    ):
        body = fields if isinstance(fields, bytes) else urlencode(fields).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "Referer": f"http://{HOST}:{self.port}/",
            "Origin": f"http://{HOST}:{self.port}",
            **(extra or {}),
        }
        return self.request("POST", path, body, headers)


class FormFields(HTMLParser):
    """Collects the successful controls of the first <form> with method post (what a browser sends)."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.action = None
        self.hx = None
        self._in_form = False
        self._done = False
        self._textarea = None
        self._select = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if (
            tag == "form"
            and a.get("method", "").lower() == "post"
            and not self._in_form
            and "hx-post" in a
        ):
            self._in_form, self.action, self.hx = True, a.get("action"), a.get("hx-post")
        if not self._in_form or "name" not in a and tag not in ("option",):
            if tag == "option" and self._select is not None:
                self._options.append((a.get("value", ""), "selected" in a))
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append(
                (a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else ""))
            )
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))
        elif tag == "select":
            self._select, self._options = a["name"], []

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options[:1]]
            self.fields += [(self._select, v) for v in chosen]
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


# --- measuring -------------------------------------------------------------------------------


def measure(
    label: str, call, count: int, clients: int = 1, seconds: float = 30.0, paired=None
) -> dict:
    """Run `call(client_index)` `count` times over `clients` threads; latency per request in ms.

    With `paired` (the baseline's call), blocks of BLOCK requests alternate with blocks of as many
    baseline requests and the row keeps that baseline's p50 too: both see the same stretch of the
    run, so their ratio is not moved by whatever else the machine does meanwhile. (Blocks, not
    single requests: a baseline request right after a heavy one is slowed by its wake.)"""
    latencies: list[float] = []
    base: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    per_client = max(1, count // clients)

    def timed(fn, index: int) -> tuple[float, bool]:
        start = time.perf_counter()
        try:
            ok = fn(index)
        except Exception:
            ok = False
        return (time.perf_counter() - start) * 1000, ok

    def worker(index: int):
        nonlocal errors
        for i in range(per_client):
            if time.monotonic() > deadline:
                return
            if paired is not None and i % BLOCK == 0:
                for _ in range(BLOCK):
                    elapsed, ok = timed(paired, index)
                    with lock:
                        base.append(elapsed)
                        errors += 0 if ok else 1
            elapsed, ok = timed(call, index)
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if paired is not None:  # the time spent on baseline requests is not this row's
        wall -= sum(base) / 1000

    def pct(values, p):
        values = sorted(values)
        return (
            values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
            if values
            else float("nan")
        )

    return {
        "label": label,
        "n": len(latencies),
        "rps": len(latencies) / wall if wall > 0 else 0.0,
        "p50": pct(latencies, 50),
        "p95": pct(latencies, 95),
        "p99": pct(latencies, 99),
        "errors": errors,
        "clients": clients,
        "base_p50": pct(base, 50) if base else None,
    }


def start_server(workdir: Path) -> tuple[subprocess.Popen, int]:
    env = server_env(f"sqlite:///{workdir / 'bench.sqlite3'}")
    prepare(env)
    port = free_port()
    proc = subprocess.Popen(
        [
            str(GUNICORN),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "gunicorn.log", "w"),
        start_new_session=True,
    )
    for _ in range(200):
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("gunicorn did not start; see " + str(workdir / "gunicorn.log"))


def worker_peak_kib(master_pid: int) -> int:
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            match = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            peak = max(peak, int(match.group(1)) if match else 0)
    return peak


# --- scenarios -------------------------------------------------------------------------------


def open_large_plan(client: Client) -> tuple[str, str]:
    """Save the large plan through the API and open it in this client's wizard session."""
    status, _, body = client.request(
        "POST", "/api/plans", json.dumps(LARGE_PLAN).encode(), {"Content-Type": "application/json"}
    )
    assert status == 201, (status, body[:300])
    created = json.loads(body)
    client.request("GET", "/")  # csrftoken cookie
    edit_path = urlsplit(created["edit_url"]).path
    status, _, body = client.form_post(
        edit_path + "open/", [("csrfmiddlewaretoken", client.cookies.get("csrftoken", ""))]
    )
    assert status in (200, 302, 303), (status, body[:300])
    return created["id"], edit_path


def step_form(client: Client, slug: str) -> FormFields:
    status, _, body = client.request("GET", f"/step/{slug}/")
    assert status == 200, status
    form = FormFields()
    form.feed(body.decode())
    assert form.fields, f"no form fields found on /step/{slug}/"
    return form


def page_weight(client: Client) -> tuple[int, list[str]]:
    """Compressed bytes of the wizard page and every asset it loads, and any other origin named."""
    status, _, html = client.request("GET", "/step/scheduling/")
    text = html.decode()
    total = len(
        gzip.compress(html, 9)
    )  # gunicorn does not compress HTML: count it as a proxy would send it
    # Only what the browser fetches counts (scripts, styles, icons, images, frames); a plain
    # <a href> to the guide is a link the user may follow, not a request the page makes.
    foreign = re.findall(
        r'<(?:script|link|img|iframe|source|video|audio)\b[^>]*(?:src|href)="((?:https?:)?//[^"]+)"',
        text,
    )
    assets = set(re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', text))
    for path in sorted(assets):
        status, headers, body = client.request("GET", path, headers={"Accept-Encoding": "br, gzip"})
        total += len(body)
    return total, foreign


def run(args) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="wizard-bench-"))
    proc, port = start_server(workdir)
    rows, failures = [], []
    try:
        n = args.requests
        setup = Client(port)
        share_id, _ = open_large_plan(setup)
        form = step_form(setup, "scheduling")
        preview_path = form.hx or "/preview/scheduling/"
        assert any(k == "core-labels-1-value" for k, _ in form.fields)

        def keystrokes(count: int, extra: list[tuple[str, str]], drop=()) -> Iterator[bytes]:
            """Bodies of the form as posted after one keystroke more each: a core label value
            (it lands in values.yaml) differs in every one, so no request repeats an earlier one.
            Encoded before the clock starts: the rows time the HTTP exchange, not the client."""
            bodies = [
                urlencode(
                    [
                        (k, f"{v}-{n}" if k == "core-labels-1-value" else v)
                        for k, v in form.fields
                        if k not in drop
                    ]
                    + extra
                ).encode()
                for n in range(count)
            ]
            return iter(bodies)

        # As the browser sends them: the preview's CSRF token only in the X-CSRFToken header
        # (wizard.js), the step POST's in the form as well.
        typed = keystrokes(n * 4 + 100, [], drop=("csrfmiddlewaretoken",))
        stepped = keystrokes(n + 10, [("next", "1")])

        def client_pool(size):
            pool = []
            for _ in range(size):
                c = Client(port)
                c.cookies = dict(setup.cookies)
                pool.append(c)
            return pool

        clients = client_pool(args.concurrency)

        def get(path, expect=200):
            return lambda i: clients[i].request("GET", path)[0] == expect

        def preview(i):
            body = next(typed)
            return clients[i].form_post(preview_path, body, {"HX-Request": "true"})[0] == 200

        def step_post(i):
            return clients[i].form_post("/step/scheduling/", next(stepped))[0] in (302, 303)

        for _ in range(30):  # warm both workers
            get("/healthz")(0), preview(0)
        healthz = get("/healthz")
        base = measure("baseline (trivial view)", healthz, n)
        rows.append(base)
        rows.append(measure("live preview (large plan)", preview, n, paired=healthz))
        rows.append(measure("step POST (validate, save, redirect)", step_post, n, paired=healthz))
        rows.append(measure("share page", get(f"/p/{share_id}/"), n, paired=healthz))
        zip_path = "/download/bundle.zip"
        rows.append(measure("download zip", get(zip_path), n, paired=healthz))
        rows.append(
            measure(
                f"live preview x{args.concurrency} clients",
                preview,
                n * 2,
                clients=args.concurrency,
            )
        )
        rows.append(
            measure(
                f"baseline x{args.concurrency} clients",
                get("/healthz"),
                n * 2,
                clients=args.concurrency,
            )
        )

        def create(i):
            return (
                clients[i].request(
                    "POST",
                    "/api/plans",
                    json.dumps(LARGE_PLAN).encode(),
                    {"Content-Type": "application/json"},
                )[0]
                == 201
            )

        rows.append(
            measure(
                f"save (new plan) x{args.concurrency} clients", create, n, clients=args.concurrency
            )
        )

        big = big_values_file()
        bomb = alias_bomb()
        deep = "[" * 10000 + "]" * 10000
        imports = [
            (f"import 1 MB values file ({len(big) // 1024} KiB)", big, 200),
            ("reject alias bomb", bomb, 400),
            ("reject 10,000-level nesting", deep.encode(), 400),
        ]
        import_rows = []
        for label, body, expect in imports:
            row = measure(
                label,
                lambda i, body=body, expect=expect: (
                    clients[0].request(
                        "POST", "/api/import?target=v2", body, {"Content-Type": "application/yaml"}
                    )[0]
                    == expect
                ),
                20,
            )
            import_rows.append(row)
        rows += import_rows

        weight, foreign = page_weight(setup)
        peak = worker_peak_kib(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        if args.keep:
            print(f"kept {workdir} (database and gunicorn.log, with each request's ms)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    base_p50 = rows[0]["p50"]

    def ratio(r: dict) -> float:
        """p50 over the baseline's: the interleaved one when the row has it, else row 1's."""
        return r["p50"] / (r["base_p50"] or base_p50)

    print(
        f"\nPolyaxon production wizard benchmark: {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"gunicorn 2 workers, SQLite, {args.requests} requests per row\n"
    )
    head = ("scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "baseline p50", "ratio")
    print(
        f"| {head[0]:44} | "
        + " | ".join(f"{h:>7}" for h in head[1:6])
        + f" | {head[6]:>12} | {head[7]:>6} |"
    )
    print(f"|{'-' * 46}|" + "|".join("-" * 9 for _ in range(5)) + f"|{'-' * 14}|{'-' * 8}|")
    for r in rows:
        paired = f"{r['base_p50']:12.2f}" if r["base_p50"] else f"{'(row 1)':>12}"
        print(
            f"| {r['label']:44} | {r['rps']:7.1f} | {r['p50']:7.2f} | {r['p95']:7.2f} | "
            f"{r['p99']:7.2f} | {r['errors']:7d} | {paired} | {ratio(r):6.2f} |"
        )
    print(
        "\nratio: p50 over the baseline's p50; 'baseline p50' is the trivial view measured in "
        f"blocks of {BLOCK} alternating with blocks of that row's requests (the same stretch of "
        "the run)."
    )
    print(
        f"\nwizard page weight (HTML + CSS + JS, compressed): {weight / 1024:.1f} KB; other origins: {foreign or 'none'}"
    )
    print(f"peak resident memory of a worker: {peak / 1024:.1f} MiB")

    by = {r["label"]: r for r in rows}
    preview_row = by["live preview (large plan)"]
    check = [
        (
            "live preview p50 within 2x baseline",
            ratio(preview_row) <= TARGETS["preview_p50_ratio"],
        ),
        ("live preview p99 under 50 ms", preview_row["p99"] < TARGETS["preview_p99_ms"]),
        *[
            (
                f"{label} p50 within 3x baseline",
                ratio(by[label]) <= TARGETS["other_p50_ratio"],
            )
            for label in ("step POST (validate, save, redirect)", "share page", "download zip")
        ],
        (f"zero errors at {args.concurrency} clients", all(r["errors"] == 0 for r in rows)),
        (
            "1 MB import under 300 ms",
            import_rows[0]["p50"] < TARGETS["import_1mb_ms"] and import_rows[0]["errors"] == 0,
        ),
        (
            "bombs rejected under 50 ms",
            all(r["p99"] < TARGETS["bomb_ms"] and r["errors"] == 0 for r in import_rows[1:]),
        ),
        ("wizard page under 60 KB compressed", weight / 1024 < TARGETS["page_kb"]),
        ("no request to another origin", not foreign),
    ]
    print()
    for name, ok in check:
        print(f"{'PASS' if ok else 'MISS'}  {name}")
        if not ok:
            failures.append(name)
    return 1 if failures else 0


def big_values_file() -> bytes:
    """A legitimate ~1 MB v2 values file: many data connections and resource settings."""
    lines = ["nodeSelector:", '  polyaxon: "core"', "connections:"]
    i = 0
    while sum(len(x) + 1 for x in lines) < 1_000_000:
        lines += [
            f'- name: "dataset-{i}"',
            '  kind: "volume_claim"',
            "  schema:",
            f'    volumeClaim: "claim-{i}"',
            f'    mountPath: "/data/dataset-{i}"',
            "    readOnly: true",
            f'  description: "shared dataset number {i} for the team"',
        ]
        i += 1
    return ("\n".join(lines) + "\n").encode()


def alias_bomb() -> bytes:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 10):
        prev, cur = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    return ("\n".join(lines) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per sequential row")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--keep", action="store_true", help="keep the work directory and its log")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
