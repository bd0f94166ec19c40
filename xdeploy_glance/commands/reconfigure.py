"""`xdeploy-glance reconfigure`: kolla-ansible's site.yml for Glance, with the plugin integrated, then verify."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .common import add_configdir_argument, add_globals_arguments, config_dir, globals_paths, passwords_path

HELP = "run kolla-ansible's site.yml for Glance (plugin integrated), then verify the hosts"
DESCRIPTION = """\
Run kolla-ansible's own site.yml with --tags glance on the inventory, as `kolla-ansible
reconfigure --tags glance` does, after checking that the plugin is integrated into that tree
(`xdeploy-glance integrate`). The plugin never writes on its own; in the run:

  1. the plugin's play (role xdeploy.glance.glance_import, before kolla's glance play) validates
     the settings on the controller (errors stop the run before any host is touched), writes the
     options it owns into {{ node_custom_config }}/xdeploy-glance/, makes kolla deploy
     glance-image-import.conf, checks each host's staging filesystem (free space for the largest
     imports, rotational device, tmpfs, shared storage) and creates the staging directory with its
     owner and mode; nothing in it is ever deleted
  2. kolla's glance role merges those files into glance-api.conf and glance-image-import.conf,
     writes config.json, and restarts glance_api only when its container check finds a change

--config-only is for a host without a container engine (or a dry first look): kolla's genconfig
(kolla_action=config) instead of reconfigure, then the plugin's staging tasks alone.

The globals (-c, in order) and passwords.yml (-p) are passed as extra vars, with
CONFIG_DIR=<configdir>, exactly as kolla-ansible passes them. kolla's Ansible collections must be
installed (kolla-ansible install-deps, or pip install 'xdeploy-glance[kolla]'). Local hosts get this
Python as their interpreter unless the inventory names one. Afterwards `verify` checks every host
(skipped with --check or --no-verify).

Exit status: ansible-playbook's (0 ok, 2 a host failed, 4 unreachable, ...), else verify's
(1 a check failed); 2 also for usage errors before Ansible starts (an unintegrated tree, an unknown tag).

Examples:
  xdeploy-glance integrate --ansible-dir /opt/xdeploy/share/kolla-ansible/ansible
  xdeploy-glance reconfigure -i /etc/kolla/multinode --ansible-dir /opt/xdeploy/share/kolla-ansible/ansible
  xdeploy-glance reconfigure -i multinode --check --diff --limit control01
  xdeploy-glance reconfigure -i multinode --tags glance_staging
"""

SITE = "site.yml"
# The tags of the glance play and of the plugin's role; anything else would silently select nothing.
TAGS = ("glance", "glance_config", "glance_staging", "glance_staging_capacity", "glance_staging_rotational",
        "glance_staging_filesystem", "glance_staging_directory")


def configure(parser: argparse.ArgumentParser) -> None:
    add_globals_arguments(parser, inventory_help="kolla-ansible inventory (required)")
    add_configdir_argument(parser)
    parser.add_argument("-p", "--passwords", metavar="PATH",
                        help="kolla-ansible passwords.yml (default: <configdir>/passwords.yml)")
    parser.add_argument("--ansible-dir", metavar="DIR", type=Path,
                        help="kolla-ansible's ansible/ directory, integrated (default: the one of the kolla-ansible "
                             "installed next to this package, <prefix>/share/kolla-ansible/ansible)")
    parser.add_argument("--config-only", action="store_true",
                        help="kolla's genconfig instead of reconfigure, then the staging tasks (no container engine)")
    parser.add_argument("--check", action="store_true", help="show what would change and change nothing")
    parser.add_argument("--diff", action="store_true", help="show the changes to files")
    parser.add_argument("-l", "--limit", metavar="HOSTS", help="only these hosts (Ansible's --limit patterns)")
    parser.add_argument("-t", "--tags", metavar="TAGS", default="glance",
                        help="comma-separated, of: " + ", ".join(TAGS) + " (default glance: everything)")
    parser.add_argument("-e", "--extra-vars", dest="extra_vars", action="append", default=[], metavar="VARS",
                        help="more extra vars for ansible-playbook (key=value or @file), after the globals")
    parser.add_argument("-b", "--become", action="store_true", help="become root on the hosts (sudo)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more Ansible output (-vvv for debugging)")
    parser.add_argument("--no-verify", action="store_true", help="do not run `verify` after a successful run")


def run(args: argparse.Namespace) -> int:
    from .. import integration
    from ..cli import UsageError
    from ..loading import InputError, expand_sources

    unknown = [tag for tag in args.tags.split(",") if tag.strip() not in TAGS]
    if unknown:
        raise UsageError(f"unknown tag(s) {', '.join(unknown)}: use {', '.join(TAGS)}")
    paths = [str(Path(path).absolute()) for path in globals_paths(args)]
    try:
        files = expand_sources(paths)
    except InputError as error:
        raise UsageError(str(error)) from None
    if not files:
        raise UsageError(f"no globals files found in {', '.join(paths)}")
    if not args.inventory:
        raise UsageError("no inventory given: use -i INVENTORY (kolla's, with its glance-api group)")
    inventory = Path(args.inventory).absolute()
    if not inventory.exists():
        raise UsageError(f"{args.inventory}: no such inventory")
    passwords = Path(passwords_path(args)).absolute()
    try:
        if not _loadable(files, passwords):
            return 1
    except InputError as error:
        raise UsageError(str(error)) from None
    tree = args.ansible_dir or default_ansible_dir()
    try:
        plan = integration.plan(tree)
    except integration.TreeError as error:
        raise UsageError(str(error)) from None
    if not plan.up_to_date:
        raise UsageError(f"{tree}: xdeploy-glance is not integrated into this tree (or an older copy is): run "
                         f"xdeploy-glance integrate --ansible-dir {tree}")
    config_dir = config_dir_of(args, files)
    base = playbook_command(args, tree, files, passwords, config_dir, inventory)
    runs = ([base + ["-e", "kolla_action=config", "--tags", args.tags],
             base + ["-e", "kolla_action=deploy", "--tags", "glance_staging"]] if args.config_only
            else [base + ["-e", "kolla_action=reconfigure", "--tags", args.tags]])
    env = environment()
    # started after the environment is copied: the preparation sets Ansible variables in os.environ
    verifying = None if args.check or args.no_verify else _prepare_verify(args, paths, passwords)
    for command in runs:
        returncode = subprocess.run(command, env=env, cwd=tree).returncode
        if returncode != 0:
            return returncode
    if verifying is None:
        return 0
    print("\nxdeploy-glance reconfigure: checking the hosts with `xdeploy-glance verify` (--no-verify skips this)",
          flush=True)
    return verifying.result().run()  # result() raises verify's usage errors (exit 2)


def _loadable(files: list[Path], passwords: Path) -> bool:
    """The globals and passwords read with the validator's limits before Ansible reads them without any.

    Ansible's own loader has no limit on aliases or size: a billion-laughs globals.yml would tie up
    ansible-playbook for minutes before the play's validation could refuse it (issue 16 #17). Only
    what stops the files from being read is reported here; the play validates the rest.
    """
    from .. import __version__
    from ..checker import load_globals
    from ..findings import Finding, Severity, has_errors
    from ..render import passwords as passwords_yml
    from ..reporters import REPORTERS, Report

    merged, findings = load_globals([str(path) for path in files])
    if merged is not None and passwords.is_file():
        findings += [f for f in passwords_yml.load(str(passwords), merged.values)[1] if f.severity is Severity.ERROR]
    if not has_errors(findings):
        return True
    sys.stderr.write(REPORTERS["text"](Report(findings=tuple(sorted(findings, key=Finding.sort_key)),
                                              files=tuple(str(path) for path in files), tool_version=__version__)))
    sys.stderr.write("xdeploy-glance reconfigure: the files cannot be read as Ansible would; ansible-playbook "
                     "was not started\n")
    return False


def default_ansible_dir() -> Path:
    """kolla-ansible's tree as pip installs it next to this package (kolla-ansible's own CLI looks there too)."""
    return Path(sys.prefix) / "share" / "kolla-ansible" / "ansible"


def config_dir_of(args: argparse.Namespace, files: list[Path]) -> Path:
    """kolla's CONFIG_DIR: --configdir (or its defaults) unless -c names globals elsewhere, then that file's folder."""
    if args.globals_paths or getattr(args, "files", None):
        return files[0].parent.absolute()
    return config_dir(args).absolute()


def playbook_command(args: argparse.Namespace, tree: Path, files: list[Path], passwords: Path, config_dir: Path,
                     inventory: Path) -> list[str]:
    # ansible-playbook, which also turns on pipelining and gives local hosts this Python unless configured
    command = [sys.executable, "-m", "xdeploy_glance.playbook_launcher", "-i", str(inventory), str(tree / SITE)]
    for path in files:  # kolla-ansible: -e @globals.yml, -e @passwords.yml, then globals.d
        command += ["-e", f"@{path}"]
    command += ["-e", f"@{passwords}", "-e", f"CONFIG_DIR={config_dir}"]
    for extra in args.extra_vars:
        command += ["-e", extra]
    for flag, wanted in (("--check", args.check), ("--diff", args.diff), ("--become", args.become)):
        if wanted:
            command.append(flag)
    if args.limit:
        command += ["--limit", args.limit]
    if args.verbose:
        command.append("-" + "v" * args.verbose)
    return command


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS", "ignore")  # kolla's group name is glance-api
    env.setdefault("ANSIBLE_CALLBACK_RESULT_FORMAT", "yaml")  # findings are several lines: keep them readable
    return env


def _prepare_verify(args: argparse.Namespace, paths: list[str], passwords: Path) -> Future:
    """verify's preparation (inventory parse, globals, imports), started now: it runs while the play runs.

    Nothing in it looks at a host, so doing it during the play only takes the wait off the end.
    """
    from . import verify

    verify_args = argparse.Namespace(globals_paths=paths, files=[], inventory=args.inventory, passwords=str(passwords),
                                     overrides=None, limit=args.limit, become=args.become, junitxml=None,
                                     extra_vars=args.extra_vars,
                                     leftovers_older_than=None)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare-verify")
    preparing = executor.submit(verify.prepare, verify_args)
    executor.shutdown(wait=False)  # the thread finishes its one task; nothing waits for it here
    return preparing
