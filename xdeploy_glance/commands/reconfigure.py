"""`xdeploy-glance reconfigure`: run the packaged playbook (validate, config, staging) with ansible-playbook."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .common import add_globals_arguments, globals_paths

HELP = "validate, then deploy the config files and the staging directory to the hosts (ansible-playbook)"
DESCRIPTION = """\
Run the packaged reconfigure playbook on the inventory's glance-api hosts, kolla-style:

  1. validate the globals on the controller (as `validate` does); errors stop the run before
     any host is touched
  2. render glance-api.conf and glance-image-import.conf per host (as `render` does), merge the
     override files, and deploy them to {{ node_config_directory }}/glance-api/ (mode 0640); a
     host whose files changed runs glance_api_restart_command
  3. check each host's staging filesystem (free space for the largest imports, rotational
     device, tmpfs, shared storage) and create the staging directory with its owner and mode;
     nothing in it is ever deleted

The globals are passed as extra vars (-e @FILE, in the order given), as kolla-ansible passes
globals.yml and passwords.yml. Roles, the playbook and the Ansible settings they need come with
this package; local hosts get this Python as their interpreter unless the inventory names one.
Pipelining is on unless ansible.cfg or ANSIBLE_PIPELINING says otherwise (sudo must not require
a tty, as for kolla-ansible).
Ansible's output is streamed as it runs.

Afterwards `verify` checks every host (skipped with --check or --no-verify).

Exit status: ansible-playbook's (0 ok, 2 a host failed, 4 unreachable, ...), else verify's
(1 a check failed); 2 also for usage errors before Ansible starts.

Examples:
  xdeploy-glance reconfigure -c /etc/kolla/globals.yml -p /etc/kolla/passwords.yml -i multinode
  xdeploy-glance reconfigure -c globals.yml -i multinode --check --diff --limit control01
  xdeploy-glance reconfigure -c globals.yml -i multinode --tags glance_staging
"""

PLAYBOOK = "reconfigure.yml"


def configure(parser: argparse.ArgumentParser) -> None:
    add_globals_arguments(parser, inventory_help="Ansible inventory (required); the play runs on its glance-api group")
    parser.add_argument("-p", "--passwords", metavar="PATH", help="kolla-ansible passwords.yml with the secrets "
                                                                  "glance-api.conf needs")
    parser.add_argument("--overrides", metavar="DIR", help="custom-config root with override files to merge "
                                                           "(kolla's node_custom_config, e.g. /etc/kolla/config); "
                                                           "without it none are merged, as with render")
    parser.add_argument("--check", action="store_true", help="show what would change and change nothing")
    parser.add_argument("--diff", action="store_true", help="show the changes to files (secrets masked)")
    parser.add_argument("-l", "--limit", metavar="HOSTS", help="only these hosts (Ansible's --limit patterns)")
    parser.add_argument("-t", "--tags", metavar="TAGS", help="only these parts: glance_config, glance_staging, "
                        "glance_staging_capacity, glance_staging_rotational, glance_staging_filesystem, "
                        "glance_staging_directory (validation always runs)")
    parser.add_argument("-e", "--extra-vars", dest="extra_vars", action="append", default=[], metavar="VARS",
                        help="more extra vars for ansible-playbook (key=value or @file), after the globals")
    parser.add_argument("-b", "--become", action="store_true", help="become root on the hosts (sudo)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more Ansible output (-vvv for debugging)")
    parser.add_argument("--no-verify", action="store_true", help="do not run `verify` after a successful run")


def run(args: argparse.Namespace) -> int:
    from ..cli import UsageError
    from ..loading import InputError, expand_sources

    paths = [str(Path(path).absolute()) for path in globals_paths(args)]
    try:
        files = expand_sources(paths)
    except InputError as error:
        raise UsageError(str(error)) from None
    if not files:
        raise UsageError(f"no globals files found in {', '.join(paths)}")
    if not args.inventory:
        raise UsageError("no inventory given: use -i INVENTORY (the play runs on its glance-api group)")
    inventory = Path(args.inventory).absolute()
    if not inventory.exists():
        raise UsageError(f"{args.inventory}: no such inventory")
    if args.passwords is not None and not Path(args.passwords).is_file():
        raise UsageError(f"{args.passwords}: no such passwords file")
    if args.overrides is not None and not Path(args.overrides).is_dir():
        raise UsageError(f"{args.overrides}: the overrides directory does not exist")

    command, env = playbook_command(args, files, inventory), environment()
    # started after the environment is copied: the preparation sets Ansible variables in os.environ
    verifying = None if args.check or args.no_verify else _prepare_verify(args, paths)
    returncode = subprocess.run(command, env=env).returncode
    if verifying is None or returncode != 0:
        return returncode
    print("\nxdeploy-glance reconfigure: checking the hosts with `xdeploy-glance verify` (--no-verify skips this)",
          flush=True)
    return verifying.result().run()  # result() raises verify's usage errors (exit 2)


def playbook_command(args: argparse.Namespace, files: list[Path], inventory: Path) -> list[str]:
    from ..resources import data_dir

    # ansible-playbook, which also turns on pipelining and gives local hosts this Python unless configured
    command = [sys.executable, "-m", "xdeploy_glance.playbook_launcher", "-i", str(inventory)]
    command.append(str(data_dir("playbooks") / PLAYBOOK))
    for path in files:
        command += ["-e", f"@{path}"]
    if args.passwords is not None:
        command += ["-e", f"@{Path(args.passwords).absolute()}"]
    # Without --overrides, no override files are merged: the same files `render` and `verify` produce.
    command += ["-e", json.dumps({"node_custom_config": str(Path(args.overrides).absolute()) if args.overrides else ""})]
    for extra in args.extra_vars:
        command += ["-e", extra]
    for flag, wanted in (("--check", args.check), ("--diff", args.diff), ("--become", args.become)):
        if wanted:
            command.append(flag)
    if args.limit:
        command += ["--limit", args.limit]
    if args.tags:
        command += ["--tags", args.tags]
    if args.verbose:
        command.append("-" + "v" * args.verbose)
    return command


def environment() -> dict[str, str]:
    """What the packaged roles need from Ansible's settings, without replacing the user's ansible.cfg."""
    from ..resources import data_dir

    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["ANSIBLE_ROLES_PATH"] = os.pathsep.join(filter(None, (str(data_dir("roles")), env.get("ANSIBLE_ROLES_PATH"))))
    env.setdefault("ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS", "ignore")  # kolla's group name is glance-api
    env.setdefault("ANSIBLE_CALLBACK_RESULT_FORMAT", "yaml")  # findings are several lines: keep them readable
    return env


def _prepare_verify(args: argparse.Namespace, paths: list[str]) -> Future:
    """verify's preparation (inventory parse, globals, imports), started now: it runs while the play runs.

    Nothing in it looks at a host, so doing it during the play only takes the wait off the end.
    """
    from . import verify

    verify_args = argparse.Namespace(globals_paths=paths, files=[], inventory=args.inventory, passwords=args.passwords,
                                     overrides=args.overrides, limit=args.limit, become=args.become, junitxml=None,
                                     leftovers_older_than=None)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare-verify")
    preparing = executor.submit(verify.prepare, verify_args)
    executor.shutdown(wait=False)  # the thread finishes its one task; nothing waits for it here
    return preparing
