"""Rendering: the Python API the role uses, and the `render` command on top of it."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from xdeploy_glance import ini
from xdeploy_glance.cli import main
from xdeploy_glance.commands.render import CONTAINER_RULES
from xdeploy_glance.render import check_values, render_host

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "globals.yml"
SECRETS = {"glance_database_password": "db-secret", "glance_keystone_password": "ks-secret"}
CONNECTED = {"glance_database_address": "db.example:3306", "keystone_internal_url": "http://keystone.example:5000"}
# What a standalone glance-api cannot start without, for the CLI: kolla's own globals set the connection
# values, passwords.yml the secrets. `-c CONNECTION -p PASSWORDS` after a test's globals.
CONNECTION = REPO / "tests" / "fixtures" / "standalone-connection.yml"
PASSWORDS = REPO / "tests" / "fixtures" / "standalone-passwords.yml"


def render(values: dict, host: str | None = None, secrets: dict | None = None, overrides_dir: Path | None = None):
    checked = check_values({**CONNECTED, **values})  # a standalone glance-api cannot start without both
    # standalone: no glance_api container, so its rules do not apply (as `render --standalone` drops them)
    assert [f for f in checked.findings if str(f.severity) == "error" and f.rule not in CONTAINER_RULES] == []
    return render_host(checked.settings, host, SECRETS if secrets is None else secrets, overrides_dir)


def parsed(result) -> dict[str, ini.Document]:
    return {f.path: ini.parse(f.text) for f in result.files}


def value(result, file_name: str, section: str, key: str) -> str | None:
    setting = parsed(result)[file_name].get(section, key)
    return setting.value if setting else None


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_options_are_encoded_for_their_oslo_types():
    result = render({"glance_enabled_import_methods": "web-download,glance-direct",
                     "glance_image_import_plugins": "image_decompression,image_conversion,inject_image_metadata",
                     "glance_inject_image_metadata": {"imported_by": "xdeploy", "tier": "gold"},
                     "glance_inject_image_metadata_ignore_user_roles": "admin,auditor",
                     "glance_web_download_allowed_ports": [80, 443, 8080]})
    assert result.ok
    assert value(result, "glance-api.conf", "DEFAULT", "enabled_import_methods") == "[web-download,glance-direct]"
    assert value(result, "glance-image-import.conf", "image_import_opts", "image_import_plugins") == \
        "[image_decompression,image_conversion,inject_image_metadata]"
    assert value(result, "glance-image-import.conf", "inject_metadata_properties", "ignore_user_roles") == "admin,auditor"
    assert value(result, "glance-image-import.conf", "inject_metadata_properties", "inject") == \
        "imported_by:xdeploy,tier:gold"
    assert value(result, "glance-api.conf", "import_filtering_opts", "allowed_ports") == "[80,443,8080]"


def test_staging_goes_to_the_multi_store_section_never_to_node_staging_uri():
    result = render({"glance_staging_store_uri": "file:///srv/glance/staging"})
    api = parsed(result)["glance-api.conf"]
    assert api.get("os_glance_staging_store", "filesystem_store_datadir").value == "/srv/glance/staging"
    assert api.get("DEFAULT", "enabled_backends").value == "file:file,http:http"
    assert api.get("glance_store", "default_backend").value == "file"
    assert all(key != "node_staging_uri" for _, key, _ in api.items())


def test_filters_are_in_import_filtering_opts_and_nowhere_else():
    result = render({"glance_web_download_allowed_hosts": "images.example", "glance_web_download_allowed_ports": "8080"})
    api = parsed(result)["glance-api.conf"]
    assert api.get("import_filtering_opts", "allowed_hosts").value == "[images.example]"
    locations = [section for section, key, _ in api.items() if key == "allowed_hosts"]
    assert locations == ["import_filtering_opts"]


def test_no_option_is_written_into_both_files():
    result = render({"glance_image_import_plugins": "image_conversion,inject_image_metadata",
                     "glance_inject_image_metadata": {"a": "b"}})
    files = parsed(result)
    in_api = {(section, key) for section, key, _ in files["glance-api.conf"].items()}
    in_import = {(section, key) for section, key, _ in files["glance-image-import.conf"].items()}
    assert in_api & in_import == set()
    assert [f for f in result.findings if f.rule == "override-both-files"] == []


def test_extra_file_stores_become_backends_and_sections():
    result = render({"glance_extra_file_stores": {"fast": "/srv/glance/fast/"},
                     "glance_enabled_import_methods": "glance-direct,copy-image"})
    api = parsed(result)["glance-api.conf"]
    assert api.get("DEFAULT", "enabled_backends").value == "file:file,fast:file,http:http"
    assert api.get("fast", "filesystem_store_datadir").value == "/srv/glance/fast/"
    assert api.get("file", "filesystem_store_datadir").value == "/var/lib/glance/images/"


def test_secrets_and_connection_values_are_used_when_given():
    result = render({**CONNECTED, "glance_memcached_servers": "10.0.0.1:11211,10.0.0.2:11211"},
                    secrets={**SECRETS, "glance_database_password": "p@ss/w:rd", "memcache_secret_key": "mc"})
    assert result.ok and result.findings == ()
    assert value(result, "glance-api.conf", "database", "connection") == \
        "mysql+pymysql://glance:p%40ss%2Fw%3Ard@db.example:3306/glance"
    assert value(result, "glance-api.conf", "keystone_authtoken", "password") == "ks-secret"
    assert value(result, "glance-api.conf", "keystone_authtoken", "auth_url") == "http://keystone.example:5000"
    assert value(result, "glance-api.conf", "keystone_authtoken", "memcached_servers") == \
        "10.0.0.1:11211,10.0.0.2:11211"
    assert value(result, "glance-api.conf", "keystone_authtoken", "memcache_security_strategy") == "ENCRYPT"
    assert set(result.secrets) == {"p@ss/w:rd", "ks-secret", "mc"}


def test_a_missing_secret_glance_api_needs_is_an_error_and_nothing_is_rendered():
    result = render(CONNECTED, secrets={"glance_keystone_password": "ks-secret"})
    assert not result.ok and result.files == ()
    [finding] = result.findings
    assert (finding.rule, finding.variable, str(finding.severity)) == \
        ("render-secret-missing", "glance_database_password", "error")
    assert "glance_database_password" in finding.message and "passwords.yml" in finding.hint


def test_a_missing_secret_is_no_error_when_an_override_file_supplies_its_option(tmp_path):
    (tmp_path / "glance").mkdir()
    (tmp_path / "glance" / "glance-api.conf").write_text("[database]\nconnection = sqlite:////srv/glance.sqlite\n")
    result = render(CONNECTED, secrets={"glance_keystone_password": "ks-secret"}, overrides_dir=tmp_path)
    assert result.ok and result.findings == ()
    assert value(result, "glance-api.conf", "database", "connection") == "sqlite:////srv/glance.sqlite"


def test_a_missing_memcache_secret_key_stays_a_warning_and_its_option_is_left_out():
    result = render({"glance_memcached_servers": "10.0.0.1:11211"}, secrets=SECRETS)
    assert result.ok
    assert [(f.rule, f.variable, str(f.severity)) for f in result.findings] == \
        [("render-secret-missing", "memcache_secret_key", "warning")]
    assert value(result, "glance-api.conf", "keystone_authtoken", "memcache_secret_key") is None
    assert value(result, "glance-api.conf", "keystone_authtoken", "memcache_security_strategy") is None


def test_cli_a_missing_secret_is_an_error_naming_it_and_passwords_yml_and_writes_nothing(tmp_path, capsys):
    passwords = tmp_path / "passwords.yml"
    passwords.write_text("glance_keystone_password: kspw\n")
    code, out, err = run(capsys, "render", "--standalone", "-c", EXAMPLE, "-c", CONNECTION, "-p", passwords,
                         "-o", tmp_path / "out")
    assert code == 1 and out == ""
    assert [line for line in err.splitlines() if " error [" in line] == [
        "<globals>: error [render-secret-missing] glance_database_password: secret glance_database_password is "
        "missing, so [database] connection is left out: glance-api cannot start without a database (an override "
        "file can supply it)"]
    assert "hint: add glance_database_password to passwords.yml (-p)" in err
    assert "nothing was written" in err
    assert not (tmp_path / "out").exists()

    overrides = tmp_path / "config"
    (overrides / "glance").mkdir(parents=True)
    (overrides / "glance" / "glance-api.conf").write_text("[database]\nconnection = sqlite:////srv/glance.sqlite\n")
    code, _, err = run(capsys, "render", "--standalone", "-c", EXAMPLE, "-c", CONNECTION, "-p", passwords,
                       "--overrides", overrides, "-o", tmp_path / "out")
    assert code == 0, err
    assert "render-secret-missing" not in err
    document = ini.parse((tmp_path / "out" / "glance-api.conf").read_text())
    assert document.get("database", "connection").value == "sqlite:////srv/glance.sqlite"


def test_cli_standalone_without_passwords_yml_stops_and_writes_nothing(tmp_path, capsys):
    """Issue 14, problem 3: a forgotten -p (the default passwords.yml holds none of them) is no working glance-api."""
    code, out, err = run(capsys, "render", "--standalone", "-c", EXAMPLE, "-c", CONNECTION, "-o", tmp_path / "out")
    assert code == 1 and out == ""
    errors = [line for line in err.splitlines() if " error [" in line]
    assert [line.split(" error ")[1].split(":")[0] for line in errors] == [
        "[render-secret-missing] glance_database_password", "[render-secret-missing] glance_keystone_password"]
    assert "nothing was written" in err
    assert not (tmp_path / "out").exists()


def test_an_unsafe_secret_is_refused_without_showing_it():
    result = render(CONNECTED, secrets={**SECRETS, "glance_keystone_password": "pw\n[DEFAULT]\ndebug = true"})
    assert not result.ok and result.files == ()
    [finding] = result.findings
    assert finding.rule == "render-unsafe-value" and finding.variable == "glance_keystone_password"
    assert "pw" not in finding.message and "DEFAULT" not in finding.message
    assert "contains a line break" in finding.message


def test_an_injected_section_never_reaches_a_file_even_when_called_directly():
    """Settings built without validation (as a careless caller might) still cannot inject."""
    from xdeploy_glance.checker import MergedGlobals, check_globals

    payload = "admin\n[DEFAULT]\nauth_strategy = noauth"
    checked = check_globals(MergedGlobals({**CONNECTED, "glance_inject_image_metadata_ignore_user_roles": payload},
                                          {}, ()))
    assert "ini-unsafe-value" in {f.rule for f in checked.findings}
    result = render_host(checked.settings, None, SECRETS)
    assert result.files == ()
    assert [(f.rule, f.variable) for f in result.findings] == \
        [("render-unsafe-value", "glance_inject_image_metadata_ignore_user_roles")]


def test_the_header_names_the_generator_and_output_is_deterministic():
    first, second = render(CONNECTED), render(CONNECTED)
    assert [f.text for f in first.files] == [f.text for f in second.files]
    for rendered in first.files:
        assert rendered.text.startswith("# Generated by xdeploy-glance ")


def test_cli_renders_the_example_with_mode_0640(tmp_path, capsys):
    code, out, err = run(capsys, "render", "--standalone", "-c", EXAMPLE, "-c", CONNECTION, "-p", PASSWORDS,
                         "-o", tmp_path / "out")
    assert code == 0, err
    assert out.splitlines() == [f"wrote {tmp_path / 'out' / 'glance-api.conf'}",
                                f"wrote {tmp_path / 'out' / 'glance-image-import.conf'}"]
    for name in ("glance-api.conf", "glance-image-import.conf"):
        assert stat.S_IMODE((tmp_path / "out" / name).stat().st_mode) == 0o640
    assert "render-" not in err


def test_cli_refuses_to_render_invalid_globals(tmp_path, capsys):
    bad = REPO / "tests" / "cases" / "negative" / "import-method-unknown" / "globals.yml"
    code, _, err = run(capsys, "render", "--standalone", "-c", bad, "-o", tmp_path / "out")
    assert code == 1
    assert "[import-method-unknown]" in err and "nothing was written" in err
    assert not (tmp_path / "out").exists()


def test_cli_refuses_templated_values(tmp_path, capsys):
    templated = REPO / "tests" / "cases" / "positive" / "templated-values-are-deferred" / "globals.yml"
    code, _, err = run(capsys, "render", "--standalone", "-c", templated, "-o", tmp_path / "out")
    assert code == 1
    assert "error [render-templated-value] glance_staging_store_uri" in err


def test_cli_writes_one_pair_per_inventory_host(tmp_path, capsys):
    case = REPO / "tests" / "cases" / "positive" / "multi-node-with-self-reference-urls"
    code, out, _ = run(capsys, "render", "--standalone", "-c", case / "globals.yml", "-c", CONNECTION, "-p", PASSWORDS,
                         "-i", case / "inventory.ini", "-o", tmp_path)
    assert code == 0
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.conf")) == \
        ["api1/glance-api.conf", "api1/glance-image-import.conf", "api2/glance-api.conf",
         "api2/glance-image-import.conf"]
    for host, address in (("api1", "10.0.0.1"), ("api2", "10.0.0.2")):
        document = ini.parse((tmp_path / host / "glance-api.conf").read_text())
        assert document.get("DEFAULT", "worker_self_reference_url").value == f"http://{address}:9292"


def test_cli_host_option_picks_one_inventory_host(tmp_path, capsys):
    case = REPO / "tests" / "cases" / "positive" / "multi-node-with-self-reference-urls"
    code, _, _ = run(capsys, "render", "--standalone", "-c", case / "globals.yml", "-c", CONNECTION, "-p", PASSWORDS,
                     "-i", case / "inventory.ini", "--host", "api2", "-o", tmp_path)
    assert code == 0
    assert sorted(p.parent.name for p in tmp_path.rglob("glance-api.conf")) == ["api2"]
    code, _, err = run(capsys, "render", "--standalone", "-c", case / "globals.yml", "-i", case / "inventory.ini", "--host", "api9",
                       "-o", tmp_path)
    assert code == 2 and "--host api9: not a host of the inventory's glance-api group (api1, api2)" in err


def test_globals_win_over_host_variables_as_extra_vars_do(tmp_path, capsys):
    case = REPO / "tests" / "cases" / "positive" / "multi-node-with-self-reference-urls"
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text('glance_enabled_import_methods: "glance-direct"\n'
                            'glance_worker_self_reference_url: "http://vip:9292"\n')
    code, _, _ = run(capsys, "render", "--standalone", "-c", globals_file, "-c", CONNECTION, "-p", PASSWORDS,
                     "-i", case / "inventory.ini", "-o", tmp_path / "out")
    assert code == 0
    for host in ("api1", "api2"):
        document = ini.parse((tmp_path / "out" / host / "glance-api.conf").read_text())
        assert document.get("DEFAULT", "worker_self_reference_url").value == "http://vip:9292"


def test_passwords_file_supplies_secrets(tmp_path, capsys):
    passwords = tmp_path / "passwords.yml"
    passwords.write_text("glance_database_password: dbpw\nglance_keystone_password: kspw\nunrelated: x\n")
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text("glance_database_address: db:3306\nkeystone_internal_url: http://ks:5000\n")
    code, _, err = run(capsys, "render", "--standalone", "-c", globals_file, "-p", passwords, "-o", tmp_path / "out")
    assert code == 0 and "render-" not in err
    document = ini.parse((tmp_path / "out" / "glance-api.conf").read_text())
    assert document.get("database", "connection").value == "mysql+pymysql://glance:dbpw@db:3306/glance"


def test_check_glance_without_glance_installed_exits_2(tmp_path, capsys):
    from xdeploy_glance import deep_check

    if deep_check.available():
        pytest.skip("glance is importable here")
    code, _, err = run(capsys, "render", "--standalone", "-c", EXAMPLE, "-o", tmp_path / "out", "--check-glance")
    assert code == 2
    assert "pip install 'xdeploy-glance[glance]'" in err
    assert not (tmp_path / "out").exists()


INJECTION = "x\n[DEFAULT]\nauth_strategy = noauth"


@pytest.mark.parametrize("line", [
    f"glance_staging_store_uri: {INJECTION!r}".replace("'", '"'),
    f"glance_inject_image_metadata: {{team: {INJECTION!r}}}".replace("'", '"'),
    f"glance_web_download_allowed_hosts: [{INJECTION!r}]".replace("'", '"'),
    f"glance_paste_flavor: {INJECTION!r}".replace("'", '"'),
])
def test_cli_never_writes_an_injected_section_from_the_globals(line, tmp_path, capsys):
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text(line + "\n")
    code, out, err = run(capsys, "render", "--standalone", "-c", globals_file, "-o", tmp_path / "out")
    assert code == 1 and out == ""
    assert "ini-unsafe-value" in err and "nothing was written" in err
    assert not (tmp_path / "out").exists()


def test_cli_never_writes_an_injected_section_from_an_inventory_host(tmp_path, capsys):
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text("glance_staging_shared: true\n")
    inventory = tmp_path / "inventory.yml"
    inventory.write_text("glance-api:\n  hosts:\n    api1:\n"
                         f"      glance_worker_self_reference_url: \"http://api1:9292{INJECTION!r}\"\n".replace("'", "")
                         + "    api2: {}\n")
    code, out, err = run(capsys, "render", "--standalone", "-c", globals_file, "-i", inventory, "-o", tmp_path / "out")
    assert code == 1 and out == ""
    assert "error [ini-unsafe-value] glance_worker_self_reference_url:" in err and "(host api1)" in err
    assert not (tmp_path / "out").exists()


def test_a_host_variable_that_breaks_a_global_is_reported_for_that_host(tmp_path, capsys):
    # the host's ceph backend leaves the global default backend 'file' without its store
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text("glance_default_backend: file\n")
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[glance-api]\napi1 glance_backend_ceph=true\napi2\n")

    code, out, err = run(capsys, "render", "--standalone", "-c", globals_file, "-c", CONNECTION, "-p", PASSWORDS,
                         "-i", inventory, "-o", tmp_path / "out")

    assert code == 1 and out == ""
    assert [line for line in err.splitlines() if " error [" in line] == [
        f"{globals_file}:1:25: error [default-backend-unknown] glance_default_backend: default backend 'file' "
        "is not an enabled writable store (rbd) (host api1)"]
    assert not (tmp_path / "out").exists()


def test_group_variables_of_the_inventory_apply_as_in_ansible(tmp_path, capsys):
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text('glance_enabled_import_methods: "glance-direct"\n')
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "glance-api.yml").write_text("glance_image_size_cap: 30000000000\n")
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[glance-api]\napi1\napi2 glance_image_size_cap=20000000000\n"
                         "[control]\napi1\n[control:vars]\nglance_worker_self_reference_url=http://vip:9292\n")

    code, _, err = run(capsys, "render", "--standalone", "-c", globals_file, "-c", CONNECTION, "-p", PASSWORDS,
                       "-i", inventory, "-o", tmp_path / "out")

    assert code == 0, err
    api1 = ini.parse((tmp_path / "out" / "api1" / "glance-api.conf").read_text())
    api2 = ini.parse((tmp_path / "out" / "api2" / "glance-api.conf").read_text())
    assert api1.get("DEFAULT", "image_size_cap").value == "30000000000"  # group_vars/ next to the inventory
    assert api2.get("DEFAULT", "image_size_cap").value == "20000000000"  # the host's own wins
    assert api1.get("DEFAULT", "worker_self_reference_url").value == "http://vip:9292"  # another group's vars
    assert api2.get("DEFAULT", "worker_self_reference_url") is None


def test_values_without_a_file_count_as_set_as_in_the_ansible_role():
    # the role checks the values Ansible resolved, which carry no file location
    checked = check_values({"glance_web_download_allowed_hosts": ["mirror.example"],
                            "glance_web_download_disallowed_hosts": ["evil.example"]})

    assert [(f.rule, f.variable) for f in checked.findings if f.rule == "filter-allow-and-deny"] == [
        ("filter-allow-and-deny", "glance_web_download_disallowed_hosts")]
