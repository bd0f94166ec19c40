"""pytest plugin for Glance host verification (pytest11 entry point `xdeploy_glance`).

Run the shipped checks against an Ansible inventory:

    pytest --pyargs xdeploy_glance.verify.checks --hosts=ansible://glance-api \\
        --ansible-inventory=INVENTORY --glance-globals=/etc/kolla/globals.yml [--junitxml=FILE]

Every pytest run loads this module, so it imports nothing heavy at the top and does nothing
unless checks marked `glance_verify` are collected. Fixtures for writing more checks:

    glance_globals          the merged globals files (xdeploy_glance.checker.MergedGlobals)
    glance_expected         per host: what the host should look like (verify.expected.HostExpectations)
    glance_host_facts       per host: what the host has (verify.facts.HostFacts), gathered for all hosts
                            at once with one command each
    glance_staging_probe    per host: the staging role's probe module result for the staging directory
    glance_rendered         per host: the plugin's kolla inputs with the operator's overrides (RenderResult)
    glance_leftovers_older_than  (minutes, text) of --glance-leftovers-older-than

testinfra reads the inventory from `ansible-inventory --list`; this plugin parses the inventory in
process and hands testinfra the same data instead (xdeploy-glance verify hands over its own parse).
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import pytest

from .inputs import STASH_KEY as INPUTS_KEY, VerifyInputs

MARKER = "glance_verify"
LEFTOVERS_CHECK = "test_staging_leftovers"
# A plugin object with this attribute true (xdeploy-glance verify's) prints the report itself.
REPORT_OWNER = "prints_glance_report"
_RUN = pytest.StashKey["VerifyRun"]()


class GlanceHostWarning(UserWarning):
    """A check passed with a warning the staging role would also print (e.g. tmpfs, rotational disk)."""


@dataclass
class CheckOutcome:
    host: str
    check: str
    outcome: str  # passed, FAILED, ERROR (the check could not look), skipped
    message: str = ""
    warning: str = ""

    @property
    def status(self) -> str:
        """The outcome in the JSON report's words: passed, failed, error, skipped."""
        return self.outcome.lower()

    @property
    def detail(self) -> str:
        """The failure's or skip's reason, else the warning a passed check gave, with control characters escaped."""
        from ..reporters.base import printable

        return printable(self.message or (f"warning: {self.warning}" if self.warning else ""))


@dataclass
class VerifyRun:
    """State of a verification session, kept in the pytest config stash."""

    inputs: VerifyInputs
    labels: dict[str, tuple[str, str]]  # nodeid -> (host, check)
    expectations: dict  # host name -> HostExpectations, or the ExpectationError saying why it is unknowable
    unreachable: dict[str, str] = None  # host name -> why its facts could not be gathered (reported once)

    def __post_init__(self) -> None:
        if self.unreachable is None:
            self.unreachable = {}


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
    if config.getoption("glance_globals") and INPUTS_KEY not in config.stash:
        _hand_inventory_to_testinfra(config.getoption("ansible_inventory", None))


def _hand_inventory_to_testinfra(source: str | None) -> None:
    """Parse the inventory here, unless testinfra already has it: it would run `ansible-inventory --list`."""
    from testinfra.utils.ansible_runner import AnsibleRunner

    if "inventory" in vars(AnsibleRunner.get_runner(source)):  # set already (a functools.cached_property)
        return
    from ansible.errors import AnsibleError

    from ..inventory import parse
    from .inventory_list import hand_to_testinfra

    try:
        hand_to_testinfra(source, parse(source).listing())
    except AnsibleError as error:
        raise pytest.UsageError(f"{source or 'the Ansible inventory'}: {error}") from None


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    checks = [item for item in items if item.get_closest_marker(MARKER)]
    if not checks:
        return
    inputs = config.stash[INPUTS_KEY] if INPUTS_KEY in config.stash else _inputs_from_options(config)
    run = VerifyRun(inputs, {}, {})
    for item in checks:
        host = _host_of(item)
        if host is not None and not host.backend.HAS_RUN_ANSIBLE:
            raise pytest.UsageError("the Glance checks read the hosts' variables from the inventory: select hosts "
                                    "with --hosts=ansible://PATTERN and --ansible-inventory=INVENTORY")
        run.labels[item.nodeid] = (_host_name(host), _check_name(item))
    if inputs.leftover_age is None:
        deselected = [item for item in checks if getattr(item, "originalname", item.name) == LEFTOVERS_CHECK]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if item not in deselected]
    config.stash[_RUN] = run


def _inputs_from_options(config: pytest.Config) -> VerifyInputs:
    from . import inputs

    paths = config.getoption("glance_globals")
    if not paths:
        raise pytest.UsageError("the Glance checks need the globals the hosts were deployed with: "
                                "--glance-globals=/etc/kolla/globals.yml (repeatable)")
    try:
        merged = inputs.load_globals(paths)
        secrets = inputs.load_secrets(config.getoption("glance_passwords"), merged.values)
        overrides_dir = inputs.overrides_dir(config.getoption("glance_overrides"))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    try:
        leftover_age = inputs.leftover_age(config.getoption("glance_leftovers_older_than"))
    except ValueError as error:
        raise pytest.UsageError(f"--glance-leftovers-older-than: {error}") from None
    return VerifyInputs(merged, secrets, overrides_dir, leftover_age)


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
    return _verify_run(request).inputs.merged_globals


def _verify_run(request: pytest.FixtureRequest) -> VerifyRun:
    run = request.config.stash.get(_RUN, None)
    if run is None:
        pytest.fail(f"{request.fixturename} is for checks marked {MARKER}", pytrace=False)
    return run


@pytest.fixture(scope="session")
def glance_leftovers_older_than(request: pytest.FixtureRequest) -> tuple[int, str]:
    """(minutes, as given) from --glance-leftovers-older-than; the leftovers check is deselected without it."""
    return _verify_run(request).inputs.leftover_age


def _expectations(run: VerifyRun, host):
    """What this host should look like (cached for the session); raises ExpectationError when unknowable."""
    from .expected import ExpectationError, expectations_for

    name = _host_name(host)
    if name not in run.expectations:
        try:
            run.expectations[name] = expectations_for(name, host.ansible.get_variables(),
                                                      run.inputs.merged_globals.values, run.inputs.extra_vars)
        except ExpectationError as error:
            run.expectations[name] = error
    found = run.expectations[name]
    if isinstance(found, ExpectationError):
        raise found
    return found


@pytest.fixture(scope="module")
def glance_expected(request: pytest.FixtureRequest, host):
    """What this host should look like: the globals over its inventory variables over the schema defaults."""
    from .expected import ExpectationError

    try:
        return _expectations(_verify_run(request), host)
    except ExpectationError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def glance_rendered(request: pytest.FixtureRequest, glance_expected):
    """The plugin's kolla inputs merged with the operator's overrides for this host (RenderResult.documents)."""
    from ..render import OverrideError
    from ..render.api import render_inputs

    inputs = _verify_run(request).inputs
    templated = sorted(name for name in glance_expected.templated if name in glance_expected.settings)
    if templated:
        names = ", ".join(templated)
        pytest.fail(f"cannot render the config of {glance_expected.host}: {names} hold Jinja, which only Ansible "
                    "resolves; verify renders literal values", pytrace=False)
    try:
        rendered = render_inputs(glance_expected.settings, inputs.overrides_dir, [glance_expected.host])
    except OverrideError as error:
        pytest.fail(str(error), pytrace=False)
    if not rendered.ok:
        pytest.fail(f"render refuses the values of {glance_expected.host}, so there is nothing to compare with: "
                    + "; ".join(finding.message for finding in rendered.findings), pytrace=False)
    return rendered


@pytest.fixture(scope="session")
def _glance_facts_of_all_hosts(request: pytest.FixtureRequest) -> dict:
    """The facts of every host with collected checks, gathered at once: one command per host, hosts concurrently.

    A host whose expectations are unknowable is left out: its checks fail with the reason first.
    """
    from ansible import constants

    from ..render.overrides import FILES
    from .expected import ExpectationError
    from .facts import Target, gather_all, interpreter_for, request_for

    run = _verify_run(request)
    minutes = run.inputs.leftover_age[0] if run.inputs.leftover_age else None
    targets: dict[str, Target] = {}
    for item in request.session.items:
        host = _host_of(item)
        if host is None or "glance_host_facts" not in getattr(item, "fixturenames", ()):
            continue
        name = _host_name(host)
        if name in targets:
            continue
        try:
            expected = _expectations(run, host)
        except ExpectationError:
            continue
        host_vars = host.ansible.get_variables()
        targets[name] = Target(name, request_for(expected, (*FILES, "config.json"), minutes),
                               None if _is_this_machine(host) else host.run, interpreter_for(host_vars),
                               host_vars.get("ansible_connection"))
    return gather_all(list(targets.values()), workers=constants.DEFAULT_FORKS)  # as many at once as Ansible


@pytest.fixture(scope="module")
def glance_host_facts(request: pytest.FixtureRequest, glance_expected, _glance_facts_of_all_hosts):
    """What this host has (verify.facts.HostFacts): staging probe, config files, override directories..."""
    from .facts import FactsUnavailable

    facts = _glance_facts_of_all_hosts[glance_expected.host]
    if isinstance(facts, FactsUnavailable):
        _verify_run(request).unreachable.setdefault(glance_expected.host, str(facts))
        pytest.fail(str(facts), pytrace=False)
    return facts


@pytest.fixture(scope="module")
def glance_staging_probe(glance_expected, glance_host_facts):
    """The staging role's probe module's result on the host: the figures the role judges by."""
    from .expected import ExpectationError
    from .facts import probe_arguments

    try:
        probe_arguments(glance_expected)  # an unknowable argument fails the checks that need the probe
    except ExpectationError as error:
        pytest.fail(str(error), pytrace=False)
    result = glance_host_facts.probe
    if result.get("failed") or "staging_path" not in result:
        pytest.fail(f"the staging probe failed on {glance_expected.host}: {result.get('msg') or result}",
                    pytrace=False)
    return result


def _is_this_machine(host) -> bool:
    """A local host that testinfra reaches with this process's rights: its facts are gathered in process."""
    backend = host.backend
    target = backend.ansible_runner.get_host(backend.host, ssh_config=backend.ssh_config,
                                             ssh_identity_file=backend.ssh_identity_file)
    if backend.force_ansible or target is None or target.backend.NAME != "local":
        return False
    local = target.backend
    return not local.sudo or (os.geteuid() == 0 and local.sudo_user in (None, "root"))


def warn(message: str) -> None:
    """Pass a check with a warning that shows in the summary (what the role reports as [WARNING])."""
    warnings.warn(GlanceHostWarning(message), stacklevel=2)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Known failures end a check with their reason, not a traceback: unknowable expectations, unreachable hosts."""
    try:
        return (yield)
    except Exception as error:
        from .expected import ExpectationError
        from .facts import unreachable_reason

        if not item.get_closest_marker(MARKER):
            raise
        if isinstance(error, ExpectationError):
            pytest.fail(str(error), pytrace=False)
        reason = unreachable_reason(error) if isinstance(error, RuntimeError) else None
        if reason is not None:
            name = _host_name(_host_of(item))
            message = f"cannot reach {name}: {reason}"
            run = item.config.stash.get(_RUN, None)
            if run is not None:
                run.unreachable.setdefault(name, message)
            pytest.fail(message, pytrace=False)
        raise


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """A check's reason is shown with control characters escaped, in pytest's own report too: a staged file
    named with a newline must not forge a line of the output (issue 16 #13)."""
    report = yield
    if isinstance(report.longrepr, str) and item.get_closest_marker(MARKER):
        from ..reporters.base import printable

        report.longrepr = printable(report.longrepr)
    return report


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

    def results(self) -> list[CheckOutcome]:
        """One outcome per host and check, sorted by host (checks in run order); a host that could not be
        looked at is one host-reachable outcome, not one failure per check with the same reason."""
        from .catalogue import HOST_REACHABLE

        run = self.config.stash.get(_RUN, None)
        unreachable = run.unreachable if run else {}
        results = []
        for host in sorted({outcome.host for outcome in self.outcomes.values()}):
            if host in unreachable:
                results.append(CheckOutcome(host, HOST_REACHABLE, "ERROR", unreachable[host]))
            results += [outcome for outcome in self.outcomes.values()
                        if outcome.host == host and not (host in unreachable and outcome.message == unreachable[host])]
        return results

    def pytest_terminal_summary(self, terminalreporter) -> None:
        owned = any(getattr(plugin, REPORT_OWNER, False) is True
                    for _, plugin in self.config.pluginmanager.list_name_plugin())
        if not self.outcomes or owned:
            return
        terminalreporter.write_sep("=", "Glance host verification")
        for line in table(self.results()):
            terminalreporter.write_line(line)


def reporter(config: pytest.Config) -> _Reporter:
    """The session's collector of outcomes."""
    return config.pluginmanager.get_plugin("xdeploy-glance-verify-reporter")


def table(results: list[CheckOutcome]) -> list[str]:
    """One line per host and check: host, outcome, check id, reason (control characters escaped)."""
    from ..reporters.base import printable

    if not results:
        return []
    hosts = [printable(result.host) for result in results]
    host_width = max(map(len, hosts))
    check_width = max(len(result.check) for result in results)
    return [f"{host:<{host_width}}  {result.outcome:<7}  {result.check:<{check_width}}  {result.detail}".rstrip()
            for host, result in zip(hosts, results)]


def _failure_message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash is not None else str(report.longrepr)
    return message.removeprefix("Failed: ")  # pytest.fail()'s own label adds nothing
