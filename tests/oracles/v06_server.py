"""Oracle server for chart 0.6.1, run with `.venv-oracles/v06/bin/python`.

Reads JSON lines on stdin, writes one JSON line per request on stdout:
  {"kind": "values", "text": ...}  -> what `polyaxon admin deploy -f values.yaml --check` checks
Answers are {"ok": true} or {"ok": false, "errors": "<readable text>"}.
"""

import collections
import collections.abc

# rhea and polyaxon_schemas still do `from collections import Mapping` (removed in 3.10).
for _name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import contextlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402


def _errors(exc: BaseException) -> str:
    messages = getattr(exc, "messages", None)
    if messages is not None:
        return json.dumps(messages, sort_keys=True, default=str)
    return f"{type(exc).__name__}: {exc}"


def check_values(text: str, tmpdir: str) -> None:
    from polyaxon_deploy import reader

    path = os.path.join(tmpdir, "values.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    reader.read([path])


CHECKS = {"values": check_values}


def handle(request: dict) -> dict:
    check = CHECKS.get(request.get("kind"))
    if check is None:
        return {"ok": False, "errors": f"unknown request kind {request.get('kind')!r}"}
    with tempfile.TemporaryDirectory() as tmpdir:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                check(request["text"], tmpdir)
        except SystemExit as exc:
            return {"ok": False, "errors": f"exited with {exc.code}"}
        except Exception as exc:
            # Temp paths would make error texts differ from run to run.
            return {"ok": False, "errors": _errors(exc).replace(tmpdir + os.sep, "")}
    return {"ok": True}


def main() -> None:
    out = sys.stdout
    for line in sys.stdin:
        if line.strip():
            out.write(json.dumps(handle(json.loads(line))) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
