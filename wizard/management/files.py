"""What the file commands share: reading their input files, and the words of their options.

Every way an input can be wrong is a CommandError that names the file (and the line, where the
parser knows it); an unreadable or refused file exits 2.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from wizard.core import inventory, safeyaml
from wizard.core.plan import TARGETS

NODES_HELP = "`kubectl get nodes -o json` (or -o yaml) output: also check where each pod can land"


def add_target_argument(parser) -> None:
    parser.add_argument("--target", choices=TARGETS, help="chart version (default: detect)")


def ambiguous_target() -> CommandError:
    return CommandError(
        "cannot tell whether the file is for the v2 or the 0.6 chart: pass --target v2 "
        "or --target v0.6",
        returncode=2,
    )


def read_capped(path: Path, cap: int) -> bytes:
    """The file's first `cap` + 1 bytes (enough for the parser to refuse a larger one)."""
    try:
        with path.open("rb") as handle:
            return handle.read(cap + 1)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}", returncode=2) from exc


def read_values(path: Path) -> dict:
    """The file as a values dict, or CommandError (exit 2) with the reason and line."""
    raw = read_capped(path, safeyaml.MAX_BYTES)
    try:
        return safeyaml.load_values(raw)
    except safeyaml.YamlRefused as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise CommandError(f"{where}: {exc.message}", returncode=2) from exc


def read_inventory(path: Path) -> inventory.Inventory:
    """Read a node inventory, or CommandError (exit 2) saying where it is wrong."""
    raw = read_capped(path, inventory.MAX_INVENTORY_BYTES)
    try:
        return inventory.parse_inventory(raw)
    except inventory.InventoryError as exc:
        where = exc.path or (f"line {exc.line}" if exc.line else "")
        raise CommandError(
            f"{path}: {where + ': ' if where else ''}{exc.message}", returncode=2
        ) from exc
