"""The staging directory on each host: owner and mode, and whether its filesystem still fits the imports.

Every figure comes from the staging role's own probe module, run on each host inside the one command
that gathers all of that host's facts (glance_host_facts), and space, rotational device and filesystem type are
judged by xdeploy_glance.staging_checks exactly as the role judges them before it deploys.

glance_staging_store_uri is a path inside kolla's glance_api container: the probe looks at its host path, found
through the container's volumes as the role finds it (xdeploy_glance.volumes), and every message names both:
"staging /var/lib/glance/staging (host: /var/lib/docker/volumes/glance/_data/staging)".
"""
from __future__ import annotations

import pytest

from xdeploy_glance import staging_checks
from xdeploy_glance.verify.plugin import warn

pytestmark = pytest.mark.glance_verify


def _judge(verdict: staging_checks.Verdict) -> None:
    if verdict.status == staging_checks.FAIL:
        pytest.fail(verdict.message, pytrace=False)
    if verdict.status == staging_checks.WARN:
        warn(verdict.message)


def _existing_directory(probe) -> tuple[int, int, int]:
    """(uid, gid, mode) of the staging directory as the probe saw it (symlinks followed), or a failed check."""
    label = staging_checks.staging_label(probe)
    if not probe["exists"]:
        pytest.fail(f"{label} does not exist; the nearest existing parent on the host is "
                    f"{probe['nearest_existing_path']}", pytrace=False)
    if not probe["is_directory"]:
        pytest.fail(f"{label} is not a directory", pytrace=False)
    directory = probe["directory"]
    return directory["uid"], directory["gid"], int(directory["mode"], 8)


def test_staging_directory(glance_expected, glance_staging_probe):
    """The directory exists with glance_staging_owner, glance_staging_group and glance_staging_mode.

    The path is glance_staging_store_uri's; the staging role creates it with these owner, group and
    mode. Missing, or other ones, means the role has not run on the host since the globals changed,
    or something changed the directory since: re-run reconfigure (the role never re-owns other
    owners' data unless glance_staging_allow_reown is true).
    """
    uid, gid, mode = _existing_directory(glance_staging_probe)
    wanted_uid, wanted_gid = glance_staging_probe["owner_uid"], glance_staging_probe["group_gid"]
    problems = []
    if wanted_uid is not None and uid != wanted_uid:
        problems.append(f"owner uid {uid}, expected {wanted_uid} "
                        f"(glance_staging_owner: {glance_expected.value('glance_staging_owner')})")
    if wanted_gid is not None and gid != wanted_gid:
        problems.append(f"group gid {gid}, expected {wanted_gid} "
                        f"(glance_staging_group: {glance_expected.value('glance_staging_group')})")
    if mode != glance_expected.staging_mode:
        problems.append(f"mode {mode:04o}, expected {glance_expected.staging_mode:04o} (glance_staging_mode)")
    if problems:
        pytest.fail(f"{staging_checks.staging_label(glance_staging_probe)}: " + "; ".join(problems), pytrace=False)


def test_staging_not_world_readable(glance_staging_probe):
    """Staged files are customers' images: users other than the owner and group must not read or write them.

    Fails when the staging directory's mode grants read or write to others; run chmod o-rwx on it,
    or re-run reconfigure with a glance_staging_mode that grants nothing to others.
    """
    mode = _existing_directory(glance_staging_probe)[2]
    granted = [word for bit, word in ((0o004, "read"), (0o002, "write")) if mode & bit]
    if granted:
        pytest.fail(f"{staging_checks.staging_label(glance_staging_probe)} has mode {mode:04o}: every user on the "
                    f"host can {' and '.join(granted)} it; run chmod o-rwx {glance_staging_probe['staging_path']} "
                    "or re-run reconfigure", pytrace=False)


def test_staging_free_space(glance_expected, glance_staging_probe):
    """Free space covers the requirement, computed by the same code as the role's capacity check.

    The requirement is glance_staging_concurrent_imports imports of the largest image, with the
    copies the import plugins write, plus headroom (the formula is in the role's README); the free
    space is what the staging role's probe sees on the host now. Free space, or lower the sizes.
    """
    _judge(staging_checks.capacity_verdict(glance_expected.staging_requirement(), glance_staging_probe))


def test_staging_rotational_policy(glance_expected, glance_staging_probe):
    """glance_staging_rotational_policy holds: fail fails the check, warn passes it with a warning.

    Staging on a rotational disk makes imports slow. Virtio disks report themselves as rotational;
    if the disk is SSD-backed, set glance_staging_rotational_policy: ignore.
    """
    _judge(staging_checks.rotational_verdict(glance_expected.value("glance_staging_rotational_policy"),
                                             glance_staging_probe))


def test_staging_shared(glance_expected, glance_staging_probe):
    """With glance_staging_shared the directory is on a network filesystem; tmpfs passes with a warning.

    glance_staging_shared says staging lives on storage every glance-api host sees (NFS, CephFS,
    GlusterFS); a local filesystem then fails: mount a network filesystem there. Staging on tmpfs
    passes with a warning: it takes RAM, and images being imported are lost on reboot.
    """
    _judge(staging_checks.filesystem_verdict(glance_expected.value("glance_staging_shared"), glance_staging_probe))
