"""kolla's default paths and pre-commit's file-by-file validation (issue 14, problems 1, 2 and 5)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from xdeploy_glance.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "globals.yml"
CLEAN = 'glance_enabled_import_methods: "web-download"\n'
TYPO = 'glance_enable_import_methods: "web-download"  # expect: variable-misspelled\n'


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def configdir(tmp_path, monkeypatch):
    """A kolla config directory that XDEPLOY_CONFIG_DIR points at, with a clean globals.yml."""
    directory = tmp_path / "kolla"
    directory.mkdir()
    (directory / "globals.yml").write_text(CLEAN)
    monkeypatch.setenv("XDEPLOY_CONFIG_DIR", str(directory))
    monkeypatch.chdir(tmp_path)
    return directory


def test_validate_without_c_reads_kollas_globals_and_globals_d(configdir, capsys):
    """Issue 14, problem 1: no -c means <configdir>/globals.yml plus globals.d/*.yml, *.yaml."""
    assert run(capsys, "validate")[:2] == (0, "1 file checked: 0 errors, 0 warnings, 0 infos\n")
    (configdir / "globals.d").mkdir()
    (configdir / "globals.d" / "10-glance.yaml").write_text(TYPO)
    code, out, _ = run(capsys, "validate", "-f", "json")
    document = json.loads(out)
    assert document["summary"]["files"] == [str(configdir / "globals.yml"),
                                            str(configdir / "globals.d" / "10-glance.yaml")]
    assert [(f["rule"], f["line"]) for f in document["findings"]] == [("variable-misspelled", 1)]
    assert code == 0


def test_the_helps_own_example_passes_without_a_globals_d(tmp_path, capsys):
    """Issue 14, problem 1: `-c globals.yml -c globals.d` is fine when globals.d does not exist."""
    (tmp_path / "globals.yml").write_text(CLEAN)
    code, out, err = run(capsys, "validate", "-c", str(tmp_path / "globals.yml"), "-c", str(tmp_path / "globals.d"))
    assert (code, err) == (0, "")
    assert out.startswith("1 file checked")


def test_configdir_option_moves_the_defaults(tmp_path, capsys, monkeypatch):
    """Issue 14, problem 1: kolla's --configdir moves the defaults, as XDEPLOY_CONFIG_DIR does."""
    monkeypatch.delenv("XDEPLOY_CONFIG_DIR", raising=False)
    (tmp_path / "globals.yml").write_text(TYPO)
    code, out, _ = run(capsys, "validate", "--configdir", str(tmp_path))
    assert code == 0 and f"{tmp_path / 'globals.yml'}:1:1: warning [variable-misspelled]" in out


@pytest.mark.parametrize("argv, missing", [
    (["validate"], "globals.yml"),
    (["render", "-o", "out"], "globals.yml"),
    (["render", "--standalone", "-c", "globals.yml", "-o", "out"], "passwords.yml"),
])
def test_a_missing_default_file_is_a_usage_error_that_names_it(tmp_path, capsys, monkeypatch, argv, missing):
    """Issue 14, problem 1: the error names the default file and says how to give another."""
    monkeypatch.setenv("XDEPLOY_CONFIG_DIR", str(tmp_path / "kolla"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "globals.yml").write_text(CLEAN)
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert f"{tmp_path / 'kolla' / missing}" in err and "Traceback" not in err


def test_validate_help_teaches_the_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    out = capsys.readouterr().out
    for words in ("/etc/kolla/globals.yml", "globals.d", "XDEPLOY_CONFIG_DIR", "--configdir", "pre-commit"):
        assert words in out


# A standalone glance-api cannot start without these (render-value-missing, render-secret-missing are errors).
CONNECTION = "glance_database_address: db.example:3306\nkeystone_internal_url: http://keystone.example:5000\n"


def _override_fixture(configdir: Path, custom: Path) -> None:
    (custom / "glance").mkdir(parents=True)
    (custom / "glance" / "glance-api.conf").write_text("[DEFAULT]\nworkers = 7\n")
    (configdir / "passwords.yml").write_text("glance_database_password: secret\nglance_keystone_password: ks\n")
    (configdir / "globals.yml").write_text(CLEAN + CONNECTION)


def test_render_reads_overrides_from_node_custom_config_in_the_globals(configdir, tmp_path, capsys):
    """Issue 14, problem 2: render merges the overrides the play merges, without --overrides."""
    custom = tmp_path / "custom"
    _override_fixture(configdir, custom)
    (configdir / "globals.yml").write_text(CLEAN + CONNECTION + f"node_custom_config: {custom}\n")
    code, _, err = run(capsys, "render", "--standalone", "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert "workers = 7" in (tmp_path / "out" / "glance-api.conf").read_text()


def test_render_defaults_overrides_to_the_config_directory_below_configdir(configdir, tmp_path, capsys):
    """Issue 14, problem 2: without node_custom_config, overrides come from <configdir>/config."""
    _override_fixture(configdir, configdir / "config")
    code, _, err = run(capsys, "render", "--standalone", "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert "workers = 7" in (tmp_path / "out" / "glance-api.conf").read_text()


def test_positional_files_are_validated_one_by_one_as_pre_commit_passes_them(tmp_path, capsys):
    """Issue 14, problem 5: prod's typo is reported whatever the argument order; stage stays clean."""
    prod, stage = tmp_path / "prod" / "globals.yml", tmp_path / "stage" / "globals.yml"
    for path, text in ((prod, 'glance_enabled_import_methods: "web-dowload"\n'), (stage, CLEAN)):
        path.parent.mkdir()
        path.write_text(text)
    for order in ((prod, stage), (stage, prod)):
        code, out, _ = run(capsys, "validate", "-f", "json", *map(str, order))
        document = json.loads(out)
        assert code == 1
        assert [(f["file"], f["rule"]) for f in document["findings"]] == [(str(prod), "import-method-unknown")]
        assert sorted(document["summary"]["files"]) == sorted([str(prod), str(stage)])


def test_layering_happens_only_with_repeated_c(tmp_path, capsys):
    first, second = tmp_path / "a.yml", tmp_path / "b.yml"
    first.write_text('glance_enabled_import_methods: "web-dowload"\n')
    second.write_text(CLEAN)
    assert run(capsys, "validate", "-c", str(first), "-c", str(second))[0] == 0
    assert run(capsys, "validate", str(first), str(second))[0] == 1


def test_pre_commit_hook_is_documented_with_a_config_example():
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    readme = (REPO / "README.md").read_text()
    for text in (hooks, readme):
        assert "rev: v0.2.0" in text and "id: xdeploy-glance-validate" in text
