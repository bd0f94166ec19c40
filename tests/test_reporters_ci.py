"""CI report formats that CI systems read correctly (issue 14, problems 6 and 7) and output safety."""
from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
import xmlschema

from xdeploy_glance.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SARIF_SCHEMA = json.loads((FIXTURES / "sarif-2.1.0.json").read_text())
JUNIT_SCHEMA = xmlschema.XMLSchema10(FIXTURES / "junit-10.xsd")
THREE_ERRORS = """\
glance_enabled_import_methods: "web-dowload,glance-dirct"  # expect: import-method-unknown; import-method-unknown
glance_image_import_plugins: "image_conversoin"  # expect: import-plugin-unknown
"""
# Staging on the host's /tmp, bind-mounted into glance_api: on a volume, but volatile.
ONE_WARNING = ('glance_staging_store_uri: "file:///tmp/staging/"  # expect: staging-volatile\n'
               'glance_extra_volumes: ["/tmp/staging:/tmp/staging"]\n')
ESCAPED = ('glance_staging_store_uri: "file:///tmp/a\\e[31m\\0b"  # expect: staging-volatile\n'
           'glance_extra_volumes: ["/tmp:/tmp"]\n')


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in (("errors.yml", THREE_ERRORS), ("warning.yml", ONE_WARNING), ("escaped.yml", ESCAPED)):
        (tmp_path / name).write_text(text)
    return tmp_path


def _junit(text: str) -> ElementTree.Element:
    JUNIT_SCHEMA.validate(text)
    return ElementTree.fromstring(text)


def _failures(root: ElementTree.Element) -> int:
    return sum(1 for case in root.iter("testcase") if case.find("failure") is not None)


def test_junit_counts_one_failure_per_error(files, capsys):
    """Issue 14, problem 6: three errors are three failures, and `failures` says so."""
    code, out, _ = run(capsys, "validate", "-c", "errors.yml", "-f", "junit")
    root = _junit(out)
    assert code == 1
    assert _failures(root) == 3
    assert root.get("failures") == root.find("testsuite").get("failures") == "3"


def test_junit_fails_warnings_under_strict(files, capsys):
    """Issue 14, problem 6: a red --strict job has a red test report."""
    code, out, _ = run(capsys, "validate", "-c", "warning.yml", "-f", "junit")
    assert (code, _failures(_junit(out))) == (0, 0)
    code, out, _ = run(capsys, "validate", "-c", "warning.yml", "-f", "junit", "--strict")
    root = _junit(out)
    assert (code, _failures(root), root.get("failures")) == (1, 1, "1")


def test_junit_names_a_testcase_per_finding_and_passes_a_clean_file(files, capsys):
    code, out, _ = run(capsys, "validate", "errors.yml", str(REPO / "examples" / "globals.yml"), "-f", "junit")
    root = _junit(out)
    names = sorted(case.get("name") for case in root.iter("testcase") if case.get("classname") == "errors.yml")
    assert names[0] == "import-method-unknown glance_enabled_import_methods (line 1)"
    assert str(REPO / "examples" / "globals.yml") in [case.get("classname") for case in root.iter("testcase")]
    assert root.get("tests") == "4"


def _sarif(out: str) -> dict:
    document = json.loads(out)
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(document)
    return document["runs"][0]


def test_sarif_uris_are_relative_to_the_base_dir(files, capsys):
    """Issue 14, problem 7: an absolute -c path becomes a URI below %SRCROOT%, not /tmp/..."""
    _, out, _ = run(capsys, "validate", "-c", str(files / "errors.yml"), "-f", "sarif")
    sarif = _sarif(out)
    location = sarif["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "errors.yml", "uriBaseId": "SRCROOT"}
    assert sarif["originalUriBaseIds"]["SRCROOT"]["uri"] == files.as_uri() + "/"
    _, out, _ = run(capsys, "validate", "-c", str(files / "errors.yml"), "-f", "sarif", "--base-dir", "/")
    assert _sarif(out)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        str(files / "errors.yml").lstrip("/")


def test_sarif_has_fingerprints_help_and_no_made_up_uri(files, capsys):
    """Issue 14, problem 7: partialFingerprints, rule help text, no invented informationUri."""
    _, out, _ = run(capsys, "validate", "-c", "errors.yml", "-f", "sarif")
    sarif = _sarif(out)
    fingerprints = [result["partialFingerprints"] for result in sarif["results"]]
    assert len({json.dumps(f, sort_keys=True) for f in fingerprints}) == 3
    driver = sarif["tool"]["driver"]
    assert "informationUri" not in driver and "xdeploy.invalid" not in out
    for rule in driver["rules"]:
        assert rule["help"]["text"].startswith(rule["shortDescription"]["text"])
        assert "helpUri" not in rule  # the package metadata names no documentation URL
    # Moving a finding to another line keeps its fingerprint: code scanning tracks it, not a new alert.
    (files / "errors.yml").write_text("\n" + THREE_ERRORS)
    _, out, _ = run(capsys, "validate", "-c", "errors.yml", "-f", "sarif")
    assert [result["partialFingerprints"] for result in _sarif(out)["results"]] == fingerprints


@pytest.mark.parametrize("output_format", ["sarif", "junit", "json"])
def test_a_report_is_written_even_when_the_input_is_missing(files, capsys, output_format):
    """Issue 14, problem 7: `-o x.sarif` with a missing -c file still writes a report with the error."""
    report = files / f"report.{output_format}"
    code, _, err = run(capsys, "validate", "-c", "missing.yml", "-f", output_format, "-o", str(report))
    assert code == 2 and "missing.yml: no such file or directory" in err
    text = report.read_text()
    if output_format == "sarif":
        invocation = _sarif(text)["invocations"][0]
        assert invocation["executionSuccessful"] is False
        assert "missing.yml" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    elif output_format == "junit":
        assert "missing.yml" in _junit(text).find(".//error").get("message")
    else:
        assert "missing.yml" in json.loads(text)["errors"][0]


def test_sarif_reporter_imports_no_rule_module():
    source = (REPO / "xdeploy_glance" / "reporters" / "sarif.py").read_text()
    assert "rules" not in [word.strip(".") for line in source.splitlines() if "import" in line
                           for word in line.split()]


@pytest.mark.parametrize("output_format", ["text", "github", "junit"])
def test_control_characters_never_reach_the_output_raw(files, capsys, output_format):
    """An escape sequence or a NUL in a value is shown escaped: no terminal control, valid XML."""
    _, out, _ = run(capsys, "validate", "-c", "escaped.yml", "-f", output_format)
    assert "\x1b" not in out and "\x00" not in out
    assert "\\x1b[31m\\x00b" in (out if output_format != "junit" else "".join(_junit(out).itertext()))
