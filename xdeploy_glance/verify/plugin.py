"""pytest plugin for Glance host verification (pytest11 entry point `xdeploy_glance`).

Run the shipped checks against an Ansible inventory:

    pytest --pyargs xdeploy_glance.verify.checks --hosts=ansible://glance-api \\
        --ansible-inventory=INVENTORY --glance-globals=/etc/kolla/globals.yml [--junitxml=FILE]

Every pytest run loads this module, so it imports nothing heavy at the top and does nothing
unless checks marked `glance_verify` are collected. Fixtures for writing more checks:

    glance_globals          the merged globals files (xdeploy_glance.checker.MergedGlobals)
    glance_expected         per host: what the host should look like (verify.expected.HostExpectations)
    glance_staging_probe    per host: the staging role's probe module result for the staging directory
    glance_rendered         per host: render's output (xdeploy_glance.render.RenderResult) for that host
    glance_leftovers_older_than  (minutes, text) of --glance-leftovers-older-than
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

MARKER = "glance_verify"
LEFTOVERS_CHECK = "test_staging_leftovers"
PROBE_MODULE = "glance_staging_probe"
SSH_ERROR = 255  # ssh's exit status when it could not run the command at all
_RUN = pytest.StashKey["VerifyRun"]()


class GlanceHostWarning(UserWarning):
    """A check passed with a warning the staging role would also print (e.g. tmpfs, rotational disk)."""


@dataclass
class CheckOutcome:
    host: str
    check: str
    outcome: str  # passed, FAILED, ERROR, skipped
    message: str = ""
    warning: str = ""


@dataclass
class VerifyRun:
    """State of a verification session, kept in the pytest config stash."""

    merged_globals: object  # xdeploy_glance.checker.MergedGlobals, imported lazily
    secrets: dict  # kolla passwords.yml names -> values, for render
    overrides_dir: Path | None  # kolla's node_custom_config, for render
    leftover_age: tuple[int, str] | None  # (minutes, as the user wrote it); None: the check does not run
    labels: dict[str, tuple[str, str]]  # nodeid -> (host, check)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("xdeploy-glance", "Glance host verification (xdeploy_glance.verify.checks)")
    group.addoption("--glance-globals", action="append", default=[], metavar="PATH",
                    help="globals file or globals.d directory the hosts were deployed with; repeatable, later "
                         "files win (as with `xdeploy-glance validate -c`)")
    group.addoption("--glance-passwords", metavar="PATH", default=None,
                    help="kolla passwords.yml the hosts were deployed with: the secrets render writes into "
                         "glance-api.conf (as with `xdeploy-glance render -p`)")
    group.addoption("--glance-overrides", metavar="DIR", default=None,
                    help="kolla's node_custom_config (e.g. /etc/kolla/config) with the override files render "
                         "merges (as with `xdeploy-glance render --overrides`)")
    group.addoption("--glance-leftovers-older-than", metavar="AGE", default=None,
                    help="also report staged files whose names are image ids and that are older than AGE "
                         "(90m, 24h, 7d); they are never deleted. Without it that check does not run")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a Glance host verification check (xdeploy_glance.verify)")
    config.pluginmanager.register(_Reporter(config), "xdeploy-glance-verify-reporter")
    if config.getoption("glance_globals"):
        _make_ansible_tools_findable()


def _make_ansible_tools_findable() -> None:
    """testinfra runs `ansible-inventory` and `ansible` through PATH; the ones next to this Python fit."""
    if shutil.which("ansible-inventory") is None:
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    checks = [item for item in items if item.get_closest_marker(MARKER)]
    if not checks:
        return
    merged = _load_globals(config)
    run = VerifyRun(merged, _load_secrets(config, merged.values), _overrides_dir(config), _leftover_age(config), {})
    for item in checks:
        host = _host_of(item)
        if host is not None and not host.backend.HAS_RUN_ANSIBLE:
            raise pytest.UsageError("the Glance checks run the staging role's probe through Ansible: select hosts "
                                    "with --hosts=ansible://PATTERN and --ansible-inventory=INVENTORY")
        run.labels[item.nodeid] = (_host_name(host), _check_name(item))
    if run.leftover_age is None:
        deselected = [item for item in checks if getattr(item, "originalname", item.name) == LEFTOVERS_CHECK]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if item not in deselected]
    config.stash[_RUN] = run


def _load_globals(config: pytest.Config):
    from .expected import ExpectationError, load_globals

    paths = config.getoption("glance_globals")
    if not paths:
        raise pytest.UsageError("the Glance checks need the globals the hosts were deployed with: "
                                "--glance-globals=/etc/kolla/globals.yml (repeatable)")
    try:
        return load_globals(paths)
    except ExpectationError as error:
        raise pytest.UsageError(str(error)) from None


def _load_secrets(config: pytest.Config, globals_values) -> dict:
    from ..findings import Severity
    from ..loading import InputError
    from ..render import passwords

    path = config.getoption("glance_passwords")
    try:
        secrets, findings = passwords.load(path, globals_values)
    except InputError as error:
        raise pytest.UsageError(str(error)) from None
    errors = [finding.message for finding in findings if finding.severity is Severity.ERROR]
    if errors:
        raise pytest.UsageError(f"{path}: {'; '.join(errors)}")
    return secrets


def _overrides_dir(config: pytest.Config) -> Path | None:
    directory = config.getoption("glance_overrides")
    if directory is None:
        return None
    if not Path(directory).is_dir():
        raise pytest.UsageError(f"{directory}: the overrides directory does not exist")
    return Path(directory)


def _leftover_age(config: pytest.Config) -> tuple[int, str] | None:
    from .leftovers import parse_age

    age = config.getoption("glance_leftovers_older_than")
    if age is None:
        return None
    try:
        return parse_age(age), age
    except ValueError as error:
        raise pytest.UsageError(f"--glance-leftovers-older-than: {error}") from None


def _host_of(item: pytest.Item):
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("_testinfra_host") if callspec else None


def _host_name(host) -> str:
    if host is None:
        return "?"
    name = getattr(host.backend, "host", None)
    return name if isinstance(name, str) else host.backend.get_pytest_id()


def _check_name(item: pytest.Item) -> str:
    """test_config_matches_render[ansible://api1-glance-api.conf] -> config-matches-render glance-api.conf"""
    name = getattr(item, "originalname", item.name).removeprefix("test_").replace("_", "-")
    callspec = getattr(item, "callspec", None)
    extra = [str(value) for key, value in (callspec.params.items() if callspec else ()) if key != "_testinfra_host"]
    return " ".join([name, *extra])


@pytest.fixture(scope="session")
def glance_globals(request: pytest.FixtureRequest):
    """The merged globals files given with --glance-globals."""
    return _verify_run(request).merged_globals


def _verify_run(request: pytest.FixtureRequest) -> VerifyRun:
    run = request.config.stash.get(_RUN, None)
    if run is None:
        pytest.fail(f"{request.fixturename} is for checks marked {MARKER}", pytrace=False)
    return run


@pytest.fixture(scope="session")
def glance_leftovers_older_than(request: pytest.FixtureRequest) -> tuple[int, str]:
    """(minutes, as given) from --glance-leftovers-older-than; the leftovers check is deselected without it."""
    return _verify_run(request).leftover_age


@pytest.fixture(scope="module")
def glance_expected(host, glance_globals):
    """What this host should look like: the globals over its inventory variables over the schema defaults."""
    from .expected import ExpectationError, expectations_for

    name = _host_name(host)
    try:
        return expectations_for(name, host.ansible.get_variables(), glance_globals.values)
    except ExpectationError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def glance_rendered(request: pytest.FixtureRequest, glance_expected):
    """render's output for this host (xdeploy_glance.render.RenderResult): what its config files must hold."""
    from ..render import OverrideError, render_host

    run = _verify_run(request)
    templated = sorted(name for name in glance_expected.templated if name in glance_expected.settings)
    if templated:
        names = ", ".join(templated)
        pytest.fail(f"cannot render the config of {glance_expected.host}: {names} hold Jinja, which only Ansible "
                    "resolves; verify renders literal values", pytrace=False)
    try:
        rendered = render_host(glance_expected.settings, glance_expected.host, run.secrets, run.overrides_dir)
    except OverrideError as error:
        pytest.fail(str(error), pytrace=False)
    if not rendered.ok:
        pytest.fail(f"render refuses the values of {glance_expected.host}, so there is nothing to compare with: "
                    + "; ".join(finding.message for finding in rendered.findings), pytrace=False)
    return rendered


@pytest.fixture(scope="session")
def glance_ansible_library():
    """Puts the staging role's modules on ANSIBLE_LIBRARY for testinfra's ad-hoc `ansible` calls."""
    from ..resources import data_dir

    library = str(data_dir("roles") / "glance_import_staging" / "library")
    saved = {name: os.environ.get(name) for name in ("ANSIBLE_LIBRARY", "ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS")}
    os.environ["ANSIBLE_LIBRARY"] = os.pathsep.join(filter(None, (library, saved["ANSIBLE_LIBRARY"])))
    os.environ.setdefault("ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS", "ignore")  # kolla's group is glance-api
    yield library
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _probe_arguments(expected) -> dict:
    return {"path": expected.staging_path, "owner": expected.value("glance_staging_owner"),
            "group": expected.value("glance_staging_group")}


@pytest.fixture(scope="session")
def _glance_probed_together(request: pytest.FixtureRequest, glance_globals, glance_ansible_library) -> dict:
    """Probe results of the remote hosts, from one `ansible` run per set of arguments, by host name.

    One ad-hoc `ansible` run per host costs a second or more each, one after the other; one run for
    all hosts reaches them in parallel. A host missing here (unreachable, failed, unknowable
    expectations) is probed on its own by glance_staging_probe, which says what went wrong.
    """
    from .expected import ExpectationError, expectations_for

    groups: dict[tuple[str, str], list[str]] = {}
    runner = None
    for item in request.session.items:
        host = _host_of(item)
        if host is None or "glance_staging_probe" not in getattr(item, "fixturenames", ()):
            continue
        host_vars = host.ansible.get_variables()
        if _is_this_machine(host_vars):
            continue
        try:
            arguments = _probe_arguments(expectations_for(_host_name(host), host_vars, glance_globals.values))
        except ExpectationError:
            continue
        names = groups.setdefault((json.dumps(arguments), json.dumps(_interpreter_override(host_vars))), [])
        if _host_name(host) not in names:
            names.append(_host_name(host))
        runner = host.backend.ansible_runner
    results = {}
    for (arguments, override), names in groups.items():
        results.update(_probe_hosts(runner, arguments, json.loads(override), names))
    return results


def _probe_hosts(runner, arguments: str, override: dict, names: list[str]) -> dict:
    """What testinfra's host.ansible(PROBE_MODULE, arguments, check=True, **override) runs, for several hosts."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tree:
        command = ["ansible", "--tree", tree, *(["-i", runner.inventory_file] if runner.inventory_file else []),
                   "-m", PROBE_MODULE, "--args", arguments, "--check",
                   *(["--extra-vars", json.dumps(override["extra_vars"])] if override else []), ",".join(names)]
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        results = {}
        for name in names:
            try:
                result = json.loads(Path(tree, name).read_text())
            except (OSError, ValueError):
                continue
            if "staging_path" in result:
                results[name] = result
    return results


@pytest.fixture(scope="module")
def glance_staging_probe(host, glance_expected, glance_ansible_library, _glance_probed_together):
    """The staging role's probe module, run on the host in check mode: the figures the role judges by."""
    from .expected import ExpectationError

    try:
        arguments = _probe_arguments(glance_expected)
    except ExpectationError as error:
        pytest.fail(str(error), pytrace=False)
    if glance_expected.host in _glance_probed_together:
        return _glance_probed_together[glance_expected.host]
    host_vars = host.ansible.get_variables()
    try:
        result = (_probe_here(glance_ansible_library, arguments) if _is_this_machine(host_vars)
                  else host.ansible(PROBE_MODULE, json.dumps(arguments), check=True, **_interpreter_override(host_vars)))
    except host.ansible.AnsibleException as error:
        result = error.result
    except AssertionError:  # testinfra's only word on `ansible` exiting with an unexpected code, e.g. unreachable
        try:
            host.run("true")  # ssh itself says best why a host cannot be reached
        except RuntimeError as error:
            reason = _unreachable(error)
            if reason is not None:
                pytest.fail(f"cannot reach {glance_expected.host}: {reason}", pytrace=False)
        raise
    # ansible-core 2.19's --tree files can lack "failed", so a result without the probe's figures is a failure
    if "staging_path" not in result:
        detail = "; ".join(str(result[key]).strip() for key in ("msg", "module_stderr") if result.get(key))
        pytest.fail(f"the staging probe failed on {glance_expected.host}: {detail or result}", pytrace=False)
    return result


def _is_this_machine(host_vars: dict) -> bool:
    """A local host seen with this process's rights: the probe needs no `ansible` run (most of verify's time)."""
    from ansible import constants

    if host_vars.get("ansible_connection") != "local":
        return False
    become = host_vars.get("ansible_become", constants.DEFAULT_BECOME)  # ansible.cfg, ANSIBLE_BECOME (verify -b)
    if str(become).lower() in ("0", "false", "no", "off", ""):
        return True
    return os.geteuid() == 0 and host_vars.get("ansible_become_user", constants.DEFAULT_BECOME_USER) == "root"


def _probe_here(library: str, arguments: dict) -> dict:
    """The probe module's own function, called in this process: the result the module would return."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"_xdeploy_glance_{PROBE_MODULE}",
                                                  os.path.join(library, f"{PROBE_MODULE}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = os.path.expanduser(os.path.expandvars(arguments["path"]))  # as the module's `type: path` does
    return module.probe_result(path, arguments["owner"], arguments["group"])


def _interpreter_override(host_vars: dict) -> dict:
    """A local host without an explicit interpreter gets this one: discovery may pick a broken pyenv shim."""
    if host_vars.get("ansible_connection") == "local" and "ansible_python_interpreter" not in host_vars:
        return {"extra_vars": {"ansible_python_interpreter": sys.executable}}
    return {}


def warn(message: str) -> None:
    """Pass a check with a warning that shows in the summary (what the role reports as [WARNING])."""
    warnings.warn(GlanceHostWarning(message), stacklevel=2)


def _unreachable(error: BaseException) -> str | None:
    """ssh's reason when testinfra could not reach the host at all (it raises the CommandResult); else None."""
    result = error.args[0] if error.args else None
    return result.stderr.strip() if getattr(result, "rc", None) == SSH_ERROR else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Known failures end a check with their reason, not a traceback: unknowable expectations, unreachable hosts."""
    try:
        return (yield)
    except Exception as error:
        from .expected import ExpectationError

        if not item.get_closest_marker(MARKER):
            raise
        if isinstance(error, ExpectationError):
            pytest.fail(str(error), pytrace=False)
        reason = _unreachable(error) if isinstance(error, (RuntimeError, AssertionError)) else None
        if reason is not None:
            pytest.fail(f"cannot reach {_host_name(_host_of(item))}: {reason}", pytrace=False)
        raise


class _Reporter:
    """Collects each check's outcome per host and prints them as one table at the end of the run."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.warnings: dict[str, str] = {}
        self.outcomes: dict[str, CheckOutcome] = {}

    def pytest_warning_recorded(self, warning_message, when, nodeid, location) -> None:
        # pytest reports a test's warnings after its results, so the outcome usually exists already
        if nodeid and issubclass(warning_message.category, GlanceHostWarning):
            self.warnings.setdefault(nodeid, str(warning_message.message))
            if nodeid in self.outcomes and not self.outcomes[nodeid].warning:
                self.outcomes[nodeid].warning = self.warnings[nodeid]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        run = self.config.stash.get(_RUN, None)
        label = run.labels.get(report.nodeid) if run else None
        if label is None or report.nodeid in self.outcomes and self.outcomes[report.nodeid].outcome != "passed":
            return
        if report.failed:
            outcome = "FAILED" if report.when == "call" else "ERROR"
            self.outcomes[report.nodeid] = CheckOutcome(*label, outcome, _failure_message(report))
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            self.outcomes[report.nodeid] = CheckOutcome(*label, "skipped", reason)
        elif report.when == "call":
            self.outcomes[report.nodeid] = CheckOutcome(*label, "passed", warning=self.warnings.get(report.nodeid, ""))

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.outcomes:
            return
        terminalreporter.write_sep("=", "Glance host verification")
        outcomes = sorted(self.outcomes.values(), key=lambda o: o.host)  # stable: checks keep their run order
        host_width = max(len(o.host) for o in outcomes)
        check_width = max(len(o.check) for o in outcomes)
        for outcome in outcomes:
            detail = outcome.message or (f"warning: {outcome.warning}" if outcome.warning else "")
            line = f"{outcome.host:<{host_width}}  {outcome.outcome:<7}  {outcome.check:<{check_width}}"
            terminalreporter.write_line(f"{line}  {_first_line(detail)}".rstrip())


def _failure_message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash is not None else str(report.longrepr)
    return message.removeprefix("Failed: ")  # pytest.fail()'s own label adds nothing


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
