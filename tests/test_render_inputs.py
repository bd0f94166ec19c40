"""`render` writes what the plugin feeds kolla's glance role, and judges the operator's overrides of it."""
from __future__ import annotations

from pathlib import Path

import pytest

from xdeploy_glance import ini
from xdeploy_glance.cli import main

GLOBALS = 'glance_enabled_import_methods: "web-download,glance-direct"\nglance_image_import_plugins: "image_conversion"\n'
OWNED_API_SECTIONS = ["DEFAULT", "os_glance_staging_store", "import_filtering_opts", "wsgi"]


def render(tmp_path: Path, capsys, overrides: dict[str, str] | None = None, *extra: str):
    (tmp_path / "globals.yml").write_text(GLOBALS)
    config = tmp_path / "config"
    for name, text in (overrides or {}).items():
        (config / name).parent.mkdir(parents=True, exist_ok=True)
        (config / name).write_text(text)
    config.mkdir(exist_ok=True)
    code = main(["render", "-c", str(tmp_path / "globals.yml"), "--overrides", str(config), "-o",
                 str(tmp_path / "out"), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_only_the_owned_options_go_to_kolla_s_inputs(tmp_path, capsys):
    code, out, err = render(tmp_path, capsys)

    assert code == 0, err
    api = ini.parse((tmp_path / "out" / "xdeploy-glance" / "glance-api.conf").read_text())
    assert list(api.sections) == OWNED_API_SECTIONS
    assert api.get("DEFAULT", "enabled_import_methods").value == "[web-download,glance-direct]"
    assert api.get("DEFAULT", "transport_url") is None and "database" not in api.sections  # kolla's, never ours
    image_import = ini.parse((tmp_path / "out" / "xdeploy-glance" / "glance-image-import.conf").read_text())
    assert image_import.get("image_import_opts", "image_import_plugins").value == "[image_conversion]"
    assert not list(tmp_path.glob("out/*.conf"))  # no whole glance-api.conf without --standalone


@pytest.mark.parametrize("override, expected", [
    # an owned option set by the operator is judged like the global, at the override's line
    ("[DEFAULT]\ndebug = True\nenabled_import_methods = [web-download,copy-imag]\n",
     ("import-method-unknown", "glance/glance-api.conf:3")),
    # without brackets oslo.config refuses it; glance-api starts, then every image create fails
    ("[DEFAULT]\nenabled_import_methods = web-download\n", ("override-list-unbracketed", "glance/glance-api.conf:2")),
    ("[import_filtering_opts]\nallowed_ports = [80,70000]\n", ("port-range", "glance/glance-api.conf:2")),
])
def test_an_override_of_an_owned_option_is_validated(tmp_path, capsys, override, expected):
    code, _, err = render(tmp_path, capsys, {"glance/glance-api.conf": override})

    rule, where = expected
    assert code == 1
    assert f"{where}:0: error [{rule}]" in err
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_valid_override_of_an_owned_option_passes_and_kolla_s_options_are_not_judged(tmp_path, capsys):
    code, _, err = render(tmp_path, capsys, {"glance/glance-api.conf": "[DEFAULT]\nenabled_import_methods = "
                                             "[glance-direct]\ntransport_url = rabbit://x\n"})

    assert code == 0, err
    assert "0 errors, 0 warnings" in err and ": error [" not in err


def test_an_operator_setting_that_glance_image_import_conf_overrides_is_reported_on_the_operator_s_line(
        tmp_path, capsys):
    code, _, err = render(tmp_path, capsys, {"glance/glance-api.conf": "[image_import_opts]\n"
                                                                      "image_import_plugins = [image_decompression]\n"})

    assert code == 0, err
    # kolla puts glance-image-import.conf in glance.conf.d, read after glance-api.conf: the operator's value never
    # applies, since the globals set glance_image_import_plugins
    assert "glance/glance-api.conf:2:0: warning [override-both-files] [image_import_opts] image_import_plugins" in err
    assert "(xdeploy-glance):" not in err.split("[override-both-files]")[0].splitlines()[-1]


def test_the_plugin_s_own_files_are_never_blamed(tmp_path, capsys):
    code, _, err = render(tmp_path, capsys, {"glance/glance-image-import.conf": "[image_conversion]\noutput_format = raw\n"})

    assert code == 0, err
    assert "xdeploy-glance/glance" not in err


def test_an_empty_output_directory_is_a_usage_error_not_the_current_directory(tmp_path, capsys, monkeypatch):
    """Issue 16 #18: `-o ''` used to write into the current directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "globals.yml").write_text(GLOBALS)

    code = main(["render", "-c", "globals.yml", "-o", ""])

    assert code == 2 and "-o needs a directory" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["globals.yml"]


def test_glance_s_defaults_stay_out_of_glance_image_import_conf_so_an_operator_s_setting_stands(tmp_path, capsys):
    """The plugin's glance-image-import.conf is read last: a default nobody chose must not override an operator."""
    code, _, err = render(tmp_path, capsys, {"glance/glance-api.conf": "[image_conversion]\noutput_format = qcow2\n"})

    assert code == 0, err
    assert "override-both-files" not in err
    image_import = ini.parse((tmp_path / "out" / "xdeploy-glance" / "glance-image-import.conf").read_text())
    assert list(image_import.sections) == ["image_import_opts"]  # only what the globals chose: the plugins


@pytest.mark.glance
def test_check_glance_accepts_the_owned_options_and_stops_on_a_bad_override(tmp_path, glance_venv):
    """Issue 11: `render --check-glance` checks what the plugin feeds kolla, overrides merged, with Glance's types."""
    import os
    import subprocess

    repo = Path(__file__).resolve().parent.parent
    (tmp_path / "globals.yml").write_text(GLOBALS)
    config = tmp_path / "config"
    (config / "glance").mkdir(parents=True)
    command = [str(glance_venv / "bin" / "python"), "-W", "ignore", "-m", "xdeploy_glance", "render", "-c",
               str(tmp_path / "globals.yml"), "--overrides", str(config), "-o", str(tmp_path / "out"), "--check-glance"]
    env = {**os.environ, "PYTHONPATH": str(repo)}

    clean = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    (config / "glance" / "glance-api.conf").write_text("[wsgi]\ntask_pool_threads = many\n")
    broken = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)

    assert clean.returncode == 0, clean.stderr[-3000:]
    assert broken.returncode == 1
    assert "glance-api.conf:2:0: error [" in broken.stderr and "task_pool_threads" in broken.stderr


def test_an_override_line_without_its_equals_sign_never_shows_its_secret(tmp_path, capsys):
    """Issue 16 #2: `password {{ glance_keystone_password }}` (no `=`) was printed unmasked."""
    code, out, err = render(tmp_path, capsys, {"glance/glance-api.conf": "[keystone_authtoken]\npassword s3cr3t-v4lue\n"})

    assert code == 1
    assert "glance/glance-api.conf:2:0: error [override-syntax]" in err
    assert "s3cr3t" not in out + err
