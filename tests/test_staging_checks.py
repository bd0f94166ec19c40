"""Verdicts on probe results that real test filesystems cannot produce here (NFS, dm stacks)."""
from __future__ import annotations

import pytest

from xdeploy_glance import staging_checks
from xdeploy_glance.settings import staging_path_from_uri
from xdeploy_glance.staging_checks import (
    directory_in_place,
    directory_verdict,
    filesystem_verdict,
    octal_mode,
    open_mode_problems,
    rotational_verdict,
    system_directory,
)


def probe(**facts) -> dict:
    base = {"staging_path": "/srv/glance/staging", "resolved_path": "/srv/glance/staging", "exists": False,
            "is_directory": False, "fstype": "ext4", "source": "/dev/vdb1", "mount_point": "/srv",
            "rotational": None, "rotational_reason": "", "owner_uid": 42415, "group_gid": 42415}
    return {**base, **facts}


@pytest.mark.parametrize(("uri", "path"), [
    ("file:///var/lib/glance/staging", "/var/lib/glance/staging"),
    ("file:///var/lib/glance/staging/", "/var/lib/glance/staging"),
    ("file:////srv//staging", "/srv/staging"),
])
def test_staging_path_from_uri(uri, path):
    assert staging_path_from_uri(uri) == path


@pytest.mark.parametrize("uri", ["file://var/lib/glance", "/var/lib/glance", "http:///x", "file:///a/../b",
                                 "file:///a?x=1", "file://"])
def test_staging_path_from_uri_rejects_other_forms(uri):
    with pytest.raises(ValueError, match="glance_staging_store_uri must"):
        staging_path_from_uri(uri)


def test_nfs_satisfies_shared_staging():
    verdict = filesystem_verdict(True, probe(fstype="nfs4", source="filer:/glance", mount_point="/srv"))

    assert (verdict.status, verdict.message) == (
        "ok", "Glance staging /srv/glance/staging is on the network filesystem nfs4 (filer:/glance at /srv)")


def test_tmpfs_fails_shared_staging_rather_than_only_warning():
    assert filesystem_verdict(True, probe(fstype="tmpfs", source="tmpfs")).status == "fail"


def test_unknown_rotational_passes_even_policy_fail_and_says_why():
    verdict = rotational_verdict("fail", probe(rotational=None, rotational_reason="no block device behind /srv (nfs4)"))

    assert (verdict.status, verdict.message) == (
        "ok", "Cannot tell whether /srv/glance/staging is on a rotational device: no block device behind /srv (nfs4)")


def test_unknown_rotational_policy_is_an_error():
    with pytest.raises(ValueError, match="must be one of warn, fail, ignore, got 'sometimes'"):
        rotational_verdict("sometimes", probe())


def test_foreign_entries_beyond_those_listed_are_counted():
    directory = {"uid": 0, "gid": 0, "mode": "0755", "entry_count": 12, "foreign_entry_count": 12,
                 "foreign_entries": [f"f{i}" for i in range(10)]}

    verdict = directory_verdict(probe(exists=True, is_directory=True, directory=directory), allow_reown=False)

    assert verdict.status == "fail"
    assert "(f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 and 2 more)" in verdict.message


def test_directory_already_owned_right_is_fine_whatever_it_holds():
    directory = {"uid": 42415, "gid": 42415, "mode": "0750", "entry_count": 1, "foreign_entry_count": 1,
                 "foreign_entries": ["root-file"]}

    assert directory_verdict(probe(exists=True, is_directory=True, directory=directory), False).status == "ok"


def existing_staging(uid=42415, gid=42415, mode="0750", **facts) -> dict:
    directory = {"uid": uid, "gid": gid, "mode": mode, "entry_count": 0, "foreign_entry_count": 0,
                 "foreign_entries": []}
    return probe(exists=True, is_directory=True, directory=directory, **facts)


@pytest.mark.parametrize(("mode", "bits"), [
    ("0750", 0o750), ("750", 0o750), ("02750", 0o2750), (488, 0o750),  # 488: YAML's unquoted 0750
    ("u=rwx,g=rx,o=", None), ("0o750", None), ("", None), (None, None), (True, None), ("7a0", None),
])
def test_octal_mode_reads_what_the_file_module_reads_and_nothing_it_must_guess(mode, bits):
    assert octal_mode(mode) == bits


@pytest.mark.parametrize("mode", ["0750", "750", 488])
def test_staging_directory_with_the_wanted_owner_group_and_mode_is_in_place(mode):
    assert directory_in_place(existing_staging(), mode) is True


@pytest.mark.parametrize(("staging", "mode"), [
    (probe(), "0750"),  # missing
    (probe(exists=True, is_directory=False), "0750"),  # a file
    (existing_staging(mode="0770"), "0750"),
    (existing_staging(mode="2750"), "0750"),  # the file module would clear setgid
    (existing_staging(uid=0), "0750"),
    (existing_staging(gid=0), "0750"),
    (existing_staging(owner_uid=None), "0750"),  # no owner to compare with: the file module decides
    (existing_staging(group_gid=None), "0750"),
    (existing_staging(), "u=rwx,g=rx,o="),  # symbolic: depends on the current mode, left to the file module
], ids=["missing", "file", "mode", "setgid", "uid", "gid", "no-owner", "no-group", "symbolic"])
def test_staging_directory_not_exactly_as_wanted_is_not_in_place(staging, mode):
    assert directory_in_place(staging, mode) is False


@pytest.mark.parametrize(("path", "system"), [
    ("/usr/local/sbin", "/usr"), ("/etc", "/etc"), ("/etc/kolla/glance", "/etc"), ("/boot", "/boot"),
    ("/proc/1", "/proc"), ("/sys/x", "/sys"), ("/dev/shm/x", "/dev"), ("/bin", "/bin"), ("/sbin/x", "/sbin"),
    ("/lib", "/lib"), ("/lib64/x", "/lib64"), ("/libx32", "/libx32"), ("/root/staging", "/root"),
    ("//usr/local/sbin", "/usr"), ("/usr/./local/../local/sbin/", "/usr"), ("/", "/"), ("/var/lib", "/var/lib"),
    ("/srv/kolla/x", "/srv/kolla"),
])
def test_issue16_3_system_directories_and_trees_are_refused(path, system):
    assert system_directory(path, ["/srv/kolla", "relative/is/ignored"]) == system


@pytest.mark.parametrize("path", ["/var/lib/glance/staging", "/srv/glance", "/var/library", "/usrx", "/mnt/staging"])
def test_staging_directories_of_their_own_pass(path):
    assert system_directory(path, ["/srv/kolla"]) is None


def test_issue16_3_the_role_refuses_a_symlink_into_a_system_tree_and_suggests_kolla_staging():
    verdict = directory_verdict(probe(staging_path="/srv/staging", resolved_path="/usr/local/sbin"), False)
    assert verdict.status == "fail"
    assert "resolves to /usr/local/sbin" in verdict.message and "file:///var/lib/glance/staging" in verdict.message


@pytest.mark.parametrize(("mode", "problems"), [
    (0o750, []), (0o751, []), (0o770, []),
    (0o755, ["every user can read it"]),
    (0o777, ["every user can read it", "every user can write it"]),
    (0o6777, ["every user can read it", "every user can write it", "it sets the setuid bit",
              "it sets the setgid bit"]),
    (0o1750, ["it sets the sticky bit"]),
])
def test_issue16_11_open_modes_are_named(mode, problems):
    assert open_mode_problems(mode) == problems


def _fresh_probe(**facts):
    base = {"staging_path": "/srv/glance/staging", "resolved_path": "/srv/glance/staging", "exists": False,
            "is_directory": False, "owner_uid": 42415, "group_gid": 42415, "euid": 0, "untrusted_symlinks": []}
    return {**base, **facts}


def test_a_symlink_root_does_not_own_is_never_followed_to_chown():
    """Issue 16 #3: a link planted by uid 42415 must not get its root-owned target re-owned."""
    verdict = staging_checks.directory_verdict(_fresh_probe(untrusted_symlinks=[["/srv/glance", 42415]]), True)

    assert verdict.status == "fail"
    assert "/srv/glance (owned by uid 42415)" in verdict.message


def test_a_run_that_is_not_root_says_why_it_cannot_own_the_directory():
    """Issue 16 #15: not a bare 'chown failed' from the file module."""
    verdict = staging_checks.directory_verdict(_fresh_probe(euid=1000), False)

    assert verdict.status == "fail"
    assert "only root can give it that owner; this run is uid 1000" in verdict.message
    assert staging_checks.directory_verdict(_fresh_probe(), False).status == "ok"


@pytest.mark.parametrize("store", ["/srv/glance/staging", "/srv/glance", "/srv/glance/staging/images"])
def test_staging_that_resolves_into_an_image_store_is_refused(store):
    """Issue 16 #4: a symlink made staging the image store itself, and validate, reconfigure and verify passed."""
    probe = _fresh_probe(staging_path="/srv/glance-volume/staging",
                         resolved_path="/srv/glance/staging", store_realpaths=[store])

    verdict = staging_checks.directory_verdict(probe, True)

    assert verdict.status == "fail" and f"the image store {store}" in verdict.message


def test_staging_beside_the_image_store_is_fine():
    assert staging_checks.directory_verdict(_fresh_probe(store_realpaths=["/srv/glance/images"]), False).status == "ok"
