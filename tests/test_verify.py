"""verify's building blocks (expectations, leftovers, config overrides) and its usage errors; no hosts needed."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support.ansible_run import ansible_env
from tests.support.verify_run import VerifyRun, run_verify, unreachable_inventory
from xdeploy_glance.cli import main
from xdeploy_glance.verify.configfiles import (OverrideListing, directories_glance_reads, drift_diff,
                                               override_candidates, stray_override_files)
from xdeploy_glance.verify.expected import ExpectationError, expectations_for, load_globals
from xdeploy_glance.verify.leftovers import image_id_of, image_leftovers, parse_age

REPO = Path(__file__).resolve().parent.parent
IMAGE_ID = "0f8e3b4c-1d2a-4b5c-9e6f-7a8b9c0d1e2f"


# Expectations: globals over inventory variables over schema defaults.

def test_globals_win_over_host_variables_which_win_over_defaults():
    expected = expectations_for(
        "api1",
        {"glance_staging_mode": "0700", "glance_staging_max_image_size": "1GiB", "ansible_host": "10.0.0.1"},
        {"glance_staging_max_image_size": "2GiB", "unrelated": 1})

    assert expected.value("glance_staging_max_image_size") == 2 * 1024**3  # globals are extra-vars
    assert expected.staging_mode == 0o700  # inventory, not set in globals
    assert expected.value("glance_staging_concurrent_imports") == 2  # schema default
    assert expected.staging_path == "/var/lib/glance/staging"
    assert expected.config_directory == "/etc/kolla/glance-api"


def test_node_config_directory_comes_from_globals_then_inventory():
    assert expectations_for("h", {"node_config_directory": "/srv/kolla"}, {}).config_directory == \
        "/srv/kolla/glance-api"
    assert expectations_for("h", {"node_config_directory": "/srv/kolla"},
                            {"node_config_directory": "/opt/kolla"}).config_directory == "/opt/kolla/glance-api"


def test_staging_requirement_is_the_roles_formula_on_the_hosts_values():
    expected = expectations_for("h", {"glance_image_import_plugins": "image_conversion"},
                                {"glance_staging_max_image_size": "10M", "glance_staging_max_virtual_size": "30M",
                                 "glance_staging_headroom_percent": 0, "glance_staging_concurrent_imports": 1})

    requirement = expected.staging_requirement()

    assert requirement.required_bytes == 40 * 1024**2  # the upload plus its raw conversion
    assert requirement.formula == "1 × (10.0 MiB + 30.0 MiB raw)"


def test_a_templated_value_fails_only_the_checks_that_need_it():
    expected = expectations_for("api1", {"glance_staging_store_uri": "file://{{ staging_base }}/staging"}, {})

    assert expected.value("glance_staging_mode") == "0750"
    with pytest.raises(ExpectationError) as error:
        expected.staging_path
    assert str(error.value) == (
        "glance_staging_store_uri is the Jinja expression 'file://{{ staging_base }}/staging' for api1, which only "
        "Ansible resolves; verify compares literal values, so set a literal value in the globals or the inventory")


def test_invalid_host_variables_are_reported_with_the_host():
    with pytest.raises(ExpectationError) as error:
        expectations_for("api2", {"glance_staging_concurrent_imports": "many"}, {})
    assert str(error.value).startswith("invalid values for api2 (globals merged with its inventory variables): "
                                       "glance_staging_concurrent_imports: ")


def test_globals_with_errors_give_nothing_to_verify_against(tmp_path):
    bad = tmp_path / "globals.yml"
    bad.write_text('glance_staging_concurrent_imports: 0\n')
    with pytest.raises(ExpectationError) as error:
        load_globals([str(bad)])
    assert str(error.value).startswith("the globals have 1 error(s), so there is nothing sound to verify against "
                                       f"(`xdeploy-glance validate` lists them): {bad}:1:")


# Leftovers: named the way Glance's housekeeping recognises image files.

@pytest.mark.parametrize("name, image_id", [
    (IMAGE_ID, IMAGE_ID),
    (f"{IMAGE_ID}.uc", IMAGE_ID),
    (f"{IMAGE_ID}.raw", IMAGE_ID),
    (IMAGE_ID.replace("-", "").upper() + ".qcow2", IMAGE_ID),
    ("notes.txt", None),
    (f"{{{IMAGE_ID}}}", None),
    (f"urn:uuid:{IMAGE_ID}", None),
    ("lost+found", None),
])
def test_image_ids_are_read_like_glance_housekeeping(name, image_id):
    assert image_id_of(name) == image_id


@pytest.mark.parametrize("text, minutes", [("90m", 90), ("24h", 1440), ("7d", 10080), (" 2H ", 120)])
def test_ages(text, minutes):
    assert parse_age(text) == minutes


@pytest.mark.parametrize("text", ["", "0h", "1.5h", "24", "1w", "-1d"])
def test_bad_ages(text):
    with pytest.raises(ValueError, match="is not an age"):
        parse_age(text)


def test_leftovers_are_the_image_files_only():
    files = [[f"{IMAGE_ID}.raw", 1048576, 1700000000.5], ["README", 10, 1700000000.0], [IMAGE_ID, 2048, 1700003600.0]]

    leftovers = image_leftovers(files)

    assert [(l.name, l.size, l.modified) for l in leftovers] == [
        (IMAGE_ID, 2048, 1700003600.0), (f"{IMAGE_ID}.raw", 1048576, 1700000000.5)]
    assert leftovers[1].describe(now=1700000000.5 + 7200) == f"{IMAGE_ID}.raw (1.0 MiB, 2.0 h old)"


# Config overrides: oslo.config's search order, and diffs that never show credentials.

def test_next_to_the_deployed_files_and_oslo_configs_first_hits_are_read():
    listing = OverrideListing.from_found(
        ["/etc/kolla/glance-api/glance-api.conf.d",
         "/var/lib/glance/.glance/glance.conf.d",  # found first: masks /etc/glance/glance.conf.d
         "/etc/glance/glance.conf.d", "/etc/glance-api.conf.d"],
        ["/etc/kolla/glance-api/glance-api.conf.d/99-debug.conf", "/etc/glance/glance.conf.d/10-old.conf",
         "/etc/glance-api.conf.d/a.conf"])

    read = directories_glance_reads("/etc/kolla/glance-api", "/var/lib/glance", listing)

    assert read == ["/etc/kolla/glance-api/glance-api.conf.d", "/var/lib/glance/.glance/glance.conf.d",
                    "/etc/glance-api.conf.d"]
    assert stray_override_files(read, listing) == ["/etc/kolla/glance-api/glance-api.conf.d/99-debug.conf",
                                                   "/etc/glance-api.conf.d/a.conf"]


def test_without_a_glance_user_home_only_etc_is_searched():
    assert override_candidates("/etc/kolla/glance-api", None) == [
        "/etc/kolla/glance-api/glance.conf.d", "/etc/kolla/glance-api/glance-api.conf.d",
        "/etc/glance/glance.conf.d", "/etc/glance.conf.d", "/etc/glance/glance-api.conf.d", "/etc/glance-api.conf.d"]


def test_drift_diff_masks_secrets_on_both_sides_with_renders_masking():
    rendered = ("[DEFAULT]\nworkers = 2\n[database]\nconnection = mysql+pymysql://glance:s3cr%40t@db/glance\n"
                "[keystone_authtoken]\npassword = k3y\n")
    deployed = ("[DEFAULT]\nworkers = 4\n[database]\nconnection = mysql+pymysql://glance:other@db/glance\n"
                "[keystone_authtoken]\npassword = k3y")

    diff = drift_diff(rendered, deployed, "rendered for api1", "api1:/etc/kolla/glance-api/glance-api.conf",
                      secrets=("s3cr@t", "k3y"))

    assert diff.splitlines() == [
        "--- rendered for api1", "+++ api1:/etc/kolla/glance-api/glance-api.conf", "@@ -1,6 +1,6 @@",
        " [DEFAULT]", "-workers = 2", "+workers = 4", " [database]",
        "-connection = mysql+pymysql://glance:********@db/glance",
        "+connection = mysql+pymysql://glance:********@db/glance",
        " [keystone_authtoken]", "-password = ********", "+password = ********", "\\ No newline at end of file"]


# The plugin is loaded by every pytest run: it must stay inert there, and speak clearly when used.

def run_pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=tmp_path,
                          capture_output=True, text=True)


def test_unrelated_test_runs_are_untouched(tmp_path):
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert True\n")

    result = run_pytest(tmp_path, "test_plain.py")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "Glance host verification" not in result.stdout


def test_checks_without_globals_are_a_usage_error(tmp_path):
    result = run_pytest(tmp_path, "--pyargs", "xdeploy_glance.verify.checks", "--hosts=local://")

    assert result.returncode == 4, result.stdout + result.stderr
    assert ("ERROR: the Glance checks need the globals the hosts were deployed with: "
            "--glance-globals=/etc/kolla/globals.yml (repeatable)") in result.stderr


def test_checks_need_the_ansible_backend(tmp_path):
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text("glance_staging_mode: '0750'\n")

    result = run_pytest(tmp_path, "--pyargs", "xdeploy_glance.verify.checks", "--hosts=local://",
                        f"--glance-globals={globals_file}")

    assert result.returncode == 4, result.stdout + result.stderr
    assert "select hosts with --hosts=ansible://PATTERN and --ansible-inventory=INVENTORY" in result.stderr


# CLI usage errors exit 2 with one clear line.

def verify(capsys, *argv):
    code = main(["verify", *argv])
    return code, capsys.readouterr().err


def test_cli_needs_an_inventory(capsys, tmp_path):
    assert verify(capsys, "-c", str(REPO / "examples" / "globals.yml")) == (
        2, "xdeploy-glance verify: error: no inventory given: use -i INVENTORY (its glance-api group is checked)\n")


def test_cli_needs_the_glance_api_group(capsys, tmp_path):
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[web]\nweb1 ansible_connection=local\n")
    code, err = verify(capsys, "-c", str(REPO / "examples" / "globals.yml"), "-i", str(inventory))
    assert (code, err) == (2, f"xdeploy-glance verify: error: {inventory}: no group 'glance-api' (kolla's name for "
                              "the Glance API hosts)\n")


def test_cli_rejects_a_limit_matching_no_host(capsys, tmp_path):
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[glance-api]\napi1 ansible_connection=local\n")
    code, err = verify(capsys, "-c", str(REPO / "examples" / "globals.yml"), "-i", str(inventory), "--limit", "api9")
    assert (code, err.splitlines()[-1]) == (2, "xdeploy-glance verify: error: no glance-api host matches --limit api9")


def test_cli_rejects_a_bad_age_and_missing_globals(capsys, tmp_path):
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[glance-api]\napi1 ansible_connection=local\n")
    example = str(REPO / "examples" / "globals.yml")
    assert verify(capsys, "-c", example, "-i", str(inventory), "--leftovers-older-than", "soon") == (
        2, "xdeploy-glance verify: error: 'soon' is not an age; write a whole number of minutes, hours or days: "
           "90m, 24h, 7d\n")
    missing = tmp_path / "nope.yml"
    assert verify(capsys, "-c", str(missing), "-i", str(inventory)) == (
        2, f"xdeploy-glance verify: error: {missing}: no such file or directory\n")


def test_an_unreachable_host_is_reported_once_with_the_reason(tmp_path):
    """Issue 14 #9: an unreachable host was repeated once per check (8 times); now one host-reachable line."""
    inventory, port = unreachable_inventory(tmp_path)

    run = run_verify(tmp_path, REPO / "examples" / "globals.yml", inventory)

    assert run.returncode == 1, run.describe()
    assert run.table == {("down1", "host-reachable"): (
        "ERROR", f"cannot reach down1: ssh: connect to host 127.0.0.1 port {port}: Connection refused")}
    assert run.stdout.count("Connection refused") == 1, run.describe()
    assert run.stdout.splitlines()[-1].startswith("==") and "1 host(s) not reachable: down1" in run.stdout


# No `ansible` or `ansible-inventory` process: PATH first has ones that fail loudly and leave a mark.

@pytest.fixture
def failing_ansible_tools(tmp_path) -> tuple[str, Path]:
    """(PATH with failing ansible tools first, the file they write when any of them runs)."""
    bin_dir, mark = tmp_path / "failing-bin", tmp_path / "ansible-was-run"
    bin_dir.mkdir()
    for tool in ("ansible", "ansible-inventory", "ansible-playbook"):
        script = bin_dir / tool
        script.write_text(f"#!/bin/sh\necho \"{tool} $*\" >> {mark}\necho '{tool} must not run' >&2\nexit 99\n")
        script.chmod(0o755)
    return f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", mark


def test_plain_pytest_needs_no_ansible_tools_on_path(tmp_path, failing_ansible_tools):
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(json.dumps({"glance-api": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text(json.dumps({"glance_file_datadir_volume": str(tmp_path),  # staging's host path: tmp_path/staging
                                        "glance_staging_store_uri": "file:///var/lib/glance/staging",
                                        "node_config_directory": str(tmp_path / "kolla")}))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    path, mark = failing_ansible_tools
    env = {**ansible_env(tmp_path), "PATH": path}

    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--pyargs",
                             "xdeploy_glance.verify.checks", "--hosts=ansible://glance-api",
                             f"--ansible-inventory={inventory}", f"--glance-globals={globals_file}"],
                            cwd=tmp_path, env=env, capture_output=True, text=True)

    run = VerifyRun(result.returncode, result.stdout, result.stderr)
    assert not mark.exists(), mark.read_text()
    assert run.returncode == 1, run.describe()  # nothing is deployed there: the checks ran, and failed
    assert run.table[("localhost", "staging-directory")] == (
        "FAILED", f"staging /var/lib/glance/staging (host: {tmp_path}/staging) does not exist; the nearest existing "
                  f"parent on the host is {tmp_path}")


# verify parses the inventory once and hands testinfra what `ansible-inventory --list` would print.

LISTING_PROGRAM = ("import json, sys\n"
                   "from xdeploy_glance.inventory import parse\n"
                   "print(json.dumps(parse(sys.argv[1]).listing()))\n")


def listings(inventory: Path, env: dict[str, str], python: str = sys.executable) -> tuple[dict, dict]:
    """(verify's listing, `ansible-inventory --list`), each in a fresh process with the same environment."""
    ours = subprocess.run([python, "-c", LISTING_PROGRAM, str(inventory)], env=env, cwd=inventory.parent,
                          capture_output=True, text=True, timeout=120)
    theirs = subprocess.run([str(Path(python).parent / "ansible-inventory"), "--list", "-i", str(inventory)],
                            env=env, cwd=inventory.parent, capture_output=True, text=True, timeout=120)
    assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
    return json.loads(ours.stdout), json.loads(theirs.stdout)


INI_INVENTORY = """\
localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3

[control]
ctl1 ansible_host=10.0.0.11 ansible_port=2222 ansible_user=kolla
ctl2 ansible_host=10.0.0.12 glance_staging_mode=0700 node_config_directory=/srv/kolla

[glance-api:children]
control

[glance-api:vars]
glance_staging_store_uri=file:///var/lib/glance/staging
glance_staging_concurrent_imports=3
ansible_become=true

[storage]
ctl2
stor1 ansible_ssh_common_args='-o StrictHostKeyChecking=no' templated="{{ groups['control'] | length }}"

[empty]
"""

YAML_INVENTORY = """\
all:
  vars:
    ansible_python_interpreter: auto_silent
  children:
    glance-api:
      hosts:
        api1: {ansible_host: 192.0.2.1, ansible_port: 22, glance_staging_shared: true}
        api2:
          glance_image_import_plugins: [image_decompression, image_conversion]
          unsafe_value: !unsafe "{{ not templated }}"
      vars:
        glance_staging_max_image_size: 10G
    monitoring:
      children:
        glance-api: {}
      hosts:
        mon1: {ansible_connection: local}
"""


@pytest.fixture(params=["suite", "kolla-23.0.0"])
def supported_python(request) -> str:
    """A Python with each supported ansible-core line: the suite's (2.19, next to kolla-ansible 22.2.0) and
    kolla-ansible 23.0.0's venv (2.21), where the private encoder the listing uses may differ."""
    if request.param == "suite":
        return sys.executable
    from tests.support.kolla import KollaUnavailable, _unavailable, kolla_install

    try:
        return str(kolla_install("23.0.0", collections=False).python)
    except KollaUnavailable as error:
        _unavailable(str(error))


def test_the_listing_is_what_ansible_inventory_prints_for_ini_and_yaml(tmp_path, supported_python):
    env = ansible_env(tmp_path)
    for name, text in (("hosts.ini", INI_INVENTORY), ("hosts.yml", YAML_INVENTORY)):
        inventory = tmp_path / name
        inventory.write_text(text)

        ours, theirs = listings(inventory, env, supported_python)

        assert ours == theirs, name
    assert theirs["_meta"]["hostvars"]["api2"]["glance_image_import_plugins"] == [
        "image_decompression", "image_conversion"]  # a sample, so an empty listing could not pass


def test_the_listing_has_group_vars_and_host_vars_directories_and_keeps_vaulted_values_encrypted(tmp_path):
    env = ansible_env(tmp_path)
    password_file = tmp_path / "vault-password"
    password_file.write_text("s3cret\n")
    vaulted = subprocess.run([str(Path(sys.executable).parent / "ansible-vault"), "encrypt_string", "hidden-value",
                              "--name", "glance_secret", "--vault-password-file", str(password_file)],
                             env=env, capture_output=True, text=True, check=True).stdout
    directory = tmp_path / "inventory"
    (directory / "group_vars" / "all").mkdir(parents=True)
    (directory / "host_vars").mkdir()
    (directory / "hosts.ini").write_text("[glance-api]\napi1 ansible_host=192.0.2.1\napi2\n"
                                         "[control]\napi2\nhere ansible_connection=local\n")
    (directory / "group_vars" / "all" / "main.yml").write_text("node_config_directory: /etc/kolla\n")
    (directory / "group_vars" / "glance-api.yml").write_text("glance_staging_mode: '0750'\n")
    (directory / "host_vars" / "api1.yml").write_text("ansible_port: 2201\nglance_staging_mode: '0700'\n" + vaulted)

    ours, theirs = listings(directory, env)

    assert ours == theirs
    host_vars = theirs["_meta"]["hostvars"]["api1"]
    assert host_vars["glance_secret"]["__ansible_vault"].startswith("$ANSIBLE_VAULT;1.1;AES256\n")  # still encrypted
    assert {name: value for name, value in host_vars.items() if name != "glance_secret"} == {
        "ansible_host": "192.0.2.1", "ansible_port": 2201, "glance_staging_mode": "0700",
        "node_config_directory": "/etc/kolla"}


def test_testinfra_takes_hosts_and_variables_from_the_listing(tmp_path):
    from testinfra.utils.ansible_runner import AnsibleRunner

    from xdeploy_glance.inventory import parse
    from xdeploy_glance.verify.inventory_list import hand_to_testinfra

    inventory = tmp_path / "hosts.ini"
    inventory.write_text(INI_INVENTORY)
    source = str(inventory)
    hand_to_testinfra(source, parse(source).listing())
    runner = AnsibleRunner.get_runner(source)

    assert runner.get_hosts("glance-api") == ["ctl1", "ctl2"]
    assert runner.get_variables("ctl1")["glance_staging_concurrent_imports"] == 3
    assert runner.get_variables("ctl1")["group_names"] == ["all", "control", "glance-api"]
    ssh = runner.get_host("ctl1").backend
    assert (ssh.NAME, ssh.host.name, ssh.host.port, ssh.host.user, ssh.sudo) == ("ssh", "10.0.0.11", "2222", "kolla",
                                                                                 True)
    assert runner.get_host("localhost").backend.NAME == "local"


def test_verify_runs_no_ansible_process_for_local_and_remote_hosts(tmp_path, failing_ansible_tools):
    path, mark = failing_ansible_tools
    with socket.socket() as probe:  # a port nothing listens on once the socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(json.dumps({"glance-api": {"hosts": {
        "here": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        "down1": {"ansible_host": "127.0.0.1", "ansible_port": port, "ansible_user": "root",
                  "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
                                             "-o BatchMode=yes"}}}}))
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text(json.dumps({"glance_file_datadir_volume": str(tmp_path),  # staging's host path: tmp_path/staging
                                        "glance_staging_store_uri": "file:///var/lib/glance/staging",
                                        "node_config_directory": str(tmp_path / "kolla")}))

    completed = subprocess.run([sys.executable, "-m", "xdeploy_glance", "verify", "-c", str(globals_file),
                                "-i", str(inventory)], env={**ansible_env(tmp_path), "PATH": path}, cwd=tmp_path,
                               capture_output=True, text=True, timeout=300)

    run = VerifyRun(completed.returncode, completed.stdout, completed.stderr)
    assert not mark.exists(), mark.read_text()
    assert run.returncode == 1, run.describe()
    assert run.table[("here", "staging-directory")] == (
        "FAILED", f"staging /var/lib/glance/staging (host: {tmp_path}/staging) does not exist; the nearest existing "
                  f"parent on the host is {tmp_path}")
    assert run.table[("here", "import-options-deployed")] == (
        "FAILED", f"cannot read {tmp_path}/kolla/glance-api/glance-api.conf: No such file or directory; "
                  "kolla's glance role writes it (genconfig or reconfigure, with the plugin integrated)")
    assert run.table[("down1", "host-reachable")] == (
        "ERROR", f"cannot reach down1: ssh: connect to host 127.0.0.1 port {port}: Connection refused")
    assert run.outcomes("down1") == {"host-reachable": "ERROR"}


# reconfigure prepares verify while its play runs, and runs it afterwards, in its own process.

def test_prepare_in_a_thread_then_run_in_process(tmp_path, capsys):
    from concurrent.futures import ThreadPoolExecutor

    from xdeploy_glance.commands import verify as verify_command

    inventory = tmp_path / "inventory.yml"
    inventory.write_text(json.dumps({"glance-api": {"hosts": {"here": {"ansible_connection": "local"}}}}))
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text(json.dumps({"glance_file_datadir_volume": str(tmp_path),  # staging's host path: tmp_path/staging
                                        "glance_staging_store_uri": "file:///var/lib/glance/staging",
                                        "node_config_directory": str(tmp_path / "kolla")}))
    report = tmp_path / "verify.xml"
    arguments = main_parser_arguments("-c", str(globals_file), "-i", str(inventory), "--junitxml", str(report))
    with ThreadPoolExecutor(max_workers=1) as pool:
        preparing = pool.submit(verify_command.prepare, arguments)
    (tmp_path / "staging").mkdir(mode=0o750)  # made after prepare: run() looks at the host as it is then
    capsys.readouterr()
    working_directory = Path.cwd()

    returncode = preparing.result().run()

    run = VerifyRun(returncode, *capsys.readouterr())
    assert run.returncode == 1, run.describe()  # the config files were never deployed
    assert run.table[("here", "staging-not-world-readable")] == ("passed", "")
    assert run.table[("here", "import-conf-in-config-json")] == (
        "FAILED", f"cannot read {tmp_path}/kolla/glance-api/config.json: No such file or directory; "
                  "kolla's glance role writes it (genconfig or reconfigure, with the plugin integrated)")
    assert Path.cwd() == working_directory  # pytest ran in an empty directory of its own meanwhile
    cases = [(case.get("classname"), case.get("name")) for case in ElementTree.parse(report).getroot().iter("testcase")]
    assert ("here", "staging-not-world-readable") in cases


def test_prepare_raises_usage_errors_before_any_host_is_looked_at(tmp_path):
    from xdeploy_glance.cli import UsageError
    from xdeploy_glance.commands import verify as verify_command

    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[glance-api]\napi1 ansible_connection=local\n")
    with pytest.raises(UsageError, match="^no glance-api host matches --limit api9$"):
        verify_command.prepare(main_parser_arguments("-c", str(REPO / "examples" / "globals.yml"), "-i",
                                                     str(inventory), "--limit", "api9"))


def main_parser_arguments(*argv: str):
    """`xdeploy-glance verify ARGV`'s parsed arguments, as the CLI hands them to the command."""
    import argparse

    from xdeploy_glance.commands import verify as verify_command

    parser = argparse.ArgumentParser()
    verify_command.configure(parser)
    return parser.parse_args(argv)


# The facts script (run on each host, or in process for this machine) reads what the checks judge.

def test_the_facts_script_reads_files_the_glance_users_home_overrides_and_old_files(tmp_path):
    from xdeploy_glance.verify import remote_facts

    overrides = tmp_path / "glance-api.conf.d"
    overrides.mkdir()
    for name in ("10-a.conf", ".hidden.conf", "notes.txt"):
        (overrides / name).write_text("[DEFAULT]\n")
    (overrides / "dangling.conf").symlink_to(tmp_path / "missing.conf")  # oslo.config cannot read it either
    staging = tmp_path / "staging"
    staging.mkdir()
    old, recent = staging / f"{IMAGE_ID}.raw", staging / IMAGE_ID.replace("0f8e", "1f8e")
    for path in (old, recent):
        path.write_bytes(b"x" * 10)
    os.utime(old, (1700000000, 1700000000))
    (staging / "old-link").symlink_to(old)
    (tmp_path / "glance-api.conf").write_bytes(b"[DEFAULT]\ndebug = \xc3\xa9\n")

    facts = remote_facts.gather({
        "files": [str(tmp_path / "glance-api.conf"), str(tmp_path / "absent.conf")],
        "glance_user": "65534",  # a uid, as `getent passwd 65534` takes it: Debian's nobody
        "override_directories": ["~/.glance/glance.conf.d", str(overrides), str(tmp_path / "absent.d")],
        "leftovers": {"path": str(staging), "minutes": 60}}, probe_module=None)

    assert facts["files"] == {str(tmp_path / "glance-api.conf"): {"content": "W0RFRkFVTFRdCmRlYnVnID0gw6kK"},
                              str(tmp_path / "absent.conf"): {"error": "No such file or directory"}}
    assert facts["homes"] == {"65534": "/nonexistent"}
    assert facts["override_directories"] == {"directories": [str(overrides)], "files": [str(overrides / "10-a.conf")]}
    assert facts["old_files"][str(staging)]["files"] == [[old.name, 10, 1700000000.0]]
    assert "probe" not in facts
    assert remote_facts.gather({"glance_user": "no-such-user", "leftovers": {"path": str(tmp_path / "gone"),
                                                                             "minutes": 1}}, None) == {
        "files": {}, "homes": {"no-such-user": None}, "override_directories": {"directories": [], "files": []},
        "old_files": {str(tmp_path / "gone"): {"error": "No such file or directory"}}}


def test_without_a_listing_testinfra_runs_ansible_inventory_itself(tmp_path, monkeypatch):
    """The fallback where ansible-core has no private inventory_legacy encoder: slower, same hosts."""
    from testinfra.utils.ansible_runner import AnsibleRunner

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # as verify sets it
    from xdeploy_glance.verify.inventory_list import hand_to_testinfra

    inventory = tmp_path / "hosts.ini"
    inventory.write_text(INI_INVENTORY)
    hand_to_testinfra(str(inventory), None)
    runner = AnsibleRunner.get_runner(str(inventory))

    assert "inventory" not in vars(runner)  # not handed over: computed by running ansible-inventory when needed
    assert runner.get_hosts("glance-api") == ["ctl1", "ctl2"]
    assert runner.get_variables("ctl1")["glance_staging_concurrent_imports"] == 3


# Staging is a path inside kolla's glance_api container: the facts script places it on the host through
# the container's volumes (xdeploy_glance.volumes, shipped inside the script), as the role's probe action does.

def test_the_probe_arguments_carry_kolla_s_glance_api_volumes():
    from xdeploy_glance.verify.facts import probe_arguments

    expected = expectations_for("api1", {"glance_extra_volumes": ["/mnt/nfs:/var/lib/glance-import"]},
                                {"glance_file_datadir_volume": "/srv/glance", "kolla_container_engine": "podman",
                                 "docker_runtime_directory": "/data/engine", "node_config_directory": "/srv/kolla"})

    arguments = probe_arguments(expected)

    assert arguments["path"] == "/var/lib/glance/staging"
    assert arguments["volumes"] == ["/srv/kolla/glance-api/:/var/lib/kolla/config_files/:ro",
                                    "/etc/localtime:/etc/localtime:ro", "/srv/glance:/var/lib/glance/",
                                    "kolla_logs:/var/log/kolla/", "/dev/shm:/dev/shm", "/mnt/nfs:/var/lib/glance-import"]
    assert (arguments["container_engine"], arguments["docker_runtime_directory"]) == ("podman", "/data/engine")


def test_the_facts_script_probes_staging_at_its_host_path_in_process_and_on_the_host(tmp_path):
    import testinfra

    from xdeploy_glance.verify.facts import Target, gather_all

    data = tmp_path / "glance-volume"  # glance_file_datadir_volume, a host path kolla bind-mounts
    (data / "staging").mkdir(parents=True, mode=0o750)
    (data / "staging" / f"{IMAGE_ID}.raw").write_bytes(b"x")
    os.utime(data / "staging" / f"{IMAGE_ID}.raw", (1700000000, 1700000000))
    placement = {"volumes": [f"{data}:/var/lib/glance/", "kolla_logs:/var/log/kolla/"],
                 "container_engine": "docker", "docker_runtime_directory": ""}
    request = {"probe": {"path": "/var/lib/glance/staging", "owner": None, "group": None, **placement},
               "leftovers": {"path": "/var/lib/glance/staging", "minutes": 1, **placement}}
    nowhere = {"probe": {"path": "/srv/staging", "owner": None, "group": None, **placement}}
    label = f"staging /var/lib/glance/staging (host: {data}/staging)"

    found = gather_all([Target("in-process", request, None, ()),
                        Target("script", request, testinfra.get_host("local://").run, (sys.executable,)),
                        Target("nowhere", nowhere, testinfra.get_host("local://").run, (sys.executable,))], 3)

    def steady(probe):  # tmp_path's filesystem is shared with whatever else runs meanwhile
        return {key: value for key, value in probe.items() if key != "available_bytes"}

    assert steady(found["in-process"].probe) == steady(found["script"].probe)
    probe = found["script"].probe
    assert (probe["staging_path"], probe["container_path"], probe["host_path"]) == (
        f"{data}/staging", "/var/lib/glance/staging", f"{data}/staging")
    assert probe["staging_label"] == label and probe["exists"] and probe["is_directory"]
    assert probe["volume"]["source"] == str(data) and probe["volume"]["named"] is False
    old = found["script"].old_files["/var/lib/glance/staging"]
    assert old.label == label and [leftover.name for leftover in old.leftovers] == [f"{IMAGE_ID}.raw"]
    assert found["nowhere"].probe["failed"] and found["nowhere"].probe["msg"].startswith(
        "Glance staging /srv/staging (on no volume of glance_api): /srv/staging lies under no volume")
