"""Settings: strict env parsing, production refuses to start half-configured, security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_list

ROOT = Path(__file__).resolve().parent.parent


def _check(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ["check"])],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("raw", ["1", "true", "Yes", "ON"])
def test_env_bool_reads_true_spellings(monkeypatch, raw):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", False) is True


def test_env_bool_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "enabled")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("X_LIST", " a.example, b.example ,,")
    assert env_list("X_LIST") == ["a.example", "b.example"]


def test_production_refuses_to_start_without_a_secret_key():
    result = _check(DJANGO_ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _check(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_a_bad_debug_value_is_an_error_not_false():
    result = _check(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


@pytest.mark.parametrize(
    "args",
    [("help",), ("--help",), ("migrate", "--help"), ("help", "clearsessions"), ("check", "-h")],
)
def test_help_works_without_the_servers_secrets(args):
    result = _check(*args)
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower() or "subcommand" in result.stdout.lower()


def test_debug_starts_without_production_variables():
    assert _check(DJANGO_DEBUG="1").returncode == 0


@pytest.mark.django_db
def test_pages_carry_a_nonce_csp_and_no_framing(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
