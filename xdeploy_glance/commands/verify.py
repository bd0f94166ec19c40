"""`xdeploy-glance verify`: run the shipped host checks (pytest-testinfra) against an inventory."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .common import add_globals_arguments, globals_paths

HELP = "check deployed hosts against the globals (staging directory, space, config drift)"
DESCRIPTION = """\
Check every glance-api host of the inventory against the globals it was deployed with, one
pytest-testinfra check per host (`xdeploy-glance explain CHECK` documents each):

  import-conf-in-config-json  kolla's config.json copies glance-image-import.conf into the container
  import-options-deployed     every option the plugin owns has, in kolla's deployed files, the value
                              the globals and the override files give
  container-runs-current-config  with a container engine on the host: the running glance_api
                              carries those files (kolla_set_configs --check, as kolla's own check)
  no-config-overrides         no *.conf in a glance.conf.d/ or glance-api.conf.d/ Glance would read
  staging-directory           the staging directory exists with glance_staging_owner/_group/_mode
  staging-not-world-readable  other users can neither read nor write it
  staging-free-space          free space covers the requirement (the same formula as reconfigure)
  staging-rotational-policy   glance_staging_rotational_policy holds
  staging-shared              with glance_staging_shared, staging is on a network filesystem
  staging-leftovers           with --leftovers-older-than: old staged files named after images
                              (reported, never deleted)

A host that cannot be looked at (unreachable, no Python) is reported once, as host-reachable.
The report is one line per host and check and a summary (--format text), or JSON or JUnit XML
(--format, to stdout or --output FILE); -v also shows pytest's own output, on stderr.

Give verify what the hosts were deployed with: the globals (-c), kolla's passwords.yml (-p) and
custom config directory (--overrides), as for `render`. The deployed files are looked for in
{{ node_config_directory }}/glance-api/ (default /etc/kolla/glance-api).

Each host is looked at with one command, reached the way Ansible reaches it (local or ssh, with
the inventory's user, port, key and options), all hosts at once (up to Ansible's forks setting).
The hosts need a Python 3 (ansible_python_interpreter, else python3), as for Ansible itself.
Exit status: 0 every check passed, 1 a check failed (or a host could not be checked), 2 usage
error, unreadable input or a report that could not be written.

Examples:
  xdeploy-glance verify -c /etc/kolla/globals.yml -p /etc/kolla/passwords.yml \\
      --overrides /etc/kolla/config -i multinode
  xdeploy-glance verify -c globals.yml -i multinode --limit control01 --format junit -o verify.xml
"""

CHECKS_PACKAGE = "xdeploy_glance.verify.checks"
# pytest's exit codes: 0 all passed, 1 some failed; 2 interrupted, 3 internal error, 4 usage error, 5 no tests.
PYTEST_FAILED = 1
FORMATS = ("text", "json", "junit")
# The pytest plugins the checks need, loaded by name; importing every installed one costs time, too.
PLUGINS = ("testinfra.plugin", "xdeploy_glance.verify.plugin")


def configure(parser: argparse.ArgumentParser) -> None:
    add_globals_arguments(parser, inventory_help="Ansible inventory (required); its glance-api group is checked")
    parser.add_argument("-p", "--passwords", metavar="PATH", help="kolla-ansible passwords.yml with the secrets "
                                                                  "render writes into glance-api.conf")
    parser.add_argument("--overrides", metavar="DIR",
                        help="custom-config root with the override files render merges (kolla's node_custom_config, "
                             "e.g. /etc/kolla/config)")
    parser.add_argument("-e", "--extra-vars", dest="extra_vars", action="append", default=[], metavar="VARS",
                        help="the extra vars the play had (key=value, @FILE or a mapping), as for ansible-playbook: "
                             "values that hold Jinja are resolved with them, the host's and the globals' variables")
    parser.add_argument("-l", "--limit", metavar="HOSTS",
                        help="check only these hosts of the glance-api group (Ansible's --limit patterns)")
    parser.add_argument("-b", "--become", action="store_true",
                        help="become root on the hosts (sudo), as reconfigure --become does: the staging directory "
                             "and the config files are not readable by every user")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="report format: text (one line per host and check, then a summary; default), json "
                             "(a list of {host, check, status, message} and a summary), junit (one test case per "
                             "host and check)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--junitxml", metavar="FILE", help="also write a JUnit XML report to FILE (as --format "
                                                           "junit writes it), whatever --format says")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also show pytest's own output (progress, failures, warnings), on stderr")
    parser.add_argument("--leftovers-older-than", metavar="AGE",
                        help="also report staged files named after images that are older than AGE (90m, 24h, 7d)")


@dataclass(frozen=True)
class PreparedVerify:
    """Everything verify needs before it looks at a host; run() checks the hosts (it may run in another thread).

    reconfigure prepares while ansible-playbook runs, and runs after the play.
    """

    pytest_arguments: tuple[str, ...]
    inputs: Any  # xdeploy_glance.verify.inputs.VerifyInputs, handed to the plugin as a plugin object
    inventory: str
    inventory_listing: dict | None  # what `ansible-inventory --list` prints, for testinfra (None: it runs that)
    become: bool
    format: str = "text"
    output: str | None = None  # absolute; None: stdout
    junitxml: str | None = None  # absolute; also a JUnit report there
    verbose: bool = False

    def run(self) -> int:
        """Run the checks (pytest in this process) and write the report; 0 all passed, 1 a check failed or a
        host could not be looked at, 2 pytest could not run them or the report could not be written."""
        import pytest

        from ..verify.inventory_list import hand_to_testinfra
        from ..verify.report import render

        hand_to_testinfra(self.inventory, self.inventory_listing)  # also reads ansible.cfg here, as Ansible does
        collector = _Collector()
        with tempfile.TemporaryDirectory(prefix="xdeploy-glance-verify-") as workdir, _environment(self.become):
            # An empty rootdir and ini file: no pytest.ini, tox.ini or conftest.py of the caller's changes the
            # checks. pytest shows test files relative to the working directory, so it is that one meanwhile.
            ini = Path(workdir) / "pytest.ini"
            ini.write_text("[pytest]\n")
            # pytest's own output (banner, progress, tracebacks, warnings) only with -v, and then on stderr
            with _working_directory(workdir), contextlib.redirect_stdout(sys.stderr):
                returncode = pytest.main([*self.pytest_arguments, f"--rootdir={workdir}", "-c", str(ini),
                                          *(("-v", "-rfE") if self.verbose else ("-p", "no:terminal"))],
                                         plugins=[self.inputs, collector])
        if returncode not in (0, PYTEST_FAILED) or collector.results is None:
            sys.stderr.write(f"xdeploy-glance verify: error: pytest could not run the checks (exit {int(returncode)})"
                             + ("" if self.verbose else "; run with -v to see its output") + "\n")
            return 2
        results = collector.results
        try:
            _write(self.output, render(self.format, results))
            if self.junitxml:
                _write(self.junitxml, render("junit", results))
        except OSError as error:
            sys.stderr.write(f"xdeploy-glance verify: error: cannot write the report: {error}\n")
            return 2
        failed = any(result.outcome not in ("passed", "skipped") for result in results)
        return PYTEST_FAILED if failed or returncode == PYTEST_FAILED else 0


class _Collector:
    """Registered in verify's pytest run: takes the outcomes; the Glance plugin then prints no table of its own."""

    prints_glance_report = True  # read by the plugin (verify.plugin.REPORT_OWNER)

    def __init__(self) -> None:
        self.results = None

    def pytest_sessionfinish(self, session) -> None:
        from ..verify.plugin import reporter

        self.results = reporter(session.config).results()


def _write(path: str | None, text: str) -> None:
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with open(path, "w", encoding="utf-8") as report:
        report.write(text)


def run(args: argparse.Namespace) -> int:
    return prepare(args).run()


def _custom_config(globals_values) -> str | None:
    """Without --overrides, the node_custom_config the globals name, as kolla's glance role reads it."""
    value = globals_values.get("node_custom_config")
    return value if isinstance(value, str) and value.startswith("/") and Path(value).is_dir() else None


def prepare(args: argparse.Namespace) -> PreparedVerify:
    """Check the arguments, parse the inventory, load globals and passwords, import pytest and the checks.

    Raises UsageError (exit 2) on bad input, as `run` does; touches no host.
    """
    from ..cli import UsageError
    from ..verify import inputs

    paths = [str(Path(path).absolute()) for path in globals_paths(args)]
    if not args.inventory:
        raise UsageError("no inventory given: use -i INVENTORY (its glance-api group is checked)")
    try:
        merged = inputs.load_globals(paths)
        leftover_age = inputs.leftover_age(args.leftovers_older_than)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.passwords is not None and not Path(args.passwords).is_file():
        raise UsageError(f"{args.passwords}: no such passwords file")
    if args.overrides is not None and not Path(args.overrides).is_dir():
        raise UsageError(f"{args.overrides}: the overrides directory does not exist")
    inventory = str(Path(args.inventory).absolute())
    hosts, listing = inventory_for_testinfra(inventory, args.limit)
    passwords = str(Path(args.passwords).absolute()) if args.passwords is not None else None
    overrides = str(Path(args.overrides).absolute()) if args.overrides is not None else _custom_config(merged.values)
    try:
        loaded = inputs.VerifyInputs(merged, inputs.load_secrets(passwords, merged.values),
                                     inputs.overrides_dir(overrides), leftover_age,
                                     inputs.load_extra_vars(getattr(args, "extra_vars", []) or []))
    except ValueError as error:
        raise UsageError(str(error)) from None
    arguments = ["--pyargs", CHECKS_PACKAGE, "--hosts=" + ",".join(f"ansible://{host}" for host in hosts),
                 f"--ansible-inventory={inventory}", "-p", "no:cacheprovider", "--noconftest", "--assert=plain",
                 *(argument for plugin in PLUGINS for argument in ("-p", plugin))]
    reports = {name: _writable_report(getattr(args, name, None), option)
               for name, option in (("output", "--output"), ("junitxml", "--junitxml"))}
    _import_what_the_run_needs()
    return PreparedVerify(tuple(arguments), loaded, inventory, listing, bool(args.become),
                          getattr(args, "format", "text"), reports["output"], reports["junitxml"],
                          bool(getattr(args, "verbose", False)))


def _writable_report(path: str | None, option: str) -> str | None:
    """The report file as an absolute path, or a usage error now, before any host is looked at (issue 16 #14)."""
    from ..cli import UsageError

    if path is None:
        return None
    report = Path(path).absolute()
    if report.is_dir():
        raise UsageError(f"{option} {path}: is a directory")
    if not report.parent.is_dir():
        raise UsageError(f"{option} {path}: no such directory {report.parent}")
    if not os.access(report if report.exists() else report.parent, os.W_OK):
        raise UsageError(f"{option} {path}: permission denied")
    return str(report)


def _import_what_the_run_needs() -> None:
    """Import pytest, testinfra and the checks now, so that run() starts looking at hosts at once."""
    import importlib

    for module in ("pytest", *PLUGINS, "xdeploy_glance.verify.report", "testinfra.utils.ansible_runner",
                   "testinfra.backend.ansible", "testinfra.backend.ssh", "testinfra.backend.local",
                   "xdeploy_glance.render", "xdeploy_glance.verify.facts", f"{CHECKS_PACKAGE}.test_config",
                   f"{CHECKS_PACKAGE}.test_staging", f"{CHECKS_PACKAGE}.test_leftovers"):
        importlib.import_module(module)
    from ..verify import facts

    facts.script()  # the facts program, compressed, and the probe module for local hosts
    facts.probe_module()


@contextmanager
def _environment(become: bool) -> Iterator[None]:
    """What the run reads from the environment, set for its duration only."""
    # only PLUGINS: other pytest plugins installed here cannot change the checks
    changes = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
               # testinfra runs ansible-inventory where the inventory was not handed to it: this install's
               "PATH": os.pathsep.join(filter(None, (str(Path(sys.executable).parent), os.environ.get("PATH"))))}
    if become:  # testinfra's backends read it for every host, over the inventory's ansible_become
        changes["ANSIBLE_BECOME"] = "true"
    saved = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _working_directory(directory: str) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


def inventory_for_testinfra(inventory: str, limit: str | None) -> tuple[list[str], dict | None]:
    """The glance-api hosts narrowed by --limit with Ansible's own pattern rules, and the inventory as
    `ansible-inventory --list` prints it (for testinfra), from one parse."""
    from ..cli import UsageError
    from ..inventory import GROUP

    if not Path(inventory).exists():
        raise UsageError(f"{inventory}: no such inventory")
    from ansible.errors import AnsibleError

    from ..inventory import parse

    try:
        parsed = parse(inventory)
        if GROUP not in parsed.manager.groups:
            raise UsageError(f"{inventory}: no group {GROUP!r} (kolla's name for the Glance API hosts)")
        listing = parsed.listing()
        if limit:
            parsed.manager.subset(limit)
        hosts = [host.name for host in parsed.manager.get_hosts(pattern=GROUP)]
    except AnsibleError as error:
        raise UsageError(f"{inventory}: {error}") from None
    if not hosts:
        raise UsageError(f"no {GROUP} host matches --limit {limit}" if limit else f"{inventory}: {GROUP} has no hosts")
    return hosts, listing
