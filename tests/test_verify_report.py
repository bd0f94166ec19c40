"""verify's report for operators and CI (issue 14 #9, issue 16 #13 #14): text, JSON, JUnit, usage errors.

The CLI runs here against a host nothing listens for (no root, no deployment needed); the report
functions are checked directly for what needs a deployed host to provoke.
"""
from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support.verify_run import run_verify, unreachable_inventory
from xdeploy_glance.verify import report
from xdeploy_glance.verify.catalogue import check_docs
from xdeploy_glance.verify.plugin import CheckOutcome, pytest_runtest_makereport, table

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "globals.yml"
CHECKS = ("import-conf-in-config-json", "import-options-deployed", "container-runs-current-config", "no-config-overrides",
          "staging-directory",
          "staging-not-world-readable", "staging-free-space", "staging-rotational-policy", "staging-shared",
          "staging-leftovers")


@pytest.fixture
def unreachable(tmp_path) -> tuple[Path, int]:
    """An inventory whose one glance-api host, down1, refuses ssh; (inventory, port)."""
    return unreachable_inventory(tmp_path)


def test_default_output_is_the_table_and_a_summary_without_pytest(tmp_path, unreachable):
    """Issue 14 #9: verify printed pytest's banner, `collected N items`, tracebacks, a warnings summary and each
    message twice; now one line per host and check and a summary, nothing on stderr."""
    inventory, port = unreachable

    run = run_verify(tmp_path, EXAMPLE, inventory)

    assert run.returncode == 1, run.describe()
    assert run.stderr == ""
    reason = f"cannot reach down1: ssh: connect to host 127.0.0.1 port {port}: Connection refused"
    assert run.stdout.splitlines() == [
        "=========================== Glance host verification ===========================",
        f"down1  ERROR    host-reachable  {reason}",
        "=============== 1 error, 1 host(s) not reachable: down1 (1 host) ===============",
    ]


def test_verbose_adds_pytests_detail_on_stderr(tmp_path, unreachable):
    """Issue 14 #9: pytest's detail only with -v (on stderr, so --format json stays parseable)."""
    inventory, _ = unreachable

    run = run_verify(tmp_path, EXAMPLE, inventory, "-v", "--format", "json")

    assert run.returncode == 1, run.describe()
    assert "test session starts" in run.stderr and "ERROR at setup of" in run.stderr
    assert json.loads(run.stdout)["summary"]["unreachable"] == ["down1"]


def test_json_report_is_the_documented_contract(tmp_path, unreachable):
    """Issue 14 #9: --format json, a list of {host, check, status, message} and a summary (README's contract)."""
    inventory, port = unreachable

    run = run_verify(tmp_path, EXAMPLE, inventory, "--format", "json")

    assert run.returncode == 1, run.describe()
    assert json.loads(run.stdout) == {
        "results": [{"host": "down1", "check": "host-reachable", "status": "error",
                     "message": f"cannot reach down1: ssh: connect to host 127.0.0.1 port {port}: Connection refused"}],
        "summary": {"passed": 0, "failed": 0, "error": 1, "skipped": 0, "hosts": 1, "unreachable": ["down1"]}}


def test_junit_report_names_cases_by_host_and_check(tmp_path, unreachable):
    """Issue 14 #9: --format junit -o FILE, test cases named by check id (name) and host (classname)."""
    inventory, _ = unreachable
    output = tmp_path / "verify.xml"

    run = run_verify(tmp_path, EXAMPLE, inventory, "--format", "junit", "-o", str(output))

    assert run.returncode == 1 and run.stdout == "", run.describe()
    root = ElementTree.parse(output).getroot()
    assert (root.tag, root.get("tests"), root.get("errors"), root.get("failures")) == ("testsuites", "1", "1", "0")
    case = root.find("testsuite/testcase")
    assert (case.get("classname"), case.get("name")) == ("down1", "host-reachable")
    assert case.find("error").get("type") == "host-reachable"


@pytest.mark.parametrize("where, message", [
    ("missing/verify.xml", "no such directory {tmp}/missing"),
    ("afile/verify.xml", "no such directory {tmp}/afile"),
    ("adir", "is a directory"),
])
def test_a_report_path_that_cannot_be_written_is_a_usage_error(tmp_path, unreachable, where, message):
    """Issue 16 #14: --junitxml to a missing directory was a pytest traceback after checking every host; now
    exit 2 and one line, before any host is looked at."""
    inventory, _ = unreachable
    (tmp_path / "afile").write_text("")
    (tmp_path / "adir").mkdir()

    for option in ("--junitxml", "--output"):
        run = run_verify(tmp_path, EXAMPLE, inventory, option, str(tmp_path / where))

        assert run.returncode == 2, run.describe()
        assert run.stdout == ""
        assert run.stderr == (f"xdeploy-glance verify: error: {option} {tmp_path / where}: "
                              f"{message.format(tmp=tmp_path)}\n")


def test_control_characters_cannot_forge_a_line():
    """Issue 16 #13: a staged file named 'x\\nlocalhost  passed ...' forged a passing line in the leftovers
    report; hosts, checks and messages are shown escaped in text and JUnit, JSON escapes by itself."""
    forged = "1 file(s) ...: x\nlocalhost  passed   staging-directory\x1b[0m (2.0 KiB, 48.0 h old)"
    results = [CheckOutcome("localhost", "staging-leftovers", "FAILED", forged),
               CheckOutcome("localhost", "staging-shared", "passed", warning="tmpfs\r\x1b[2K")]

    text = report.text(results)
    assert len(text.splitlines()) == 4
    assert "\\nlocalhost  passed   staging-directory\\x1b[0m" in text and "\x1b" not in text
    assert "warning: tmpfs\\r\\x1b[2K" in text
    xml = report.junit(results)
    assert "\x1b" not in xml and "\\x1b" in xml and "\\n" in xml
    ElementTree.fromstring(xml)  # well-formed: no raw control characters
    assert json.loads(report.as_json(results))["results"][0]["message"] == forged
    assert table(results)[0].count("\n") == 0


def test_pytests_own_report_of_a_check_is_escaped_too():
    """Issue 16 #13, with -v or under plain pytest: the reason pytest prints for a check is escaped."""
    class Item:
        def get_closest_marker(self, name):
            return name == "glance_verify"

    class Report:
        longrepr = "x\nlocalhost  passed"

    hook = pytest_runtest_makereport.__wrapped__(Item(), None) if hasattr(pytest_runtest_makereport, "__wrapped__") \
        else pytest_runtest_makereport(Item(), None)
    next(hook)
    with pytest.raises(StopIteration) as done:
        hook.send(Report())
    assert done.value.value.longrepr == "x\\nlocalhost  passed"


def test_explain_documents_every_verify_check(capsys):
    """Issue 14 #9: `explain` knew no verify check; every check id has its docstring there and in the reference."""
    from xdeploy_glance.cli import main
    from xdeploy_glance.docs import reference_markdown

    assert set(CHECKS) | {"host-reachable"} == set(check_docs())
    for check in CHECKS:
        assert main(["explain", check]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"{check} (verify check)\n\n{check_docs()[check].doc}\n")
        assert f"### {check}\n" in reference_markdown()
    assert main(["explain"]) == 0
    listing = capsys.readouterr().out
    assert all(check in listing for check in CHECKS)


def test_one_root_hook_skips_root_tests_with_their_reason(monkeypatch):
    """Issue 14 #11: eight test files repeated `skipif(os.geteuid() != 0)`; now one hook in tests/conftest.py
    skips tests marked `root` when not root, with the marker's reason."""
    from tests import conftest

    class Item:
        def __init__(self, marker):
            self.marker, self.added = marker, []

        def get_closest_marker(self, name):
            return self.marker if name == "root" else None

        def add_marker(self, marker):
            self.added.append(marker)

    marked, plain, bare = Item(pytest.mark.root(reason="mounts a tmpfs").mark), Item(None), Item(pytest.mark.root.mark)
    monkeypatch.setattr(conftest.os, "geteuid", lambda: 1000)
    conftest.pytest_collection_modifyitems(None, [marked, plain, bare])

    def skips(item):
        return [m.kwargs["reason"] for m in item.added if getattr(m, "name", None) == "skip"]

    assert skips(marked) == ["not root: mounts a tmpfs"]
    assert skips(plain) == [] and skips(bare) == [f"not root: {conftest.ROOT_REASON}"]
    assert {getattr(m, "name", None) for m in marked.added} == {"skip", "slow"}  # root tests are slow ones
    monkeypatch.setattr(conftest.os, "geteuid", lambda: 0)
    conftest.pytest_collection_modifyitems(None, [Item(pytest.mark.root.mark)])
    copies = [path for path in (REPO / "tests").rglob("test_*.py")
              if "os.geteuid() != 0" in path.read_text() and path.name != Path(__file__).name]
    assert copies == []
