"""`xdeploy-glance reconfigure` end to end: the real CLI runs ansible-playbook (precheck, config, staging) and verify."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.deployment import PASSWORD, SECRETS, Deployment, local_deployment

GLANCE_ID = 42415
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount filesystems and chown")
pytestmark = pytest.mark.root  # most tests here need root: -m root selects them with the other root-only modules


@pytest.fixture
def deployment(tmp_path, mount_tmpfs) -> Deployment:
    return local_deployment(tmp_path, mount_tmpfs)


def tree(root: Path) -> dict[str, tuple]:
    if not root.exists():
        return {}
    return {str(p): (p.lstat().st_mode, p.lstat().st_size, p.lstat().st_mtime_ns) for p in [root, *root.rglob("*")]}


def mode_and_owner(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return oct(info.st_mode & 0o7777), info.st_uid, info.st_gid


@root_only
def test_first_run_deploys_what_render_produces_then_verify_passes(deployment):
    values = deployment.write_globals()

    run = deployment.reconfigure()

    assert run.returncode == 0, run.describe()
    for name, text in deployment.expected_files(values).items():
        assert (deployment.config_dir / name).read_text() == text
        assert mode_and_owner(deployment.config_dir / name) == ("0o640", 0, 0)
    assert mode_and_owner(deployment.staging) == ("0o750", GLANCE_ID, GLANCE_ID)
    assert deployment.restarts == ["restarted"]
    assert run.recap["localhost"]["failed"] == 0
    assert "Glance host verification" in run.stdout
    assert " passed, " in run.stdout.rsplit("\n", 2)[-2] and " failed" not in run.stdout.rsplit("\n", 2)[-2]
    assert PASSWORD not in run.stdout + run.stderr


@root_only
def test_second_run_changes_nothing_and_restarts_nothing(deployment):
    assert deployment.reconfigure("--no-verify").returncode == 0

    again = deployment.reconfigure("--no-verify")

    assert again.returncode == 0, again.describe()
    assert again.recap["localhost"]["changed"] == 0, again.describe()
    assert deployment.restarts == ["restarted"]
    assert "Glance host verification" not in again.stdout


@root_only
def test_a_changed_config_restarts_once_and_the_diff_masks_secrets(deployment):
    assert deployment.reconfigure("--no-verify").returncode == 0
    deployment.passwords_file.write_text(json.dumps({**SECRETS, "glance_database_password": "n3w-s3cret"}))
    deployment.write_globals(glance_database_address="db2.example")

    run = deployment.reconfigure("--no-verify", "--diff", "-vvv")

    assert run.returncode == 0, run.describe()
    assert run.recap["localhost"]["changed"] == 2, run.describe()  # glance-api.conf and the restart handler
    assert deployment.restarts == ["restarted", "restarted"]
    assert "glance:n3w-s3cret@db2.example" in (deployment.config_dir / "glance-api.conf").read_text()
    output = run.stdout + run.stderr
    for secret in ("n3w-s3cret", PASSWORD, "p%40ss%20w0rd", "k3ystone-secret"):
        assert secret not in output
    assert f"+++ after: {deployment.config_dir / 'glance-api.conf'}" in output
    assert "-connection = mysql+pymysql://glance:********@db.example/glance" in output
    assert "+connection = mysql+pymysql://glance:********@db2.example/glance" in output


@root_only
def test_a_host_failing_staging_still_restarts_for_its_new_config(deployment):
    deployment.write_globals(glance_staging_max_image_size="1G")  # more than the 64 MiB tmpfs holds

    run = deployment.reconfigure()

    assert run.returncode == 2, run.describe()
    assert run.failure_messages("localhost")[0].startswith("Not enough space for Glance staging")
    assert (deployment.config_dir / "glance-api.conf").is_file()
    assert deployment.restarts == ["restarted"]
    assert "Glance host verification" not in run.stdout


@root_only
def test_invalid_globals_stop_before_any_host_is_touched(deployment):
    deployment.write_globals(glance_image_import_plugins="image_conversion,image_decompression")
    before = tree(deployment.root)

    run = deployment.reconfigure()

    assert run.returncode == 2, run.describe()
    assert ("The Glance image-import settings have 1 error; no host was changed:\nerror [plugin-order] "
            "glance_image_import_plugins: image_decompression is listed after image_conversion") \
        in run.failure_messages("localhost")[0]
    assert tree(deployment.root) == before
    assert run.recap["localhost"]["ok"] == 0
    assert "Glance host verification" not in run.stdout


@root_only
def test_check_mode_on_a_fresh_host_changes_nothing(deployment):
    before = tree(deployment.root)

    run = deployment.reconfigure("--check", "--diff")

    assert run.returncode == 0, run.describe()
    assert run.recap["localhost"]["changed"] == 2, run.describe()  # the config (directories and files), staging
    assert tree(deployment.root) == before
    assert deployment.restarts == []
    assert "Glance host verification" not in run.stdout


@root_only
def test_an_empty_restart_command_disables_the_restart(deployment):
    deployment.write_globals(glance_api_restart_command="")

    run = deployment.reconfigure("--no-verify")

    assert run.returncode == 0, run.describe()
    assert deployment.restarts == []
    handler = run.stdout.split("RUNNING HANDLER [glance_import_config : Restart glance-api container]", 1)
    assert len(handler) == 2, run.describe()  # notified by the new config files
    assert handler[1].splitlines()[1] == "skipping: [localhost]", run.describe()  # its `when` said no


@root_only
def test_override_files_are_merged_with_their_jinja_resolved(deployment):
    overrides = deployment.workdir / "config"
    (overrides / "glance" / "localhost").mkdir(parents=True)
    (overrides / "glance.conf").write_text("[DEFAULT]\nworkers = {{ override_workers }}\n")
    (overrides / "glance" / "localhost" / "glance-api.conf").write_text(
        "[DEFAULT]\n{% if inventory_hostname == 'localhost' %}bind_port = 9393\n{% endif %}\n")

    run = deployment.reconfigure("--no-verify", "--overrides", str(overrides), "-e", "override_workers=3")

    assert run.returncode == 0, run.describe()
    deployed = (deployment.config_dir / "glance-api.conf").read_text()
    assert "\nworkers = 3\n" in deployed
    assert "\nbind_port = 9393\n" in deployed


@root_only
def test_ssh_hosts_each_get_their_own_config_and_staging(tmp_path, ssh_hosts):
    hosts = ssh_hosts({"api1": "64m", "api2": "64m"}, host_vars={
        name: {"glance_worker_self_reference_url": f"http://{name}.example:9292"} for name in ("api1", "api2")})
    root = hosts.staging_parent  # a tmpfs of its own on every host
    deployment = Deployment(tmp_path, root, tmp_path / "globals.yml", tmp_path / "passwords.yml", hosts.inventory)
    deployment.passwords_file.write_text(json.dumps(SECRETS))
    deployment.write_globals(glance_api_restart_command="")

    run = deployment.reconfigure()

    assert run.returncode == 0, run.describe()
    for name in ("api1", "api2"):
        deployed = hosts.run_on(name, f"cat {deployment.config_dir / 'glance-api.conf'}")
        assert f"worker_self_reference_url = http://{name}.example:9292\n" in deployed
        assert hosts.run_on(name, f"stat -c %u:%a {deployment.staging}").strip() == f"{GLANCE_ID}:750"
    assert run.recap["api1"]["failed"] == run.recap["api2"]["failed"] == 0
    assert "api1  passed   config-matches-render glance-api.conf" in run.stdout
    assert "api2  passed   config-matches-render glance-api.conf" in run.stdout


def test_usage_errors_exit_2_before_ansible_starts(tmp_path):
    missing = subprocess.run([sys.executable, "-m", "xdeploy_glance", "reconfigure", "-c", str(tmp_path / "nope.yml"),
                              "-i", str(tmp_path / "inventory")], capture_output=True, text=True)
    (tmp_path / "globals.yml").write_text("glance_staging_max_image_size: 1G\n")
    no_inventory = subprocess.run([sys.executable, "-m", "xdeploy_glance", "reconfigure", "-c",
                                   str(tmp_path / "globals.yml")], capture_output=True, text=True)

    assert missing.returncode == 2 and "nope.yml: no such file or directory" in missing.stderr
    assert no_inventory.returncode == 2 and "no inventory given" in no_inventory.stderr
    assert "PLAY" not in missing.stdout + no_inventory.stdout


def test_an_inventory_without_glance_api_hosts_is_a_usage_error_after_the_play(tmp_path):
    # verify is prepared while the play runs; its verdict on the inventory comes once the play is over
    (tmp_path / "globals.yml").write_text("glance_staging_max_image_size: 1G\n")
    (tmp_path / "inventory").write_text("[control]\nlocalhost ansible_connection=local\n")

    run = subprocess.run([sys.executable, "-m", "xdeploy_glance", "reconfigure", "-c", str(tmp_path / "globals.yml"),
                          "-i", str(tmp_path / "inventory")], capture_output=True, text=True, cwd=tmp_path)

    assert run.returncode == 2, run.stdout + run.stderr
    assert "no group 'glance-api' (kolla's name for the Glance API hosts)" in run.stderr
    assert "skipping: no hosts matched" in run.stdout
    assert "Traceback" not in run.stderr
