"""`xdeploy-glance verify`: run the shipped host checks (pytest-testinfra) against an inventory."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import add_globals_arguments, globals_paths

HELP = "check deployed hosts against the globals (staging directory, space, config drift)"
DESCRIPTION = """\
Check every glance-api host of the inventory against the globals it was deployed with, one
pytest-testinfra check per host:

  staging-directory           the staging directory exists with glance_staging_owner/_group/_mode
  staging-not-world-readable  other users can neither read nor write it
  staging-free-space          free space covers the requirement (the same formula as reconfigure)
  staging-rotational-policy   glance_staging_rotational_policy holds
  staging-shared              with glance_staging_shared, staging is on a network filesystem
  config-matches-render       the deployed glance-api.conf and glance-image-import.conf are what
                              `render` produces for the host; a failure shows the diff (secrets masked)
  no-config-overrides         no *.conf in a glance.conf.d/ or glance-api.conf.d/ Glance would read
  staging-leftovers           with --leftovers-older-than: old staged files named after images
                              (reported, never deleted)

Give verify what the hosts were deployed with: the globals (-c), kolla's passwords.yml (-p) and
custom config directory (--overrides), as for `render`. The deployed files are looked for in
{{ node_config_directory }}/glance-api/ (default /etc/kolla/glance-api).

Hosts are reached the way Ansible reaches them (local or ssh, from the inventory), so the checks
run as fast as plain ssh. Exit status: 0 every check passed, 1 a check failed (or a host could not
be checked), 2 usage error or unreadable input.

Examples:
  xdeploy-glance verify -c /etc/kolla/globals.yml -p /etc/kolla/passwords.yml \\
      --overrides /etc/kolla/config -i multinode
  xdeploy-glance verify -c globals.yml -i multinode --limit control01 --junitxml verify.xml
"""

CHECKS_PACKAGE = "xdeploy_glance.verify.checks"
# pytest's exit codes: 0 all passed, 1 some failed; 2 interrupted, 3 internal error, 4 usage error, 5 no tests.
PYTEST_FAILED = 1
# The pytest plugins the checks need, loaded by name; importing every installed one costs time, too.
PLUGINS = ("testinfra.plugin", "xdeploy_glance.verify.plugin")


def configure(parser: argparse.ArgumentParser) -> None:
    add_globals_arguments(parser, inventory_help="Ansible inventory (required); its glance-api group is checked")
    parser.add_argument("-p", "--passwords", metavar="PATH", help="kolla-ansible passwords.yml with the secrets "
                                                                  "render writes into glance-api.conf")
    parser.add_argument("--overrides", metavar="DIR",
                        help="custom-config root with the override files render merges (kolla's node_custom_config, "
                             "e.g. /etc/kolla/config)")
    parser.add_argument("-l", "--limit", metavar="HOSTS",
                        help="check only these hosts of the glance-api group (Ansible's --limit patterns)")
    parser.add_argument("-b", "--become", action="store_true",
                        help="become root on the hosts (sudo), as reconfigure --become does: the staging directory "
                             "and the config files are not readable by every user")
    parser.add_argument("--junitxml", metavar="FILE", help="also write a JUnit XML report: one test case per "
                                                           "host and check")
    parser.add_argument("--leftovers-older-than", metavar="AGE",
                        help="also report staged files named after images that are older than AGE (90m, 24h, 7d)")


def run(args: argparse.Namespace) -> int:
    from ..cli import UsageError
    from ..verify.expected import ExpectationError, load_globals
    from ..verify.leftovers import parse_age

    paths = [str(Path(path).absolute()) for path in globals_paths(args)]
    if not args.inventory:
        raise UsageError("no inventory given: use -i INVENTORY (its glance-api group is checked)")
    try:
        load_globals(paths)
        if args.leftovers_older_than is not None:
            parse_age(args.leftovers_older_than)
    except (ExpectationError, ValueError) as error:
        raise UsageError(str(error)) from None
    if args.passwords is not None and not Path(args.passwords).is_file():
        raise UsageError(f"{args.passwords}: no such passwords file")
    if args.overrides is not None and not Path(args.overrides).is_dir():
        raise UsageError(f"{args.overrides}: the overrides directory does not exist")
    inventory = str(Path(args.inventory).absolute())
    hosts = selected_hosts(inventory, args.limit)
    command = [sys.executable, "-m", "pytest", "--pyargs", CHECKS_PACKAGE,
               "--hosts=" + ",".join(f"ansible://{host}" for host in hosts), f"--ansible-inventory={inventory}",
               *(f"--glance-globals={path}" for path in paths),
               "-p", "no:cacheprovider", "--noconftest", "-rfE", "-o", "junit_suite_name=xdeploy-glance-verify",
               *(argument for plugin in PLUGINS for argument in ("-p", plugin))]
    if args.passwords is not None:
        command.append(f"--glance-passwords={Path(args.passwords).absolute()}")
    if args.overrides is not None:
        command.append(f"--glance-overrides={Path(args.overrides).absolute()}")
    if args.junitxml:
        command.append(f"--junitxml={Path(args.junitxml).absolute()}")
    if args.leftovers_older_than is not None:
        command.append(f"--glance-leftovers-older-than={args.leftovers_older_than}")
    with tempfile.TemporaryDirectory(prefix="xdeploy-glance-verify-") as workdir:
        # pytest runs in an empty directory: no pytest.ini or conftest.py of the caller's can change the checks
        (Path(workdir) / "pytest.ini").write_text("[pytest]\n")
        returncode = subprocess.run(command, cwd=workdir, env=_environment(args.become)).returncode
    return returncode if returncode in (0, PYTEST_FAILED) else 2


def _environment(become: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only PLUGINS: others installed here cannot change the checks
    if become:  # read by testinfra for its ssh/local commands and by the probe's ad-hoc `ansible` call alike
        env["ANSIBLE_BECOME"] = "true"
    # testinfra runs `ansible-inventory` and `ansible` through PATH: the ones installed next to this Python
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS", "ignore")  # kolla's group name is glance-api
    local_config = Path("ansible.cfg")
    if "ANSIBLE_CONFIG" not in env and local_config.is_file():  # what Ansible itself would read here
        env["ANSIBLE_CONFIG"] = str(local_config.absolute())
    return env


def selected_hosts(inventory: str, limit: str | None) -> list[str]:
    """The glance-api hosts, narrowed by --limit with Ansible's own pattern rules."""
    from ..cli import UsageError
    from ..inventory import GROUP

    if not Path(inventory).exists():
        raise UsageError(f"{inventory}: no such inventory")
    os.environ.setdefault("ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS", "ignore")
    from ansible.errors import AnsibleError
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader

    try:
        manager = InventoryManager(loader=DataLoader(), sources=[inventory])
        if GROUP not in manager.groups:
            raise UsageError(f"{inventory}: no group {GROUP!r} (kolla's name for the Glance API hosts)")
        if limit:
            manager.subset(limit)
        hosts = [host.name for host in manager.get_hosts(pattern=GROUP)]
    except AnsibleError as error:
        raise UsageError(f"{inventory}: {error}") from None
    if not hosts:
        raise UsageError(f"no {GROUP} host matches --limit {limit}" if limit else f"{inventory}: {GROUP} has no hosts")
    return hosts
