"""The staging part of the xdeploy.glance.glance_import role, run by real ansible-playbook against real filesystems of known size.

glance_staging_store_uri is a path inside kolla's glance_api container (issue 12): the role probes and
creates staging at its host path. Most tests bind-mount the directory holding a host path `staging` at
/var/lib/glance/ (glance_file_datadir_volume: a host path); the named volume, the engine's default
location and an extra volume at the staging path have tests of their own at the end.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.support.ansible_run import VENV_BIN, local_inventory, run_playbook
from tests.test_volumes import fake_engine

pytestmark = [pytest.mark.root(reason="needs root to mount filesystems")]

PLAYBOOK = Path(__file__).parent / "playbooks" / "staging.yml"
MIB = 1024 * 1024
GLANCE_ID = 42415


CONTAINER_DATA = "/var/lib/glance"


def staging_vars(staging: Path, **overrides) -> dict:
    """Glance stages at /var/lib/glance/<staging's name> in the container; kolla's glance_file_datadir_volume
    bind-mounts staging's parent (a host path) there, so `staging` is the host path."""
    # kolla_action=deploy also writes the plugin's kolla inputs: into a scratch node_custom_config
    return {"kolla_action": "deploy", "node_custom_config": str(staging.parent / "kolla-config"),
            "glance_file_datadir_volume": str(staging.parent),
            "glance_staging_store_uri": f"file://{CONTAINER_DATA}/{staging.name}", "glance_staging_max_image_size": "4M",
            "glance_staging_concurrent_imports": 1, "glance_staging_headroom_percent": 0, **overrides}


def label(staging: Path, container: str | None = None) -> str:
    """How every message names staging: the container path, then the host path."""
    return f"staging {container or CONTAINER_DATA + '/' + staging.name} (host: {staging})"


def run_role(tmp_path: Path, staging: Path, check: bool = False, diff: bool = False, tags: str | None = None,
             extra_args: tuple[str, ...] = (), **overrides):
    # the plugin's kolla inputs go beside the test, never onto the filesystem under test
    extra_vars = {**staging_vars(staging, node_custom_config=str(tmp_path / "kolla-config")), **overrides}
    return run_playbook(PLAYBOOK, local_inventory(tmp_path), tmp_path, extra_vars=extra_vars,
                        check=check, diff=diff, tags=tags, extra_args=extra_args)


def tree(root: Path) -> dict[str, tuple]:
    """Every path under root with its owner, mode, size and mtime: what 'changed nothing' means."""
    entries = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        entries[str(path)] = (info.st_uid, info.st_gid, info.st_mode, info.st_size, info.st_mtime_ns)
    return entries


def owner_and_mode(path: Path) -> tuple[int, int, str]:
    info = path.stat()
    return info.st_uid, info.st_gid, oct(stat.S_IMODE(info.st_mode))


# Capacity: a 64 MiB tmpfs holds exactly 67108864 bytes. With 2 imports and 10% headroom the need
# is ceil(2.2 × size): 30504029 bytes need 67108864 (fits exactly); one byte more needs 67108866.

def test_capacity_passes_when_the_need_equals_the_free_space(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("64m")
    staging = tmpfs.mount_point / "staging"

    run = run_role(tmp_path, staging, glance_staging_max_image_size=30504029, glance_staging_concurrent_imports=2,
                   glance_staging_headroom_percent=10)

    assert run.returncode == 0, run.describe()
    assert owner_and_mode(staging) == (GLANCE_ID, GLANCE_ID, "0o750")


def test_capacity_fails_one_byte_over_with_the_exact_numbers(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("64m")
    staging = tmpfs.mount_point / "staging"

    run = run_role(tmp_path, staging, glance_staging_max_image_size=30504030, glance_staging_concurrent_imports=2,
                   glance_staging_headroom_percent=10)

    assert run.returncode == 2, run.describe()
    assert run.failure_messages("localhost") == [
        f"Not enough space for Glance {label(staging)}: need 64.0 MiB (= 2 × 29.1 MiB + 10%), available "
        f"64.0 MiB on tmpfs (tmpfs) at {tmpfs.mount_point}; in bytes: need 67108866, available 67108864"]
    assert not staging.exists()  # a host that fails a check is not touched


def test_conversion_to_raw_counts_the_virtual_size(tmp_path, loop_ext4):
    ext4 = loop_ext4(48)
    staging = ext4.mount_point / "staging"
    available = os.statvfs(ext4.mount_point).f_bavail * os.statvfs(ext4.mount_point).f_frsize

    run = run_role(tmp_path, staging, glance_staging_max_image_size="8M", glance_staging_max_virtual_size="40M",
                   glance_image_import_plugins="image_conversion", glance_image_conversion_output_format="raw")

    assert run.returncode == 2, run.describe()
    assert run.failure_messages("localhost")[0].startswith(
        f"Not enough space for Glance {label(staging)}: need 48.0 MiB (= 1 × (8.0 MiB + 40.0 MiB raw)), "
        f"available ")
    assert run.failure_messages("localhost")[0].endswith(
        f" on {ext4.device} (ext4) at {ext4.mount_point}; in bytes: need {48 * MIB}, available {available}")

    run = run_role(tmp_path, staging, glance_staging_max_image_size="8M", glance_staging_max_virtual_size="40M",
                   glance_image_import_plugins="image_conversion", glance_image_conversion_output_format="qcow2")

    assert run.returncode == 0, run.describe()


def test_rotational_device_warns_by_default_and_fails_on_policy_fail(tmp_path, loop_ext4, set_rotational):
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "staging"
    set_rotational(ext4.device_name, True)

    warned = run_role(tmp_path, staging)
    failed = run_role(tmp_path, staging / "other", glance_staging_rotational_policy="fail")
    ignored = run_role(tmp_path, staging, glance_staging_rotational_policy="ignore")

    reason = f"{ext4.device_name}: /sys/devices/virtual/block/{ext4.device_name}/queue/rotational = 1"
    assert warned.returncode == 0, warned.describe()
    assert warned.warnings == [
        f"localhost: Glance {label(staging)} is on a rotational device ({reason}): imports will be slow. Virtio "
        "disks report themselves as rotational; if this one is SSD-backed, set glance_staging_rotational_policy: "
        "ignore"]
    assert failed.returncode == 2, failed.describe()
    assert failed.failure_messages("localhost") == [
        f"Glance {label(staging / 'other')} is on a rotational device ({reason}) and "
        "glance_staging_rotational_policy is fail: move staging to an SSD, or set the policy to warn"]
    assert not (staging / "other").exists()
    assert ignored.returncode == 0 and ignored.warnings == [], ignored.describe()


def test_non_rotational_device_passes_policy_fail_without_warnings(tmp_path, loop_ext4, set_rotational):
    ext4 = loop_ext4(16)
    set_rotational(ext4.device_name, False)

    run = run_role(tmp_path, ext4.mount_point / "staging", glance_staging_rotational_policy="fail")

    assert run.returncode == 0, run.describe()
    assert run.warnings == []


def test_tmpfs_is_detected_and_warned_about(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("16m")
    staging = tmpfs.mount_point / "staging"

    run = run_role(tmp_path, staging)

    assert run.returncode == 0, run.describe()
    assert run.warnings == [f"localhost: Glance {label(staging)} is on tmpfs (tmpfs at {tmpfs.mount_point}): it "
                            "takes RAM, and images being imported are lost on reboot"]


def test_shared_staging_requires_a_network_filesystem(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "staging"

    run = run_role(tmp_path, staging, glance_staging_shared=True)

    assert run.returncode == 2, run.describe()
    assert run.failure_messages("localhost")[0].startswith(
        f"glance_staging_shared is true, but {label(staging)} is on ext4 ({ext4.device} at {ext4.mount_point}), which "
        "other glance-api hosts cannot see; mount a network filesystem (")


def test_missing_parents_are_created_root_owned_and_only_staging_is_glance_owned(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("16m")
    staging = tmpfs.mount_point / "a" / "b" / "staging"

    run = run_role(tmp_path, staging)

    assert run.returncode == 0, run.describe()
    assert owner_and_mode(tmpfs.mount_point / "a") == (0, 0, "0o755")
    assert owner_and_mode(tmpfs.mount_point / "a" / "b") == (0, 0, "0o755")
    assert owner_and_mode(staging) == (GLANCE_ID, GLANCE_ID, "0o750")


def test_second_run_changes_nothing(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "a" / "staging"

    first = run_role(tmp_path, staging)
    second = run_role(tmp_path, staging)

    # the plugin's kolla inputs (a fresh node_custom_config beside the test), the parent and the staging directory
    assert first.recap["localhost"]["changed"] == 3, first.describe()
    assert second.returncode == 0, second.describe()
    assert second.recap["localhost"]["changed"] == 0, second.describe()
    assert second.recap["localhost"]["failed"] == 0


@pytest.mark.parametrize("mode", ["0750", "750"])
def test_second_run_only_probes(tmp_path, loop_ext4, mode):
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "staging"
    assert run_role(tmp_path, staging, glance_staging_mode=mode).returncode == 0

    second = run_role(tmp_path, staging, extra_args=("-vvv",), glance_staging_mode=mode)

    assert second.returncode == 0, second.describe()
    assert second.modules_run == {"glance_staging_probe": 1}, second.describe()  # the directory task was skipped
    assert second.recap["localhost"]["changed"] == 0, second.describe()
    assert owner_and_mode(staging) == (GLANCE_ID, GLANCE_ID, "0o750")


@pytest.mark.parametrize("mode, reason", [
    (488, "488 is a number: YAML 1.1 reads an unquoted mode such as 0750 as an octal number (488)"),
    ("u=rwx,g=rx,o=", "'u=rwx,g=rx,o=' does not match the expected form"),
])
def test_a_mode_the_schema_refuses_stops_the_play_before_any_host_is_touched(tmp_path, loop_ext4, mode, reason):
    """The role validates first (the schema's glance_staging_mode: an octal string): YAML's unquoted 0750 and
    symbolic modes never reach the directory task."""
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "staging"

    run = run_role(tmp_path, staging, glance_staging_mode=mode)

    assert run.returncode == 2, run.describe()
    [message] = run.failure_messages("localhost")
    assert "error [schema] glance_staging_mode: " + reason in message
    assert not staging.exists()


def test_check_mode_on_a_fresh_host_changes_nothing_on_disk(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "a" / "staging"
    before = tree(ext4.mount_point)

    run = run_role(tmp_path, staging, check=True, diff=True)

    assert run.returncode == 0, run.describe()
    assert run.recap["localhost"]["changed"] == 3  # what a real run would do: the inputs, the parent, staging
    assert tree(ext4.mount_point) == before
    assert '-    "state": "absent"\n+    "state": "directory"' in run.stdout


def test_diff_shows_mode_drift_and_the_run_repairs_it(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "staging"
    assert run_role(tmp_path, staging).returncode == 0
    staging.chmod(0o777)

    checked = run_role(tmp_path, staging, check=True, diff=True)
    assert staging.stat().st_mode & 0o777 == 0o777  # check mode left it alone
    repaired = run_role(tmp_path, staging, diff=True)

    for run in (checked, repaired):
        assert run.recap["localhost"]["changed"] == 1, run.describe()
        assert '-    "mode": "0777",\n+    "mode": "0750",' in run.stdout
    assert owner_and_mode(staging) == (GLANCE_ID, GLANCE_ID, "0o750")


def test_diff_shows_owner_drift_and_the_run_repairs_it(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "staging"
    assert run_role(tmp_path, staging).returncode == 0
    os.chown(staging, 0, 0)

    checked = run_role(tmp_path, staging, check=True, diff=True)
    assert owner_and_mode(staging) == (0, 0, "0o750")  # check mode left it alone
    repaired = run_role(tmp_path, staging, diff=True)

    for run in (checked, repaired):
        assert run.recap["localhost"]["changed"] == 1, run.describe()
        assert (f'-    "group": 0,\n-    "owner": 0,\n+    "group": {GLANCE_ID},\n+    "owner": {GLANCE_ID},'
                in run.stdout), run.describe()
    assert owner_and_mode(staging) == (GLANCE_ID, GLANCE_ID, "0o750")


def test_files_in_staging_survive_any_number_of_runs(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "staging"
    staging.mkdir()
    os.chown(staging, GLANCE_ID, GLANCE_ID)
    image = staging / "1b4a4a3c-5f7e-4d07-9a6e-0c3f2c8d9e10"
    image.write_bytes(os.urandom(MIB))
    os.chown(image, GLANCE_ID, GLANCE_ID)
    lock = staging / "running-task-1b4a4a3c-5f7e-4d07-9a6e-0c3f2c8d9e10"
    lock.write_text("")
    os.chown(lock, GLANCE_ID, GLANCE_ID)
    contents = image.read_bytes()
    before = tree(staging)

    for _ in range(3):
        run = run_role(tmp_path, staging)
        assert run.returncode == 0, run.describe()

    after = tree(staging)
    assert after.pop(str(staging))[2] & 0o777 == 0o750  # the directory itself was brought to its mode...
    before.pop(str(staging))
    assert after == before  # ...and every entry in it is exactly as it was
    assert image.read_bytes() == contents


def test_refuses_to_reown_a_directory_holding_files_of_other_owners(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)
    staging = ext4.mount_point / "data"
    staging.mkdir()
    (staging / "notes.txt").write_text("someone's data")
    (staging / "report.pdf").write_text("more")

    refused = run_role(tmp_path, staging)

    assert refused.returncode == 2, refused.describe()
    assert refused.failure_messages("localhost") == [
        f"Refusing to re-own {label(staging)} from 0:0 to {GLANCE_ID}:{GLANCE_ID}: it holds 2 entries of other owners "
        "(notes.txt, report.pdf). Point glance_staging_store_uri at a directory of its own, or set "
        "glance_staging_allow_reown: true"]
    assert owner_and_mode(staging)[:2] == (0, 0)

    allowed = run_role(tmp_path, staging, glance_staging_allow_reown=True)

    assert allowed.returncode == 0, allowed.describe()
    assert owner_and_mode(staging) == (GLANCE_ID, GLANCE_ID, "0o750")
    assert (staging / "notes.txt").stat().st_uid == 0  # never recursive
    assert (staging / "notes.txt").read_text() == "someone's data"


def test_an_empty_mount_point_may_be_owned_despite_lost_and_found(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)

    run = run_role(tmp_path, ext4.mount_point)

    assert run.returncode == 0, run.describe()
    assert owner_and_mode(ext4.mount_point) == (GLANCE_ID, GLANCE_ID, "0o750")


@pytest.mark.parametrize("system_directory", ["/var/lib", "/etc"])
def test_refuses_system_directories_even_through_a_symlink(tmp_path, mount_tmpfs, system_directory):
    tmpfs = mount_tmpfs("8m")
    link = tmpfs.mount_point / "staging"
    link.symlink_to(system_directory)
    before = os.stat(system_directory)

    # check mode as a safety net: if the refusal ever broke, the test still could not chown a system directory
    direct = run_role(tmp_path, Path(system_directory), check=True)
    linked = run_role(tmp_path, link, check=True)

    assert direct.failure_messages("localhost") == [
        f"Refusing to manage {label(Path(system_directory))}: on the host, it is a system directory; give Glance "
        "staging a directory of its own, such as file:///var/lib/glance/staging"]
    assert linked.failure_messages("localhost") == [
        f"Refusing to manage {label(link)} (which resolves to {system_directory}): it is a system directory; give "
        "Glance staging a directory of its own, such as file:///var/lib/glance/staging"]
    assert (os.stat(system_directory).st_uid, os.stat(system_directory).st_mode) == (before.st_uid, before.st_mode)


def test_bad_values_fail_with_a_clear_message(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("8m")
    staging = tmpfs.mount_point / "staging"

    bad_size = run_role(tmp_path, staging, glance_staging_max_image_size="lots")
    bad_policy = run_role(tmp_path, staging, glance_staging_rotational_policy="maybe")
    bad_uri = run_role(tmp_path, staging, glance_staging_store_uri="file://var/lib/glance/staging")

    assert "max_image_size: 'lots' is not a size" in bad_size.failure_messages("localhost")[0]
    assert "glance_staging_rotational_policy" in bad_policy.failure_messages("localhost")[0]
    assert "warn, fail, ignore" in bad_policy.failure_messages("localhost")[0]
    assert "glance_staging_store_uri" in bad_uri.failure_messages("localhost")[0]
    assert "file://var/lib/glance/staging" in bad_uri.failure_messages("localhost")[0]
    for run in (bad_size, bad_policy, bad_uri):
        assert run.returncode == 2 and "Traceback" not in run.stdout + run.stderr, run.describe()
    assert not staging.exists()


def test_tags_select_single_checks(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("8m")
    staging = tmpfs.mount_point / "staging"

    capacity_only = run_role(tmp_path, staging, tags="glance_staging_capacity", glance_staging_max_image_size="1G")
    directory_only = run_role(tmp_path, staging, tags="glance_staging_directory", glance_staging_max_image_size="1G")

    assert capacity_only.returncode == 2
    assert capacity_only.failure_messages("localhost")[0].startswith("Not enough space")
    assert directory_only.returncode == 0, directory_only.describe()
    assert staging.is_dir()


def test_one_ssh_host_passes_and_one_fails_in_the_same_run(tmp_path, ssh_hosts):
    hosts = ssh_hosts({"api1": "64m", "api2": "8m"})
    staging = hosts.staging_parent / "staging"

    run = run_playbook(PLAYBOOK, hosts.inventory, tmp_path, extra_vars=staging_vars(
                       staging, glance_staging_max_image_size="16M", node_custom_config=str(tmp_path / "kolla-config")))

    assert run.returncode == 2, run.describe()
    # api1: the plugin's kolla inputs (written once, on the controller, for the first host) and staging
    assert run.recap["api1"]["failed"] == 0 and run.recap["api1"]["changed"] == 2, run.describe()
    assert run.recap["api2"]["failed"] == 1, run.describe()
    assert run.failure_messages("api1") == []
    assert run.failure_messages("api2") == [
        f"Not enough space for Glance {label(staging)}: need 16.0 MiB (= 1 × 16.0 MiB), available 8.0 MiB on "
        f"tmpfs (tmpfs) at {hosts.staging_parent}; in bytes: need {16 * MIB}, available {8 * MIB}"]
    assert hosts.run_on("api1", f"stat -c %u:%g:%a {staging}").strip() == f"{GLANCE_ID}:{GLANCE_ID}:750"
    assert hosts.run_on("api2", f"ls -A {hosts.staging_parent}").strip() == ""
    assert not staging.exists()  # the real host has neither tmpfs


# The three volume layouts of issue 12, each through the real role: a named volume, a host-path bind,
# and an extra volume mounted at the staging path. No container engine runs here: a fake `docker`
# first on PATH answers `volume inspect` (its contract is tested in tests/test_volumes.py). become is
# off so that sudo's secure_path does not hide the fake.

def run_with_engine(tmp_path, bin_dir: Path, **values):
    extra_vars = {"kolla_action": "deploy", "node_custom_config": str(tmp_path / "kolla-config"),
                  "glance_staging_max_image_size": "4M", "glance_staging_concurrent_imports": 1,
                  "glance_staging_headroom_percent": 0, **values}
    inventory = local_inventory(tmp_path, {"localhost": {"ansible_become": False}})
    return run_playbook(PLAYBOOK, inventory, tmp_path, extra_vars=extra_vars,
                        env={"PATH": f"{bin_dir}{os.pathsep}{VENV_BIN}{os.pathsep}{os.environ['PATH']}"})


def test_named_volume_staging_is_probed_and_created_where_volume_inspect_says(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)  # the glance volume's _data directory is this ext4
    bin_dir = fake_engine(tmp_path / "bin", "docker", {"glance": ext4.mount_point})
    staging = ext4.mount_point / "staging"

    run = run_with_engine(tmp_path, bin_dir, glance_staging_store_uri="file:///var/lib/glance/staging",
                          glance_staging_max_image_size="64M")

    assert run.returncode == 2, run.describe()
    assert run.failure_messages("localhost")[0].startswith(
        f"Not enough space for Glance staging /var/lib/glance/staging (host: {staging}): need 64.0 MiB")
    assert f"on {ext4.device} (ext4) at {ext4.mount_point}" in run.failure_messages("localhost")[0]
    assert "volume inspect glance" in (bin_dir / "docker.calls").read_text()

    run = run_with_engine(tmp_path, bin_dir, glance_staging_store_uri="file:///var/lib/glance/staging")

    assert run.returncode == 0, run.describe()
    assert owner_and_mode(staging) == (GLANCE_ID, GLANCE_ID, "0o750")


def test_named_volume_before_the_first_deploy_is_in_the_engine_s_default_location(tmp_path, mount_tmpfs):
    runtime = mount_tmpfs("16m").mount_point  # docker_runtime_directory; docker knows no volume yet
    bin_dir = fake_engine(tmp_path / "bin", "docker", {})
    staging = runtime / "volumes" / "glance" / "_data" / "staging"

    run = run_with_engine(tmp_path, bin_dir, glance_staging_store_uri="file:///var/lib/glance/staging",
                          docker_runtime_directory=str(runtime))

    assert run.returncode == 0, run.describe()
    assert run.warnings == [f"localhost: Glance staging /var/lib/glance/staging (host: {staging}) is on tmpfs "
                            f"(tmpfs at {runtime}): it takes RAM, and images being imported are lost on reboot"]
    assert owner_and_mode(staging) == (GLANCE_ID, GLANCE_ID, "0o750")
    assert owner_and_mode(runtime / "volumes") == (0, 0, "0o755")


def test_host_path_bind_stages_under_glance_file_datadir_volume(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)  # glance_file_datadir_volume: /srv/x, here this ext4
    bin_dir = fake_engine(tmp_path / "bin", "docker", {"glance": tmp_path / "never-used"})

    run = run_with_engine(tmp_path, bin_dir, glance_staging_store_uri="file:///var/lib/glance/staging",
                          glance_file_datadir_volume=str(ext4.mount_point), glance_staging_shared=True)

    assert run.returncode == 2, run.describe()
    assert run.failure_messages("localhost")[0].startswith(
        f"glance_staging_shared is true, but staging /var/lib/glance/staging (host: {ext4.mount_point / 'staging'}) "
        f"is on ext4 ({ext4.device} at {ext4.mount_point})")
    assert not (bin_dir / "docker.calls").exists()  # a bind mount is not looked up

    run = run_with_engine(tmp_path, bin_dir, glance_staging_store_uri="file:///var/lib/glance/staging",
                          glance_file_datadir_volume=str(ext4.mount_point))

    assert run.returncode == 0, run.describe()
    assert owner_and_mode(ext4.mount_point / "staging") == (GLANCE_ID, GLANCE_ID, "0o750")


def test_an_extra_volume_at_the_staging_path_wins_over_the_data_volume(tmp_path, mount_tmpfs):
    share = mount_tmpfs("16m").mount_point  # NFS-style: a filesystem mounted for staging alone
    data = tmp_path / "data"
    bin_dir = fake_engine(tmp_path / "bin", "docker", {"glance": data})

    run = run_with_engine(tmp_path, bin_dir, glance_staging_store_uri="file:///var/lib/glance/staging",
                          glance_extra_volumes=[f"{share}:/var/lib/glance/staging"])

    assert run.returncode == 0, run.describe()
    assert run.warnings == [f"localhost: Glance staging /var/lib/glance/staging (host: {share}) is on tmpfs "
                            f"(tmpfs at {share}): it takes RAM, and images being imported are lost on reboot"]
    assert owner_and_mode(share) == (GLANCE_ID, GLANCE_ID, "0o750")
    assert not data.exists()


def test_staging_under_no_volume_fails_and_says_why(tmp_path):
    bin_dir = fake_engine(tmp_path / "bin", "docker", {})

    # the play validates first: the staging-outside-volumes rule stops it before any host is touched
    run = run_with_engine(tmp_path, bin_dir, glance_staging_store_uri=f"file://{tmp_path}/staging")
    # the probe action alone refuses it too, naming the container's volumes
    probed = run_playbook(PLAYBOOK.parent / "probe.yml", local_inventory(tmp_path), tmp_path, extra_vars={
        "probe_path": f"{tmp_path}/staging", "probe_volumes": ["glance:/var/lib/glance/", "kolla_logs:/var/log/kolla/"]})

    assert run.returncode == 2, run.describe()
    [message] = run.failure_messages("localhost")
    assert f"error [staging-outside-volumes] glance_staging_store_uri: staging directory {tmp_path}/staging is on no " \
           "volume of the glance_api container" in message
    assert probed.returncode == 2, probed.describe()
    assert probed.failure_messages("localhost")[0].startswith(
        f"Glance staging {tmp_path}/staging (on no volume of glance_api): {tmp_path}/staging lies under no volume "
        "of the glance_api container (its volumes: /var/lib/glance, /var/log/kolla)")
    assert not (tmp_path / "staging").exists()
    assert not (bin_dir / "docker.calls").exists()
