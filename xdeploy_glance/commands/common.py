"""Arguments and steps several commands share, and kolla-ansible's default paths."""
from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from pathlib import Path

from ..kolla_config import globals_sources

from ..cli import UsageError

# kolla-ansible's CONFIG_DIR and the files it reads there when nothing else is named.
DEFAULT_CONFIG_DIR = "/etc/kolla"
CONFIG_DIR_VARIABLE = "XDEPLOY_CONFIG_DIR"
DEFAULTS_HELP = f"""\
Defaults, as kolla-ansible's: without -c, <configdir>/globals.yml and, when the directory exists,
<configdir>/globals.d/*.yml and *.yaml; -p <configdir>/passwords.yml; overrides from the globals'
node_custom_config, else <configdir>/config. <configdir> is --configdir, else ${CONFIG_DIR_VARIABLE},
else {DEFAULT_CONFIG_DIR}. A missing default file is a usage error (exit 2); a globals.d given with -c
that does not exist is read as empty, as kolla reads it.
"""
_NODE_CONFIG = re.compile(r"^\{\{\s*node_config\s*\}\}")


def add_globals_arguments(parser: argparse.ArgumentParser, inventory_help: str | None = None) -> None:
    parser.add_argument("-c", "--globals", dest="globals_paths", action="append", metavar="PATH", default=[],
                        help="globals file, or a directory of *.yml/*.yaml files read in sorted order (kolla's "
                             "globals.d). Repeat it: later files win, variable by variable.")
    parser.add_argument("-i", "--inventory", metavar="PATH",
                        help=inventory_help or "Ansible inventory; its glance-api group lets the checks that "
                             "span hosts run (e.g. multi-node-staging).")


def add_configdir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--configdir", metavar="DIR",
                        help=f"kolla's configuration directory, where the default files are read "
                             f"(default: ${CONFIG_DIR_VARIABLE}, else {DEFAULT_CONFIG_DIR})")


def config_dir(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "configdir", None) or os.environ.get(CONFIG_DIR_VARIABLE) or DEFAULT_CONFIG_DIR)


def globals_paths(args: argparse.Namespace) -> list[str]:
    """-c paths, then positional ones; without either, kolla's globals.yml and globals.d.

    A globals.d that does not exist is left out: kolla reads it only when present, and the help's
    own `-c globals.yml -c globals.d` must work where there is none.
    """
    paths = list(args.globals_paths) + list(getattr(args, "files", []) or [])
    if not paths:
        directory = config_dir(args)
        default_file(directory / "globals.yml", "-c PATH")
        paths = globals_sources(directory)
    return [path for path in paths if Path(path).name != "globals.d" or Path(path).exists()]


def default_file(path: Path, option: str) -> Path:
    """A default path that must exist; its absence is a usage error naming it and the option to use."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file (the default; give another with {option}, --configdir or "
                         f"${CONFIG_DIR_VARIABLE})")
    return path


def passwords_path(args: argparse.Namespace) -> str:
    """-p, else kolla's passwords.yml in the configuration directory."""
    return args.passwords or str(default_file(config_dir(args) / "passwords.yml", "-p PATH"))


def overrides_path(args: argparse.Namespace, globals_values) -> tuple[Path, bool]:
    """The override root and whether it was named on the command line.

    Without --overrides it is the globals' node_custom_config, as the play reads it, else
    <configdir>/config; kolla's own `{{ node_config }}` prefix means the configuration directory.
    """
    if args.overrides:
        return Path(args.overrides), True
    value = globals_values.get("node_custom_config")
    if not isinstance(value, str):
        return config_dir(args) / "config", False
    resolved = _NODE_CONFIG.sub(str(config_dir(args)).replace("\\", "\\\\"), value)
    if "{{" in resolved or "{%" in resolved:
        raise UsageError(f"node_custom_config is {value!r}, which only Ansible can resolve: "
                         "name the directory with --overrides")
    return Path(resolved), False


def load_hosts(inventory: str | None):
    """The glance-api hosts of an inventory, or None without one.

    An inventory without the glance-api group gives no hosts: the validator reports it
    (glance-api-group-missing), as kolla's precheck would. One Ansible cannot read is a usage error.
    """
    if inventory is None:
        return None
    from ..inventory import GroupMissing, InventoryError, glance_api_hosts

    try:
        return glance_api_hosts(inventory)
    except GroupMissing:
        return ()
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
