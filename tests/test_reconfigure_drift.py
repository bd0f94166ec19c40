"""What a reconfigure run costs on a host that needs nothing, and that drift is still found and fixed.

A run that changes nothing should run two modules per host: the config module (which also keeps the
glance-api directory in shape) and the staging probe (whose figures let the staging directory task
be skipped). Counted from Ansible's own -vvv output: one EXEC per module run with pipelining.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from tests.support.deployment import SECRETS, Deployment, local_deployment

GLANCE_ID = 42415
pytestmark = [pytest.mark.root, pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount filesystems")]
# Each module once per host when nothing changes.
NO_CHANGE_MODULES = ("glance_import_config_files", "glance_staging_probe")


@pytest.fixture
def deployment(tmp_path, mount_tmpfs) -> Deployment:
    return local_deployment(tmp_path, mount_tmpfs)


def tree(root: Path) -> dict[str, tuple]:
    return {str(p): (p.lstat().st_uid, p.lstat().st_gid, p.lstat().st_mode, p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in [root, *sorted(root.rglob("*"))]}


def owner_and_mode(path: Path) -> tuple[int, int, str]:
    info = path.stat()
    return info.st_uid, info.st_gid, oct(stat.S_IMODE(info.st_mode))


def creation_diff(directory: Path) -> str:
    """How --diff shows a directory to be created, as the file module does."""
    return f'     "path": "{directory}",\n-    "state": "absent"\n+    "state": "directory"'


def test_a_run_that_changes_nothing_runs_two_modules_on_the_host(deployment):
    assert deployment.reconfigure("--no-verify").returncode == 0

    again = deployment.reconfigure("--no-verify", "-vvv")

    assert again.returncode == 0, again.describe()
    assert again.recap["localhost"]["changed"] == 0, again.describe()
    assert again.remote_commands == {"localhost": 2}, again.describe()
    assert again.modules_run == {name: 1 for name in NO_CHANGE_MODULES}, again.describe()


def test_a_run_that_changes_nothing_runs_two_modules_on_each_ssh_host(tmp_path, ssh_hosts):
    hosts = ssh_hosts({"api1": "64m", "api2": "64m"})
    deployment = Deployment(tmp_path, hosts.staging_parent, tmp_path / "globals.yml", tmp_path / "passwords.yml",
                            hosts.inventory)
    deployment.passwords_file.write_text(json.dumps(SECRETS))
    deployment.write_globals(glance_api_restart_command="")
    assert deployment.reconfigure("--no-verify").returncode == 0

    again = deployment.reconfigure("--no-verify", "-vvv")

    assert again.returncode == 0, again.describe()
    assert again.recap["api1"]["changed"] == again.recap["api2"]["changed"] == 0, again.describe()
    assert again.remote_commands == {"127.0.0.1": 4}, again.describe()  # every sshd listens there, on its own port
    assert again.modules_run == {name: 2 for name in NO_CHANGE_MODULES}, again.describe()


@pytest.mark.parametrize("drift, diff_lines", [
    (lambda path: path.chmod(0o777), '-    "mode": "0777",\n+    "mode": "0750",'),
    (lambda path: os.chown(path, GLANCE_ID, GLANCE_ID),
     f'-    "group": {GLANCE_ID},\n-    "owner": {GLANCE_ID},\n+    "group": 0,\n+    "owner": 0,'),
], ids=["chmod", "chown"])
def test_config_directory_drift_is_shown_in_check_mode_then_fixed_without_a_restart(deployment, drift, diff_lines):
    assert deployment.reconfigure("--no-verify").returncode == 0
    drift(deployment.config_dir)
    drifted = owner_and_mode(deployment.config_dir)

    checked = deployment.reconfigure("--no-verify", "--check", "--diff")
    assert owner_and_mode(deployment.config_dir) == drifted  # check mode left it alone
    fixed = deployment.reconfigure("--no-verify", "--diff")

    for run in (checked, fixed):
        assert run.returncode == 0, run.describe()
        assert run.recap["localhost"]["changed"] == 1, run.describe()
        assert diff_lines in run.stdout, run.describe()
    assert owner_and_mode(deployment.config_dir) == (0, 0, "0o750")
    # the files glance-api reads did not change: kolla would not restart it, and neither does the role
    assert deployment.restarts == ["restarted"]


def test_a_deleted_config_directory_is_shown_in_check_mode_then_recreated_and_restarts(deployment):
    assert deployment.reconfigure("--no-verify").returncode == 0
    shutil.rmtree(deployment.config_dir)

    checked = deployment.reconfigure("--no-verify", "--check", "--diff")
    assert not deployment.config_dir.exists()
    fixed = deployment.reconfigure("--no-verify", "--diff")

    for run in (checked, fixed):
        assert run.returncode == 0, run.describe()
        assert run.recap["localhost"]["changed"] == 1 + (run is fixed), run.describe()  # and the restart handler
        assert creation_diff(deployment.config_dir) in run.stdout, run.describe()
        assert f"+++ after: {deployment.config_dir / 'glance-api.conf'}" in run.stdout
    assert owner_and_mode(deployment.config_dir) == (0, 0, "0o750")
    assert sorted(p.name for p in deployment.config_dir.iterdir()) == ["glance-api.conf", "glance-image-import.conf"]
    assert deployment.restarts == ["restarted", "restarted"]


def test_missing_parents_of_node_config_directory_are_created_world_traversable(deployment):
    node_config_directory = deployment.root / "etc" / "kolla"
    deployment.write_globals(node_config_directory=str(node_config_directory))
    before = tree(deployment.root)

    checked = deployment.reconfigure("--no-verify", "--check", "--diff")
    assert tree(deployment.root) == before
    run = deployment.reconfigure("--no-verify")

    assert checked.returncode == 0, checked.describe()
    assert checked.recap["localhost"]["changed"] == 2, checked.describe()  # the config and the staging directory
    for directory in (deployment.root / "etc", node_config_directory, node_config_directory / "glance-api"):
        assert creation_diff(directory) in checked.stdout, checked.describe()
    assert run.returncode == 0, run.describe()
    assert owner_and_mode(deployment.root / "etc") == (0, 0, "0o755")
    assert owner_and_mode(node_config_directory) == (0, 0, "0o755")
    assert owner_and_mode(node_config_directory / "glance-api") == (0, 0, "0o750")
    assert (node_config_directory / "glance-api" / "glance-api.conf").is_file()


def test_a_config_directory_path_taken_by_a_file_fails_and_stays_untouched(deployment):
    deployment.config_dir.parent.mkdir()
    deployment.config_dir.write_text("not a directory\n")

    run = deployment.reconfigure("--no-verify")

    assert run.returncode == 2, run.describe()
    assert run.failure_messages("localhost") == [
        f"{deployment.config_dir}: it exists and is not a directory; it was left untouched"]
    assert deployment.config_dir.read_text() == "not a directory\n"
    assert deployment.restarts == []
