"""The staging probe module, run by real ansible-playbook against real filesystems of known size."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.ansible_run import local_inventory, run_playbook

pytestmark = [pytest.mark.root(reason="needs root to mount filesystems")]

PLAYBOOK = Path(__file__).parent / "playbooks" / "probe.yml"
MIB = 1024 * 1024


def probe(tmp_path: Path, path: Path, check: bool = False, **extra) -> dict:
    run = run_playbook(PLAYBOOK, local_inventory(tmp_path), tmp_path, check=check,
                       extra_vars={"probe_path": str(path), **extra})
    assert run.returncode == 0, run.describe()
    shown = [r.result["probe"] for r in run.results if "probe" in r.result]
    assert len(shown) == 1, run.describe()
    return shown[0]


def statvfs_available(path: Path) -> int:
    vfs = os.statvfs(path)
    return vfs.f_bavail * vfs.f_frsize


def test_tmpfs_reports_exact_size_and_no_block_device(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("64m")
    staging = tmpfs.mount_point / "staging"
    staging.mkdir()

    result = probe(tmp_path, staging)

    assert result["exists"] is True and result["is_directory"] is True
    assert result["total_bytes"] == 64 * MIB
    assert result["available_bytes"] == statvfs_available(staging) == 64 * MIB
    assert (result["mount_point"], result["fstype"], result["source"]) == (str(tmpfs.mount_point), "tmpfs", "tmpfs")
    assert result["block_device"] is None
    assert result["rotational"] is None
    assert result["rotational_reason"] == f"no block device behind {tmpfs.mount_point} (tmpfs)"


def test_missing_parents_are_listed_and_not_created_even_outside_check_mode(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("16m")
    staging = tmpfs.mount_point / "a" / "b" / "staging"

    result = probe(tmp_path, staging)

    assert result["exists"] is False and result["is_directory"] is False
    assert result["nearest_existing_path"] == str(tmpfs.mount_point)
    assert result["missing_parents"] == [str(tmpfs.mount_point / "a"), str(tmpfs.mount_point / "a" / "b")]
    assert result["available_bytes"] == 16 * MIB
    assert "directory" not in result
    assert list(tmpfs.mount_point.iterdir()) == []


def test_runs_in_check_mode(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("8m")

    result = probe(tmp_path, tmpfs.mount_point / "staging", check=True)

    assert result["available_bytes"] == 8 * MIB
    assert result["fstype"] == "tmpfs"


def test_stacked_mounts_on_one_point_report_the_last_one(tmp_path, mount_tmpfs):
    where = tmp_path / "stacked"
    mount_tmpfs("8m", where)
    mount_tmpfs("24m", where)  # hides the first one, as findmnt would show in its last row

    result = probe(tmp_path, where / "staging")

    assert result["total_bytes"] == 24 * MIB
    assert result["mount_point"] == str(where)


def test_loop_ext4_on_tmpfs_follows_the_sysfs_rotational_flag(tmp_path, loop_ext4, set_rotational):
    ext4 = loop_ext4(32)
    staging = ext4.mount_point / "staging"
    (ext4.mount_point / "filler").write_bytes(b"\0" * (4 * MIB))

    result = probe(tmp_path, staging)

    assert result["fstype"] == "ext4"
    assert result["source"] == ext4.device
    assert result["block_device"] == ext4.device_name
    assert result["available_bytes"] == statvfs_available(ext4.mount_point)
    assert result["rotational"] is False  # its image sits on tmpfs

    set_rotational(ext4.device_name, True)
    result = probe(tmp_path, staging)

    assert result["rotational"] is True
    assert result["rotational_reason"].startswith(f"{ext4.device_name}: ")
    assert result["rotational_reason"].endswith("/queue/rotational = 1")


def test_partition_is_traced_to_its_disk(tmp_path, loop_ext4, set_rotational):
    ext4 = loop_ext4(16, partitioned=True)
    set_rotational(ext4.device_name, True)  # partitions have no queue/ of their own: the disk's flag counts

    result = probe(tmp_path, ext4.mount_point)

    assert result["source"] == ext4.partition
    assert result["block_device"] == ext4.device_name
    assert result["rotational"] is True


def test_directory_entries_of_other_owners_are_reported(tmp_path, loop_ext4):
    ext4 = loop_ext4(16)
    (ext4.mount_point / "image-of-glance").write_text("x")
    os.chown(ext4.mount_point / "image-of-glance", 42415, 42415)
    (ext4.mount_point / "somebody-else").write_text("x")
    os.chown(ext4.mount_point / "somebody-else", 1234, 1234)

    result = probe(tmp_path, ext4.mount_point, probe_owner="42415")

    assert result["owner_uid"] == 42415
    # lost+found belongs to the filesystem at its root and is not counted as somebody's data
    assert result["directory"]["entry_count"] == 2
    assert result["directory"]["foreign_entries"] == ["somebody-else"]
    assert result["directory"]["foreign_entry_count"] == 1
    assert result["directory"]["uid"] == 0


def test_each_ssh_host_sees_its_own_tmpfs(tmp_path, ssh_hosts):
    hosts = ssh_hosts({"api1": "32m", "api2": "8m"})
    run = run_playbook(PLAYBOOK, hosts.inventory, tmp_path,
                       extra_vars={"probe_path": str(hosts.staging_parent / "staging")})

    assert run.returncode == 0, run.describe()
    totals = {r.host: r.result["probe"]["total_bytes"] for r in run.results if "probe" in r.result}
    assert totals == {"api1": 32 * MIB, "api2": 8 * MIB}
    assert not os.path.ismount(hosts.staging_parent)  # the real host sees neither tmpfs
    assert run.warnings == []


def test_verify_gets_the_module_s_result_in_process_and_from_its_facts_script(tmp_path, mount_tmpfs):
    import sys

    import testinfra

    from xdeploy_glance.verify.facts import Target, gather_all

    tmpfs = mount_tmpfs("16m")
    staging = tmpfs.mount_point / "staging"
    staging.mkdir(mode=0o750)
    (staging / "leftover").write_text("x")
    request = {"probe": {"path": str(staging), "owner": "42415", "group": None}}

    by_module = probe(tmp_path, staging, probe_owner="42415")
    by_verify = gather_all([Target("in-process", request, None, ()),
                            Target("script", request, testinfra.get_host("local://").run, (sys.executable,))], 2)

    expected = {key: value for key, value in by_module.items() if key not in ("invocation", "failed")}
    assert by_verify["in-process"].probe == by_verify["script"].probe == expected
    assert expected["directory"]["foreign_entries"] == ["leftover"] and expected["staging_path"] == str(staging)
