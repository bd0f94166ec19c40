"""Operator overrides: kolla's merge order, host-specific files, and the mistakes the renderer reports."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from xdeploy_glance import ini
from xdeploy_glance.cli import main
from xdeploy_glance.render import OverrideError, check_values, render_host

SECRETS = {"glance_database_password": "db-secret", "glance_keystone_password": "ks-secret"}
CONNECTED = {"glance_database_address": "db.example:3306", "keystone_internal_url": "http://keystone.example:5000"}
INVENTORY = "[glance-api]\napi1\napi2\n"


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def render(root: Path, host: str | None = "api1", values: dict | None = None, template=None):
    checked = check_values({**CONNECTED, **(values or {})})
    return render_host(checked.settings, host, SECRETS, root, template)


def document(result, name: str) -> ini.Document:
    return {f.path: ini.parse(f.text) for f in result.files}[name]


def rules(result) -> list[tuple[str, str | None, int]]:
    return [(f.rule, f.file, f.line) for f in result.findings]


def test_later_files_win_per_key_in_kolla_order_and_host_files_apply_to_their_host(tmp_path):
    write(tmp_path, "global.conf", "[DEFAULT]\ndebug = true\n[oslo_concurrency]\nlock_path = /from/global\n")
    write(tmp_path, "glance.conf", "[oslo_concurrency]\nlock_path = /from/glance.conf\n")
    write(tmp_path, "glance/glance-api.conf", "[oslo_concurrency]\nlock_path = /from/service\n")
    write(tmp_path, "glance/api1/glance-api.conf", "[oslo_concurrency]\nlock_path = /from/api1\n")
    for host, expected in (("api1", "/from/api1"), ("api2", "/from/service"), (None, "/from/service")):
        result = render(tmp_path, host)
        assert result.ok and rules(result) == []
        api = document(result, "glance-api.conf")
        assert api.get("oslo_concurrency", "lock_path").value == expected
        assert api.get("DEFAULT", "debug").value == "true"


def test_glance_image_import_conf_takes_only_its_own_override_files(tmp_path):
    write(tmp_path, "global.conf", "[inject_metadata_properties]\nignore_user_roles =\n")
    write(tmp_path, "glance/glance-image-import.conf", "[inject_metadata_properties]\ninject = team:ops\n")
    write(tmp_path, "glance/api1/glance-image-import.conf", "[image_conversion]\noutput_format = qcow2\n")
    result = render(tmp_path, "api1")
    image_import = document(result, "glance-image-import.conf")
    assert image_import.get("inject_metadata_properties", "inject").value == "team:ops"
    assert image_import.get("inject_metadata_properties", "ignore_user_roles").value == "admin"
    assert image_import.get("image_conversion", "output_format").value == "qcow2"
    # global.conf is merged into glance-api.conf only, where Glance reads it (and where it wins).
    api = document(result, "glance-api.conf")
    assert api.get("inject_metadata_properties", "ignore_user_roles").value == ""
    assert [f.rule for f in result.findings] == ["override-both-files"]


def test_new_keys_and_sections_are_appended_and_multi_line_and_repeated_values_kept(tmp_path):
    write(tmp_path, "glance/glance-api.conf",
          "[DEFAULT]\nenabled_import_methods = [glance-direct]\nshow_multiple_locations = true\n\n"
          "[oslo_policy]\npolicy_dirs = a\npolicy_dirs = b\n\n"
          "[cors]\nallowed_origin =\n  https://one.example\n  https://two.example\n")
    result = render(tmp_path)
    text = {f.path: f.text for f in result.files}["glance-api.conf"]
    api = ini.parse(text)
    # A replaced key keeps its place; a new one goes to the end of its section.
    assert list(api.sections["DEFAULT"]) == ["debug", "log_file", "enabled_import_methods", "enabled_backends",
                                             "image_size_cap", "show_multiple_locations"]
    assert api.get("DEFAULT", "enabled_import_methods").value == "[glance-direct]"
    assert list(api.sections)[-2:] == ["oslo_policy", "cors"]
    assert api.get("oslo_policy", "policy_dirs").occurrences == (("a",), ("b",))
    assert api.get("cors", "allowed_origin").value == "\nhttps://one.example\nhttps://two.example"
    assert "allowed_origin =\n                 https://one.example\n                 https://two.example\n" in text


def test_test_only_settings_reach_the_files_through_overrides(tmp_path):
    """What the end-to-end suite needs: sqlite, the header-trusting paste flavor, its own paths."""
    write(tmp_path, "glance/glance-api.conf",
          "[DEFAULT]\nlog_file = /run/e2e/glance-api.log\n"
          "[database]\nconnection = sqlite:////run/e2e/glance.sqlite\n"
          "[paste_deploy]\nflavor = trustedheaders\nconfig_file = /run/e2e/glance-api-paste.ini\n"
          "[oslo_concurrency]\nlock_path = /run/e2e/locks\n"
          "[wsgi]\npython_interpreter = /opt/venv/bin/python3\n")
    result = render(tmp_path, None)
    api = document(result, "glance-api.conf")
    assert result.ok and rules(result) == []
    assert api.get("database", "connection").value == "sqlite:////run/e2e/glance.sqlite"
    assert api.get("paste_deploy", "flavor").value == "trustedheaders"
    assert api.get("paste_deploy", "config_file").value == "/run/e2e/glance-api-paste.ini"
    assert api.get("wsgi", "python_interpreter").value == "/opt/venv/bin/python3"
    assert api.get("DEFAULT", "log_file").value == "/run/e2e/glance-api.log"


def test_a_known_option_in_the_wrong_section_is_a_warning_at_its_line(tmp_path):
    override = write(tmp_path, "glance/glance-api.conf",
                     "[DEFAULT]\nallowed_ports = [8080]\n\n[import_filter_opts]\nallowed_hosts = [127.0.0.1]\n\n"
                     "[glance_store]\nfilesystem_store_datadir = /srv/images\n\n"
                     "[keystone_authtoken]\nauth_url = http://elsewhere:5000\n\n[os_brick]\nlock_path = /x\n")
    result = render(tmp_path)
    assert result.ok
    found = [(f.rule, f.line, f.message) for f in result.findings]
    assert found == [
        ("override-wrong-section", 2, "allowed_ports is not read in [DEFAULT] of glance-api.conf: it is an option of "
                                      "[import_filtering_opts], so Glance ignores it here"),
        ("override-wrong-section", 5, "[import_filter_opts] is not a section Glance reads; allowed_hosts is an "
                                      "option of [import_filtering_opts], so Glance ignores it here"),
        ("override-wrong-section", 8, "filesystem_store_datadir is not read in [glance_store] of glance-api.conf: "
                                      "it is an option of [file], so Glance ignores it here"),
    ]
    assert {f.file for f in result.findings} == {str(override)}
    assert all(str(f.severity) == "warning" for f in result.findings)


def test_an_option_set_in_both_files_warns_that_glance_api_conf_wins(tmp_path):
    override = write(tmp_path, "glance/glance-api.conf",
                     "[image_import_opts]\nimage_import_plugins = [image_conversion]\n")
    result = render(tmp_path)
    [finding] = result.findings
    assert finding.rule == "override-both-files" and str(finding.severity) == "warning"
    assert finding.file == "glance-image-import.conf (rendered)"
    assert f"({override}:2)" in finding.message
    assert "Glance reads glance-api.conf last, so the value here never applies" in finding.message


def test_missing_override_files_are_fine(tmp_path):
    result = render(tmp_path)  # an empty custom-config root
    assert result.ok and result.findings == ()


@pytest.mark.parametrize("make_unreadable", ["directory", "dangling-symlink", "not-utf8"])
def test_an_override_file_that_cannot_be_read_is_an_error(tmp_path, make_unreadable):
    path = tmp_path / "glance" / "glance-api.conf"
    path.parent.mkdir(parents=True)
    if make_unreadable == "directory":
        path.mkdir()
    elif make_unreadable == "dangling-symlink":
        os.symlink(tmp_path / "nowhere.conf", path)
    else:
        path.write_bytes(b"[DEFAULT]\ndebug = \xff\n")
    with pytest.raises(OverrideError, match=f"{path}: cannot read the override file"):
        render(tmp_path)


def test_an_unreadable_override_stops_the_cli_with_exit_2(tmp_path, capsys):
    globals_file = write(tmp_path, "globals.yml", "glance_enabled_import_methods: glance-direct\n")
    (tmp_path / "config" / "glance" / "glance-api.conf").mkdir(parents=True)
    code = main(["render", "--standalone", "-c", str(globals_file), "--overrides", str(tmp_path / "config"), "-o", str(tmp_path / "out")])
    assert code == 2
    assert "cannot read the override file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_missing_overrides_directory_is_a_usage_error(tmp_path, capsys):
    globals_file = write(tmp_path, "globals.yml", "glance_enabled_import_methods: glance-direct\n")
    code = main(["render", "--standalone", "-c", str(globals_file), "--overrides", str(tmp_path / "nope"), "-o", str(tmp_path / "out")])
    assert code == 2
    assert "the overrides directory does not exist" in capsys.readouterr().err


def test_an_override_oslo_config_would_refuse_is_an_error_with_its_line(tmp_path):
    override = write(tmp_path, "glance/glance-api.conf", "[DEFAULT]\ndebug = true\npassword hunter2\n")
    result = render(tmp_path)
    assert not result.ok and result.files == ()
    [finding] = result.findings
    assert (finding.rule, finding.file, finding.line) == ("override-syntax", str(override), 3)
    assert "no ':' or '=' found in assignment" in finding.message


def test_jinja_in_an_override_needs_the_role_or_a_template_function(tmp_path):
    write(tmp_path, "glance/glance-api.conf", "[DEFAULT]\nworker_self_reference_url = http://{{ api_address }}:9292\n")
    refused = render(tmp_path)
    assert [(f.rule, f.line) for f in refused.findings] == [("override-templated", 2)]
    assert refused.files == ()

    def template(text: str, path: Path) -> str:  # what the role does with Ansible's templar
        return text.replace("{{ api_address }}", "10.0.0.11")

    resolved = render(tmp_path, template=template)
    assert resolved.ok
    assert document(resolved, "glance-api.conf").get("DEFAULT", "worker_self_reference_url").value == \
        "http://10.0.0.11:9292"


def test_cli_overrides_with_an_inventory_give_each_host_its_own_file(tmp_path, capsys):
    globals_file = write(tmp_path, "globals.yml", "glance_enabled_import_methods: glance-direct\n"
                                                  "glance_staging_shared: true\n")
    inventory = write(tmp_path, "inventory.ini", INVENTORY)
    write(tmp_path, "config/glance/api2/glance-api.conf", "[DEFAULT]\nworker_self_reference_url = http://api2:9292\n")
    fixtures = Path(__file__).resolve().parent / "fixtures"  # what a standalone glance-api cannot start without
    code = main(["render", "--standalone", "-c", str(globals_file), "-c", str(fixtures / "standalone-connection.yml"),
                 "-p", str(fixtures / "standalone-passwords.yml"), "-i", str(inventory),
                 "--overrides", str(tmp_path / "config"), "-o", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    api1 = ini.parse((tmp_path / "out" / "api1" / "glance-api.conf").read_text())
    api2 = ini.parse((tmp_path / "out" / "api2" / "glance-api.conf").read_text())
    assert api1.get("DEFAULT", "worker_self_reference_url") is None
    assert api2.get("DEFAULT", "worker_self_reference_url").value == "http://api2:9292"
