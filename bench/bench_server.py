"""What the benchmark scripts share: the app's production settings for a loopback run, a free
port, and the setup a deploy does (migrate, collectstatic)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    """This process's environment with production settings for 127.0.0.1 over plain HTTP, a
    fresh secret key, no rate limit (one address makes every request) and `database_url`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "WIZARD_RATE_LIMIT_PER_MINUTE": "0",
        "DATABASE_URL": database_url,
    }
    return env


def prepare(env: dict[str, str]) -> None:
    """migrate and collectstatic, as a deploy would."""
    for command in (["migrate"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [str(PYTHON), "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True
        )
