"""The benchmark's other rows: the wizard page's weight and the origins it names, and timings
shown for information (share page, zip, a 1 MB import, YAML bombs) with no target of their own."""

from __future__ import annotations

import gzip
import json
import re
import time
from urllib.parse import urlsplit

from webform import Client, start_plan

# A large plan saved through the API: six pools, row lists, data stores, TLS.
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
                ],
                "taint": True,
            }
            for name in ("experiments", "jobs", "builds", "notebooks")
        },
        "spread_core": True,
    },
    "database": {"kind": "external", "host": "pg.internal.example.com", "sslmode": "require"},
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
            {"name": f"data-{i}", "kind": "s3", "bucket": f"acme-data-{i}", "secret": "s3-creds"}
            for i in range(6)
        ],
    },
    "tls": {"ingress": True, "host": "plx.example.com", "mode": "cert-manager"},
    "secrets": {"name": "plx-secrets", "admin_user": "admin", "admin_email": "ops@example.com"},
}

# Fetched by the browser when the page loads: a plain <a href> is a link, not a request.
FETCHED = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*"
    r'\b(?:src|href|data)="([^"]+)"'
)


def page_weight(port: int) -> tuple[int, list[str]]:
    """Compressed bytes of a wizard step page and every asset it loads, and the other origins
    it names. gunicorn does not compress HTML: it is counted gzipped, as a proxy would send it;
    static files come compressed from whitenoise."""
    client = Client(port)
    path = start_plan(client, "v2")
    _, _, html = client.request("GET", path)
    text = html.decode()
    total = len(gzip.compress(html, 9))
    foreign, assets = [], set()
    for url in FETCHED.findall(text):
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != f"127.0.0.1:{port}":
            foreign.append(url)
        elif not parts.netloc and parts.path.startswith("/"):
            assets.add(parts.path)
    for asset in sorted(assets):
        _, _, body = client.request("GET", asset, headers={"Accept-Encoding": "br, gzip"})
        total += len(body)
    return total, foreign


def _timed(count: int, call) -> dict:
    latencies, errors = [], 0
    for _ in range(count):
        start = time.perf_counter()
        try:
            ok = call()
        except Exception:
            ok = False
        latencies.append((time.perf_counter() - start) * 1000)
        errors += not ok
    latencies.sort()
    pick = lambda p: latencies[min(len(latencies) - 1, round(p / 100 * (len(latencies) - 1)))]  # noqa: E731
    return {"n": count, "p50": pick(50), "p95": pick(95), "errors": errors}


def info_rows(port: int, count: int) -> list[tuple[str, dict | str]]:
    """(label, timings or the reason it could not be measured) for each information row."""
    client = Client(port)
    rows: list[tuple[str, dict | str]] = []
    status, _, body = client.request(
        "POST", "/api/plans", json.dumps(LARGE_PLAN).encode(), {"Content-Type": "application/json"}
    )
    if status == 201:
        share = urlsplit(json.loads(body)["share_url"]).path
        rows.append(
            (
                "share page (large plan)",
                _timed(count, lambda: client.request("GET", share)[0] == 200),
            )
        )
        _, _, page = client.request("GET", share)
        zips = re.findall(r'href="([^"]+\.zip)"', page.decode())
        if zips:
            rows.append(
                (
                    "download zip (large plan)",
                    _timed(count, lambda: client.request("GET", zips[0])[0] == 200),
                )
            )
        else:
            rows.append(("download zip (large plan)", "no .zip link on the share page"))
    else:
        rows.append(("share page (large plan)", f"saving through the API answered {status}"))

    def imported(body: bytes, expect: int):
        return lambda: (
            client.request(
                "POST", "/api/import?target=v2", body, {"Content-Type": "application/yaml"}
            )[0]
            == expect
        )

    big = big_values_file()
    rows.append(
        (
            f"import a {len(big) // 1024} KiB values file",
            _timed(max(3, count // 10), imported(big, 200)),
        )
    )
    rows.append(("refuse an alias bomb", _timed(count, imported(alias_bomb(), 400))))
    deep = ("[" * 10000 + "]" * 10000).encode()
    rows.append(("refuse 10,000-level nesting", _timed(count, imported(deep, 400))))
    return rows


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
