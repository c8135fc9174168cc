"""What the benchmark scripts share: the app's production settings for a loopback run, a free
port, and the setup a deploy does (migrate, collectstatic)."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import time
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


class Server:
    """gunicorn with production settings on a free loopback port and a fresh SQLite file in
    `workdir`; a context manager that always stops it (its own process group)."""

    def __init__(self, workdir: Path, workers: int = 2):
        self.workdir, self.workers = workdir, workers
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> Server:
        env = server_env(f"sqlite:///{self.workdir / 'bench.sqlite3'}")
        prepare(env)
        self.port = free_port()
        log = (self.workdir / f"gunicorn-{self.port}.log").open("w")
        self.proc = subprocess.Popen(
            [
                str(GUNICORN),
                "config.wsgi",
                "-w",
                str(self.workers),
                "-b",
                f"{HOST}:{self.port}",
                "--log-level",
                "warning",
                "--keep-alive",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {log.name}")
            if len(self.worker_pids()) == self.workers:
                try:
                    with socket.create_connection((HOST, self.port), timeout=0.2):
                        return self
                except OSError:
                    pass
            time.sleep(0.1)
        self.__exit__()
        raise SystemExit(f"gunicorn did not start within 30 s; see {log.name}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def worker_pids(self) -> list[int]:
        """The workers: the processes whose parent is the gunicorn master."""
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{self.proc.pid}$", text, re.M):
                pids.append(int(status.parent.name))
        return pids

    def worker_peaks_kib(self, field: str = "VmHWM") -> dict[int, int]:
        """Each worker's peak resident set size (VmHWM in /proc/<pid>/status), in KiB; with
        field="VmRSS", its resident set size now."""
        peaks = {}
        for pid in self.worker_pids():
            try:
                text = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
            if match:
                peaks[pid] = int(match.group(1))
        return peaks
