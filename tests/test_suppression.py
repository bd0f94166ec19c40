"""Accepting a finding: --skip, per-rule levels in .xdeploy-glance.yml, inline comments (issue 14, problem 8)."""
from __future__ import annotations

import json

import pytest

from tests.support.cases import expected_findings
from xdeploy_glance.cli import main

LAB = """\
glance_staging_store_uri: "file:///tmp/staging/"  # expect: staging-volatile
glance_enable_import_methods: "web-download"  # expect: variable-misspelled
glance_extra_volumes: ["/tmp/staging:/tmp/staging"]  # the host's /tmp/staging, bind-mounted into glance_api
"""


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lab(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "globals.yml"
    path.write_text(LAB)
    return path


def _json(capsys, *argv):
    code, out, _ = run(capsys, "validate", "-f", "json", *argv)
    document = json.loads(out)
    return code, {(f["line"], f["rule"]): f["suppressed"] for f in document["findings"]}, document["summary"]


def test_without_suppression_strict_fails_on_the_expected_warnings(lab, capsys):
    code, found, _ = _json(capsys, "-c", str(lab), "--strict")
    assert code == 1
    assert set(found) == {(e.line, e.rule) for e in expected_findings(lab)}
    assert not any(found.values())


def test_skip_accepts_a_warning_under_strict(lab, capsys):
    """Issue 14, problem 8: --strict with one accepted warning (staging-volatile on a lab)."""
    code, found, summary = _json(capsys, "-c", str(lab), "--strict", "--skip", "staging-volatile",
                                 "--skip", "variable-misspelled")
    assert code == 0
    assert found == {(1, "staging-volatile"): True, (2, "variable-misspelled"): True}
    assert summary["warning"] == 0 and summary["suppressed"] == 2


def test_config_file_levels(lab, capsys):
    """Issue 14, problem 8: .xdeploy-glance.yml in the current directory sets per-rule levels."""
    (lab.parent / ".xdeploy-glance.yml").write_text("rules:\n  staging-volatile: disable\n"
                                                    "  variable-misspelled: error\n")
    code, found, summary = _json(capsys, "-c", str(lab))
    assert code == 1  # the misspelling is now an error
    assert found == {(1, "staging-volatile"): True, (2, "variable-misspelled"): False}
    assert (summary["error"], summary["warning"]) == (1, 0)
    other = lab.parent / "lab.yml"
    other.write_text("rules:\n  staging-volatile: info\n  variable-misspelled: disable\n")
    code, _, summary = _json(capsys, "-c", str(lab), "--config", str(other), "--strict")
    assert (code, summary["info"], summary["suppressed"]) == (0, 1, 1)


def test_inline_comment_on_the_variables_line(lab, capsys):
    """Issue 14, problem 8: `# xdeploy-glance: disable=RULE` accepts that finding on that line only."""
    lab.write_text(LAB.replace("# expect: staging-volatile", "# xdeploy-glance: disable=staging-volatile,plugin-order"))
    code, found, _ = _json(capsys, "-c", str(lab), "--strict")
    assert code == 1
    assert found == {(1, "staging-volatile"): True, (2, "variable-misspelled"): False}
    code, out, _ = run(capsys, "validate", "-c", str(lab))
    assert "staging-volatile" not in out and "1 suppressed" in out


def test_inline_comment_on_the_key_of_a_block_value(tmp_path, capsys):
    path = tmp_path / "globals.yml"
    path.write_text("glance_enabled_import_methods:  # xdeploy-glance: disable=import-method-unknown\n"
                    "  - web-dowload\n")
    assert _json(capsys, "-c", str(path))[:2] == (0, {(2, "import-method-unknown"): True})


@pytest.mark.parametrize("argv, config, message", [
    (["--skip", "staging-volatil"], None, "unknown rule 'staging-volatil'; did you mean 'staging-volatile'?"),
    ([], "rules:\n  staging-volatile: skip\n", "staging-volatile: level 'skip' is not one of"),
    ([], "rules: [staging-volatile]\n", "rules must be a mapping"),
    (["--config", "nowhere.yml"], None, "nowhere.yml: no such file or directory"),
])
def test_bad_suppression_is_a_usage_error(lab, capsys, argv, config, message):
    if config is not None:
        (lab.parent / ".xdeploy-glance.yml").write_text(config)
    code, _, err = run(capsys, "validate", "-c", str(lab), *argv)
    assert code == 2 and message in err


def test_explain_documents_suppression(capsys):
    code, out, _ = run(capsys, "explain", "staging-volatile")
    assert code == 0
    for words in ("--skip staging-volatile", ".xdeploy-glance.yml", "# xdeploy-glance: disable=staging-volatile"):
        assert words in out
