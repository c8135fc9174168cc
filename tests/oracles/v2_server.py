"""Oracle server for chart 2.15.1, run with `.venv-oracles/v2/bin/python`.

Reads JSON lines on stdin, writes one JSON line per request on stdout:
  {"kind": "values", "text": ...}  -> what `polyaxon admin deploy -f values.yaml --check` checks
  {"kind": "preset", "text": ...}  -> what `polyaxon check -f stub.yaml -f preset.yaml` checks
Answers are {"ok": true} or {"ok": false, "errors": "<readable text>"}.
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import traceback

# A minimal valid job component: a preset is only meaningful patched onto an operation.
STUB_COMPONENT = """\
version: 1.1
kind: component
name: stub
run:
  kind: job
  container:
    name: main
    image: busybox
    command: [echo, ok]
"""


def _errors(exc: BaseException) -> str:
    parts = []
    while exc is not None:
        errors = getattr(exc, "errors", None)
        if callable(errors):
            try:
                lines = [
                    f"{'.'.join(str(p) for p in e.get('loc', ())) or '<root>'}: "
                    f"{e.get('type')}: {e.get('msg')}"
                    for e in errors()
                ]
                parts.append("\n".join(lines))
            except Exception:
                parts.append(f"{type(exc).__name__}: {exc}")
        else:
            parts.append(f"{type(exc).__name__}: {exc}")
        exc = exc.__cause__ or exc.__context__
    return "\n".join(p for p in parts if p.strip())


def _write(tmpdir: str, name: str, text: str) -> str:
    path = os.path.join(tmpdir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def check_values(text: str, tmpdir: str) -> None:
    from polyaxon._deploy import reader

    reader.read([_write(tmpdir, "values.yaml", text)])


def check_preset(text: str, tmpdir: str) -> None:
    from polyaxon._polyaxonfile.check import check_polyaxonfile

    # Same call and arguments as polyaxon/_cli/check.py, but raising instead of sys.exit.
    check_polyaxonfile(
        polyaxonfile=(
            _write(tmpdir, "stub.yaml", STUB_COMPONENT),
            _write(tmpdir, "preset.yaml", text),
        ),
        python_module=None,
        params=(),
        validate_params=True,
        verbose=False,
        is_cli=False,
    )


CHECKS = {"values": check_values, "preset": check_preset}


def handle(request: dict) -> dict:
    check = CHECKS.get(request.get("kind"))
    if check is None:
        return {"ok": False, "errors": f"unknown request kind {request.get('kind')!r}"}
    with tempfile.TemporaryDirectory() as tmpdir:
        try:
            # polyaxon prints through click/rich; keep stdout for the protocol only.
            with contextlib.redirect_stdout(io.StringIO()):
                check(request["text"], tmpdir)
        except SystemExit as exc:
            return {"ok": False, "errors": f"exited with {exc.code}"}
        except Exception as exc:
            errors = _errors(exc) or traceback.format_exc()
            # Temp paths would make error texts differ from run to run.
            return {"ok": False, "errors": errors.replace(tmpdir + os.sep, "")}
    return {"ok": True}


def main() -> None:
    out = sys.stdout
    for line in sys.stdin:
        if line.strip():
            out.write(json.dumps(handle(json.loads(line))) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
