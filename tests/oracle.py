"""Client for the official Polyaxon validators, each running in its own virtualenv.

One long-lived server process per target (tests/oracles/*_server.py) answers JSON lines,
so a test session pays the polyaxon import once, not once per file. No Django here.
"""

import json
import subprocess
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# target -> (virtualenv made by `make test`, server script run with that venv's python)
SERVERS = {
    "v2": (ROOT / ".venv-oracles" / "v2", ROOT / "tests" / "oracles" / "v2_server.py"),
    "v0.6": (ROOT / ".venv-oracles" / "v06", ROOT / "tests" / "oracles" / "v06_server.py"),
}


class OracleError(RuntimeError):
    """The oracle itself is missing or broken (not: the file is invalid)."""


def missing_venvs() -> list[Path]:
    """Oracle virtualenvs that `make test` has not created (yet)."""
    return [venv for venv, _ in SERVERS.values() if not (venv / "bin" / "python").exists()]


class _Server:
    def __init__(self, target: str) -> None:
        venv, script = SERVERS[target]
        python = venv / "bin" / "python"
        if not python.exists():
            raise OracleError(f"oracle venv {venv} is missing: run `make test` to create it")
        self.target = target
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._lock = threading.Lock()
        self._proc = subprocess.Popen(
            [str(python), str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def ask(self, request: dict) -> dict:
        with self._lock:
            try:
                self._proc.stdin.write(json.dumps(request) + "\n")
                self._proc.stdin.flush()
                line = self._proc.stdout.readline()
            except (BrokenPipeError, OSError):
                line = ""
            if not line:
                self._stderr.seek(0)
                raise OracleError(
                    f"{self.target} oracle died (exit {self._proc.poll()}):\n{self._stderr.read()}"
                )
        return json.loads(line)

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc.stdout.close()
        self._stderr.close()


class Oracle:
    """Validates values files (targets "v2" and "v0.6") and v2 preset files.

    Each method returns None when the official validator accepts the text, else its errors.
    """

    TARGETS = tuple(SERVERS)

    def __init__(self) -> None:
        self._servers: dict[str, _Server] = {}

    def _server(self, target: str) -> _Server:
        if target not in SERVERS:
            raise ValueError(f"unknown oracle target {target!r}; use one of {self.TARGETS}")
        if target not in self._servers:
            self._servers[target] = _Server(target)
        return self._servers[target]

    def _check(self, target: str, kind: str, text: str) -> str | None:
        answer = self._server(target).ask({"kind": kind, "text": text})
        return None if answer["ok"] else answer["errors"]

    def validate_values(self, target: str, text: str) -> str | None:
        """What `polyaxon admin deploy -f values.yaml --check` rejects, offline part only."""
        return self._check(target, "values", text)

    def validate_preset(self, text: str) -> str | None:
        """What `polyaxon check -f stub.yaml -f preset.yaml` (v2) rejects."""
        return self._check("v2", "preset", text)

    def close(self) -> None:
        for server in self._servers.values():
            server.close()
        self._servers.clear()

    def __enter__(self) -> "Oracle":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
