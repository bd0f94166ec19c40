"""The command line: exit codes, formats, help."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest

from xdeploy_glance.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "globals.yml"
BAD = REPO / "tests" / "cases" / "negative" / "import-method-unknown" / "globals.yml"
WARN_ONLY = REPO / "tests" / "cases" / "negative" / "staging-volatile" / "globals.yml"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_example_validates_clean(capsys):
    code, out, _ = run(capsys, "validate", "-c", str(EXAMPLE))
    assert code == 0
    assert out == "1 file checked: 0 errors, 0 warnings, 0 infos\n"


def test_errors_exit_1_with_file_line_column_rule_and_hint(capsys):
    code, out, _ = run(capsys, "validate", "-c", str(BAD))
    assert code == 1
    first, hint = out.splitlines()[:2]
    assert first == (f"{BAD}:1:32: error [import-method-unknown] glance_enabled_import_methods: "
                     "unknown import method 'web-dowload'; did you mean 'web-download'?")
    assert hint.startswith("  hint: Glance knows glance-direct")


def test_warnings_pass_unless_strict(capsys):
    assert run(capsys, "validate", "-c", str(WARN_ONLY))[0] == 0
    assert run(capsys, "validate", "-c", str(WARN_ONLY), "--strict")[0] == 1


def test_later_globals_file_wins(tmp_path, capsys):
    first = tmp_path / "a.yml"
    first.write_text('glance_enabled_import_methods: "web-dowload"\n')
    second = tmp_path / "b.yml"
    second.write_text('glance_enabled_import_methods: "web-download"\n')
    assert run(capsys, "validate", "-c", str(first), "-c", str(second))[0] == 0
    assert run(capsys, "validate", "-c", str(second), "-c", str(first))[0] == 1


def test_a_directory_is_read_in_sorted_order_like_globals_d(tmp_path, capsys):
    (tmp_path / "20-fix.yml").write_text('glance_enabled_import_methods: "web-download"\n')
    (tmp_path / "10-bad.yaml").write_text('glance_enabled_import_methods: "web-dowload"\n')
    (tmp_path / "notes.txt").write_text("not yaml: [")
    code, out, _ = run(capsys, "validate", "-c", str(tmp_path))
    assert code == 0 and out.startswith("2 files checked")


@pytest.mark.parametrize("argv, message", [
    (["validate", "-c", "/nonexistent/globals.yml"], "no such file or directory"),
    (["validate", "-c", "."], "no globals files found in "),
    (["explain", "no-such-rule"], "no rule 'no-such-rule'"),
])
def test_usage_errors_exit_2_without_traceback(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)  # an empty directory: no globals files in it
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err
    assert message in err


def test_missing_globals_exits_2(capsys, kolla_config_dir):
    code, _, err = run(capsys, "validate")
    assert code == 2 and f"{kolla_config_dir / 'globals.yml'}: no such file (the default; give another with -c" in err


def test_positional_files_are_checked_on_their_own_besides_the_c_files(capsys):
    assert run(capsys, "validate", "-c", str(EXAMPLE), str(BAD))[0] == 1
    assert run(capsys, "validate", "-c", str(BAD), str(EXAMPLE))[0] == 1


def test_validate_help_explains_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    out = capsys.readouterr().out
    for option in ("--globals", "--inventory", "--format", "--output", "--strict", "Exit status"):
        assert option in out


def test_json_contract(capsys):
    code, out, _ = run(capsys, "validate", "-c", str(BAD), "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["summary"] == {"error": 1, "warning": 0, "info": 0, "suppressed": 0, "files": [str(BAD)]}
    finding = document["findings"][0]
    assert {k: finding[k] for k in ("rule", "severity", "variable", "file", "line", "column")} == {
        "rule": "import-method-unknown", "severity": "error", "variable": "glance_enabled_import_methods",
        "file": str(BAD), "line": 1, "column": 32}


def test_sarif_validates_against_the_official_schema(capsys):
    schema = json.loads((REPO / "tests" / "fixtures" / "sarif-2.1.0.json").read_text())
    many = REPO / "tests" / "cases" / "negative" / "schema-types" / "globals.yml"
    _, out, _ = run(capsys, "validate", "-c", str(many), "-c", str(WARN_ONLY), "--format", "sarif")
    document = json.loads(out)
    jsonschema.Draft7Validator(schema).validate(document)
    results = document["runs"][0]["results"]  # more checks of the SARIF in test_reporters_ci.py
    assert {r["ruleId"] for r in results} == {"schema", "staging-volatile"}
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_junit_is_xml_with_a_suite_per_file_and_a_failure_per_error(capsys, tmp_path):
    report = tmp_path / "report.xml"
    code, out, _ = run(capsys, "validate", "-c", str(EXAMPLE), "-c", str(BAD), "-f", "junit", "-o", str(report))
    assert code == 1 and out == ""
    suites = {suite.get("name"): suite for suite in ElementTree.parse(report).getroot().iter("testsuite")}
    assert set(suites) == {str(BAD), str(EXAMPLE)}
    assert suites[str(BAD)].find("testcase/failure").get("type") == "import-method-unknown"
    assert suites[str(EXAMPLE)].find("testcase/failure") is None
    assert [suites[name].get("failures") for name in (str(BAD), str(EXAMPLE))] == ["1", "0"]


def test_a_report_file_gets_the_mode_a_plain_write_would_give(capsys, tmp_path):
    existing, new = tmp_path / "existing.json", tmp_path / "new.json"
    existing.write_text("{}")
    existing.chmod(0o644)
    umask = os.umask(0o027)
    try:
        for report in (existing, new):
            run(capsys, "validate", "-c", str(EXAMPLE), "-f", "json", "-o", str(report))
    finally:
        os.umask(umask)

    assert stat.S_IMODE(existing.stat().st_mode) == 0o644  # kept, as `>` would keep it
    assert stat.S_IMODE(new.stat().st_mode) == 0o640  # 0666 less the umask, not mkstemp's 0600
    assert json.loads(new.read_text())["summary"]["error"] == 0


def test_github_annotations(capsys):
    _, out, _ = run(capsys, "validate", "-c", str(BAD), "-f", "github")
    assert out.startswith(f"::error file={BAD},line=1,col=32,title=import-method-unknown::unknown import method")


def test_explain_prints_the_rule_docstring(capsys):
    code, out, _ = run(capsys, "explain", "staging-uri-form")
    assert code == 0
    assert out.startswith("staging-uri-form (error)\n\nglance_staging_store_uri must be `file://`")


def test_explain_lists_every_rule_then_every_verify_check(capsys):
    from xdeploy_glance.catalogue import finding_docs
    from xdeploy_glance.verify.catalogue import check_docs

    _, out, _ = run(capsys, "explain")
    findings, _, checks = out.partition("\n\nverify checks:\n")
    assert [line.split()[0] for line in findings.splitlines()] == sorted(finding_docs())
    assert {line.split()[0] for line in checks.splitlines()} == set(check_docs())


def test_schema_command_prints_the_schema(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0 and json.loads(out)["properties"]["glance_enabled_import_methods"]["default"]


def test_inventory_enables_multi_host_rules(capsys):
    case = REPO / "tests" / "cases" / "negative" / "multi-node-staging"
    code, out, _ = run(capsys, "validate", "-c", str(case / "globals.yml"), "-i", str(case / "inventory.ini"))
    assert code == 0  # a warning
    # the finding points at the variable that decides it: glance_file_datadir_volume makes every host run glance-api
    assert f"{case / 'globals.yml'}:2:29: warning [multi-node-staging]" in out


def test_module_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "xdeploy_glance", "validate", "-c", str(EXAMPLE)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
