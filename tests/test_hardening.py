"""Production hardening: headers on every page, check --deploy, rate limits, request logs."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
CSP_MUST = [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def concrete_paths():
    """Every routed URL, with sample values for its parameters (unknown ids simply 404)."""
    samples = {
        "share_id": "00000000-0000-4000-8000-000000000000",
        "key": "x" * 43,
        "number": "1",
        "name": "values.yaml",
        "slug": "database",
        "rest": "nothing",
        "path": "x",
    }

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p, route)
            elif isinstance(p, URLPattern):
                yield route

    for route in walk(get_resolver()):
        path = route.lstrip("^").rstrip("$")
        for name, value in samples.items():
            for conv in ("str", "int", "uuid", "path", "slug"):
                path = path.replace(f"<{conv}:{name}>", value)
            path = path.replace(f"<{name}>", value)
        if "(?P" in path:
            path = "api/nothing"
        yield "/" + path


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(set(concrete_paths())))
def test_every_route_answers_with_the_security_headers(client, path):
    response = client.get(path, secure=True)
    assert response.status_code < 500, path
    headers = response.headers
    if "text/html" in headers.get("Content-Type", ""):
        csp = headers["Content-Security-Policy"]
        assert all(d in csp for d in CSP_MUST), csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert b"{#" not in response.content and b"{%" not in response.content, (
            "template syntax leaked"
        )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in headers["Cache-Control"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_deploy_check_passes_with_zero_warnings():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "k" * 64 + "-Xy_9!aZ",
        "DJANGO_ALLOWED_HOSTS": "wizard.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_api_writes_past_the_rate_limit_get_429_json(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMIT_PER_MINUTE = 2
    statuses = [
        client.post("/api/plans", data="{}", content_type="application/json").status_code
        for _ in range(3)
    ]
    assert statuses[:2] == [201, 201] and statuses[2] == 429
    last = client.post("/api/plans", data="{}", content_type="application/json")
    assert last.headers["Content-Type"].startswith("application/json") and "message" in last.json()
    assert int(last.headers["Retry-After"]) > 0
    cache.clear()


@pytest.mark.django_db
def test_reads_are_not_rate_limited(client, settings):
    settings.RATE_LIMIT_PER_MINUTE = 1
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.django_db
def test_one_log_line_per_request_names_the_route_not_the_key(client, caplog):
    key = "SECRETKEYMARKER" + "x" * 30
    with caplog.at_level(logging.INFO, logger="wizard.request"):
        client.get(f"/e/{key}/")
    lines = [r.getMessage() for r in caplog.records if r.name == "wizard.request"]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["route"] == "/e/<str:key>/" and entry["status"] == 404 and entry["method"] == "GET"
    assert all(key not in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        (
            "/api/import?target=v2",
            {"data": "nodeSelector: {polyaxon: core}\n", "content_type": "application/yaml"},
        ),
        ("/import/", {"data": {"text": "nodeSelector: {polyaxon: core}\n", "target": "v2"}}),
    ],
)
def test_imports_past_the_rate_limit_get_429(client, settings, path, kwargs):
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMIT_PER_MINUTE = 1
    first = client.post(path, **kwargs)
    second = client.post(path, **kwargs)
    assert first.status_code < 400 and second.status_code == 429
    cache.clear()


def test_log_redaction_survives_runserver_records_and_hides_edit_keys():
    from config.middleware import RedactPathFilter

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /e/SECRETKEYMARKER/open/ HTTP/1.1", "200", "12"),
        None,
    )
    record.request = object()  # runserver passes its socket here, not an HttpRequest
    assert RedactPathFilter().filter(record)
    assert "SECRETKEYMARKER" not in record.getMessage() and "/e/<key>/open/" in record.getMessage()
