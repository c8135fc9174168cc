"""The database the settings pick (SQLite by default, PostgreSQL via DATABASE_URL) works."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_sessions_round_trip_through_the_database():
    session = SessionStore()
    session["step"] = "scheduling"
    session.save()
    assert SessionStore(session_key=session.session_key)["step"] == "scheduling"


def test_a_sqlite_file_database_runs_in_wal_mode(tmp_path):
    # The test database itself is in memory, where WAL does not apply: check a real file.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


def test_database_url_picks_the_engine():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
