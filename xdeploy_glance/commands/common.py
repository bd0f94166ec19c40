"""Arguments and steps several commands share."""
from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path

from ..cli import UsageError


def add_globals_arguments(parser: argparse.ArgumentParser, inventory_help: str | None = None) -> None:
    parser.add_argument("-c", "--globals", dest="globals_paths", action="append", metavar="PATH", default=[],
                        help="globals file, or a directory of *.yml/*.yaml files read in sorted order (kolla's "
                             "globals.d). Repeat it: later files win, variable by variable.")
    parser.add_argument("-i", "--inventory", metavar="PATH",
                        help=inventory_help or "Ansible inventory; its glance-api group lets the checks that "
                             "span hosts run (e.g. multi-node-staging).")


def globals_paths(args: argparse.Namespace) -> list[str]:
    """-c paths first, then positional ones (as pre-commit passes them); at least one is required."""
    paths = list(args.globals_paths) + list(getattr(args, "files", []) or [])
    if not paths:
        raise UsageError("no globals given: use -c PATH (or name the files after the options)")
    return paths


def load_hosts(inventory: str | None):
    """The glance-api hosts of an inventory, or None without one."""
    if inventory is None:
        return None
    from ..inventory import InventoryError, glance_api_hosts

    try:
        return glance_api_hosts(inventory)
    except InventoryError as exc:
        raise UsageError(str(exc)) from exc


def write_output(text: str, output: str | None) -> None:
    """Print to stdout, or replace OUTPUT atomically so a reader never sees half a report."""
    if output is None:
        sys.stdout.write(text)
        return
    import tempfile  # here, not at the top: it pulls in shutil, bz2 and lzma, and stdout needs none

    target = Path(output)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        os.fchmod(fd, _report_mode(target))  # mkstemp's 0600 would stay on the report after the rename
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, target)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc


def _report_mode(target: Path) -> int:
    """The mode a plain write would leave: the existing file's, else 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
