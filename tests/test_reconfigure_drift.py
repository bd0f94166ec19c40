"""What a reconfigure run costs on a host that needs nothing, and that drift is still found and fixed.

A run that changes nothing runs one module per host: the precheck role's glance_import_facts, which
reads the config directory, its files and the staging probe at once. The config role then finds
nothing to write and the staging role reuses the probe, so neither runs a module; any drift makes
the role that owns it run its module, which fixes it (or, in check mode, shows it). Counted from
Ansible's own -vvv output: one EXEC per module run with pipelining.
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
GATHER_MODULE = "glance_import_facts"
CONFIG_MODULE = "glance_import_config_files"


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


def test_a_run_that_changes_nothing_runs_one_module_on_the_host(deployment):
    assert deployment.reconfigure("--no-verify").returncode == 0

    again = deployment.reconfigure("--no-verify", "-vvv")

    assert again.returncode == 0, again.describe()
    assert again.recap["localhost"]["changed"] == 0, again.describe()
    assert again.remote_commands == {"localhost": 1}, again.describe()
    assert again.modules_run == {GATHER_MODULE: 1}, again.describe()
    assert deployment.restarts == ["restarted"]


@pytest.mark.parametrize("args", [("--check", "--diff"), ("--tags", "glance_config"),
                                  ("--tags", "glance_staging_capacity")], ids=["check", "config", "capacity"])
def test_check_mode_and_any_tag_also_read_the_host_once(deployment, args):
    assert deployment.reconfigure("--no-verify").returncode == 0

    again = deployment.reconfigure("--no-verify", "-vvv", *args)

    assert again.returncode == 0, again.describe()
    assert again.recap["localhost"]["changed"] == 0, again.describe()
    assert again.modules_run == {GATHER_MODULE: 1}, again.describe()


def test_a_run_that_changes_nothing_runs_one_module_on_each_ssh_host_and_drift_only_where_it_is(tmp_path, ssh_hosts):
    hosts = ssh_hosts({"api1": "64m", "api2": "64m"})
    deployment = Deployment(tmp_path, hosts.staging_parent, tmp_path / "globals.yml", tmp_path / "passwords.yml",
                            hosts.inventory)
    deployment.passwords_file.write_text(json.dumps(SECRETS))
    deployment.write_globals(glance_api_restart_command="")
    assert deployment.reconfigure("--no-verify").returncode == 0

    again = deployment.reconfigure("--no-verify", "-vvv")
    hosts.run_on("api2", f"chmod 0777 {deployment.staging}")  # each host has its own staging filesystem
    fixed = deployment.reconfigure("--no-verify", "-vvv")

    assert again.returncode == 0, again.describe()
    assert again.recap["api1"]["changed"] == again.recap["api2"]["changed"] == 0, again.describe()
    assert again.remote_commands == {"127.0.0.1": 2}, again.describe()  # every sshd listens there, on its own port
    assert again.modules_run == {GATHER_MODULE: 2}, again.describe()
    assert fixed.returncode == 0, fixed.describe()
    assert (fixed.recap["api1"]["changed"], fixed.recap["api2"]["changed"]) == (0, 1), fixed.describe()
    assert fixed.modules_run == {GATHER_MODULE: 2, "file": 1}, fixed.describe()  # api2's staging directory task
    assert hosts.run_on("api2", f"stat -c %a {deployment.staging}").strip() == "750"


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


def edit(path: Path) -> None:
    path.write_text(path.read_text() + "# edited by hand\n")


@pytest.mark.parametrize("name, drift, shown", [
    ("glance-api.conf", edit, "+++ after: {path}"),
    ("glance-image-import.conf", lambda path: path.unlink(), "+++ after: {path}"),
    ("glance-image-import.conf", lambda path: path.chmod(0o644), '-    "mode": "0644",\n+    "mode": "0640",'),
    ("glance-api.conf", lambda path: os.chown(path, GLANCE_ID, 0), f'-    "owner": {GLANCE_ID},\n+    "owner": 0,'),
], ids=["content", "deleted", "chmod", "chown"])
def test_config_file_drift_is_shown_in_check_mode_then_fixed_with_a_restart(deployment, name, drift, shown):
    values = deployment.write_globals()
    assert deployment.reconfigure("--no-verify").returncode == 0
    path = deployment.config_dir / name
    drift(path)
    drifted = tree(deployment.config_dir)

    checked = deployment.reconfigure("--no-verify", "--check", "--diff", "-vvv")
    assert tree(deployment.config_dir) == drifted  # check mode left it alone
    fixed = deployment.reconfigure("--no-verify", "--diff", "-vvv")

    for run in (checked, fixed):
        assert run.returncode == 0, run.describe()
        assert run.recap["localhost"]["changed"] == 1 + (run is fixed), run.describe()  # and the restart handler
        assert shown.format(path=path) in run.stdout, run.describe()
        # "command": the restart handler, which in check mode the command module skips on the host
        assert run.modules_run == {GATHER_MODULE: 1, CONFIG_MODULE: 1, "command": 1}, run.describe()
    for file_name, text in deployment.expected_files(values).items():
        assert (deployment.config_dir / file_name).read_text() == text
        assert owner_and_mode(deployment.config_dir / file_name) == (0, 0, "0o640")
    assert deployment.restarts == ["restarted", "restarted"]


def test_the_diff_of_a_hand_edited_file_shows_the_edit_and_masks_only_secrets(deployment):
    deployment.write_globals()
    assert deployment.reconfigure("--no-verify").returncode == 0
    path = deployment.config_dir / "glance-api.conf"
    edit(path)  # the old text is the new one plus a line

    checked = deployment.reconfigure("--no-verify", "--check", "--diff")

    assert checked.returncode == 0, checked.describe()
    removed = [line for line in checked.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    # the module's new contents are no_log: Ansible would mask them wherever they occur in the old text
    assert removed == ["-# edited by hand"], checked.describe()
    assert SECRETS["glance_database_password"] not in checked.stdout


@pytest.mark.parametrize("drift, shown", [
    (lambda path: path.chmod(0o777), '-    "mode": "0777",\n+    "mode": "0750",'),
    (lambda path: os.chown(path, 0, 0), f'-    "group": 0,\n-    "owner": 0,\n+    "group": {GLANCE_ID},\n+    "owner": {GLANCE_ID},'),
    (lambda path: path.rmdir(), '-    "state": "absent"\n+    "state": "directory"'),
], ids=["chmod", "chown", "deleted"])
def test_staging_directory_drift_is_shown_in_check_mode_then_fixed_from_the_gathered_probe(deployment, drift, shown):
    assert deployment.reconfigure("--no-verify").returncode == 0
    drift(deployment.staging)
    drifted = tree(deployment.staging.parent)

    checked = deployment.reconfigure("--no-verify", "--check", "--diff", "-vvv")
    assert tree(deployment.staging.parent) == drifted
    fixed = deployment.reconfigure("--no-verify", "--diff", "-vvv")

    for run in (checked, fixed):
        assert run.returncode == 0, run.describe()
        assert run.recap["localhost"]["changed"] == 1, run.describe()
        assert shown in run.stdout, run.describe()
        assert run.modules_run == {GATHER_MODULE: 1, "file": 1}, run.describe()  # the staging directory task
    assert owner_and_mode(deployment.staging) == (GLANCE_ID, GLANCE_ID, "0o750")
    assert deployment.restarts == ["restarted"]


def test_a_failed_probe_fails_the_staging_role_after_the_config_was_deployed(deployment):
    deployment.write_globals(glance_staging_owner="no-such-user")

    run = deployment.reconfigure("--no-verify", "-vvv")

    assert run.returncode == 2, run.describe()
    assert run.failure_messages("localhost") == [
        f"Cannot probe the staging filesystem for {deployment.staging}: user 'no-such-user' does not exist on this host"]
    assert run.modules_run == {GATHER_MODULE: 1, CONFIG_MODULE: 1, "command": 1}, run.describe()  # and the restart
    assert (deployment.config_dir / "glance-api.conf").is_file()
    assert deployment.restarts == ["restarted"]  # force_handlers: the new config is live
    assert not deployment.staging.exists()
