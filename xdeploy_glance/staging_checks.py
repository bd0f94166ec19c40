"""Verdicts on the staging directory of one host, from what the role's probe module reported.

Pure Python with no Ansible imports: the staging role calls these through its filter plugin and
`verify` calls them directly, so both judge a host the same way. Each check returns a Verdict:
"ok", "warn" (report and carry on) or "fail" (stop before touching the host).

`probe` is the probe's result (the collection's glance_staging_probe): its figures are for the host path
(`staging_path`); with the container's volumes it also carries `container_path`, `host_path`,
`staging_label` and `volume` (xdeploy_glance.volumes.Placement.as_dict), and every message names both paths.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping

from .capacity import StagingRequirement, capacity_message

OK, WARN, FAIL = "ok", "warn", "fail"
ROTATIONAL_POLICIES = ("warn", "fail", "ignore")
# Never a staging directory: the role would re-own and chmod it (the staging-system-directory rule too).
# These directories themselves, but a directory below them may be one (/var/lib/glance/staging).
SYSTEM_DIRECTORIES = frozenset({
    "/", "/home", "/media", "/mnt", "/opt", "/run", "/srv", "/tmp", "/var", "/var/cache", "/var/lib",
    "/var/log", "/var/spool", "/var/tmp", "/var/run", "/var/lib/glance",
})
# These directories and everything below them: executables, libraries, configuration (kolla's
# /etc/kolla included), the kernel's and devices' trees, root's home, the container engines' storage.
# Every top-level directory whose name starts with "lib" (lib, lib32, lib64, libx32) is one too.
SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/proc", "/root", "/sbin", "/sys", "/usr",
                "/var/lib/docker", "/var/lib/containers")
# Where every hint about a refused staging directory points: kolla's own choice.
STAGING_EXAMPLE_URI = "file:///var/lib/glance/staging"
# Filesystems every glance-api host can mount at once (network or shared-disk cluster filesystems).
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cephfs", "ceph", "fuse.ceph-fuse", "glusterfs", "fuse.glusterfs", "cifs", "smb3",
    "lustre", "gpfs", "ocfs2", "gfs2",
})
MEMORY_FILESYSTEMS = frozenset({"tmpfs", "ramfs"})
_OCTAL_MODE = re.compile(r"[0-7]+")

Probe = Mapping[str, Any]


@dataclass(frozen=True)
class Verdict:
    status: str  # ok, warn or fail
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def staging_label(probe: Probe) -> str:
    """How messages name staging: both paths, 'staging /var/lib/glance/staging (host: /var/lib/docker/volumes/glance/_data/staging)'.

    A probe of a host path alone (no container path, e.g. the module run by hand) names that path.
    """
    return probe.get("staging_label") or f"staging {probe['staging_path']}"


def _subject(probe: Probe, glance: bool = False, preposition: str = "") -> str:
    """The staging directory as a message's subject: 'Glance staging /c (host: /h)' when the container path is
    known, else the host path as before ('Glance staging in /h', '/h')."""
    if "container_path" in probe:
        return ("Glance " if glance else "") + staging_label(probe)
    return ("Glance staging " if glance else "") + preposition + probe["staging_path"]


def capacity_verdict(requirement: StagingRequirement, probe: Probe) -> Verdict:
    available = probe["available_bytes"]
    detail = capacity_message(requirement, available, probe["source"], probe["fstype"], probe["mount_point"])
    subject = _subject(probe, glance=True, preposition="in ")
    if available >= requirement.required_bytes:
        return Verdict(OK, f"Enough space for {subject}: {detail}")
    return Verdict(FAIL, f"Not enough space for {subject}: {detail}")


def rotational_verdict(policy: str, probe: Probe) -> Verdict:
    if policy not in ROTATIONAL_POLICIES:
        raise ValueError(f"glance_staging_rotational_policy must be one of {', '.join(ROTATIONAL_POLICIES)}, "
                         f"got {policy!r}")
    path, reason = _subject(probe), probe["rotational_reason"]
    if policy == "ignore":
        return Verdict(OK, f"Not checked whether {path} is on a rotational device (policy ignore)")
    if probe["rotational"] is None:
        return Verdict(OK, f"Cannot tell whether {path} is on a rotational device: {reason}")
    if not probe["rotational"]:
        return Verdict(OK, f"{path} is on a non-rotational device ({reason})")
    found = f"{_subject(probe, glance=True)} is on a rotational device ({reason})"
    if policy == "fail":
        return Verdict(FAIL, f"{found} and glance_staging_rotational_policy is fail: move staging to an SSD, "
                             "or set the policy to warn")
    return Verdict(WARN, f"{found}: imports will be slow. Virtio disks report themselves as rotational; if this "
                         "one is SSD-backed, set glance_staging_rotational_policy: ignore")


def filesystem_verdict(shared: bool, probe: Probe) -> Verdict:
    fstype, subject = probe["fstype"], _subject(probe, glance=True)
    where = f"{fstype} ({probe['source']} at {probe['mount_point']})"
    if shared and fstype not in NETWORK_FILESYSTEMS:
        return Verdict(FAIL, f"glance_staging_shared is true, but {_subject(probe)} is on {where}, which other "
                             f"glance-api hosts cannot see; mount a network filesystem "
                             f"({', '.join(sorted(NETWORK_FILESYSTEMS))}) there")
    if fstype in MEMORY_FILESYSTEMS:
        return Verdict(WARN, f"{subject} is on {where}: it takes RAM, and images being imported "
                             "are lost on reboot")
    if fstype in NETWORK_FILESYSTEMS:
        return Verdict(OK, f"{subject} is on the network filesystem {where}")
    return Verdict(OK, f"{subject} is on the local filesystem {where}")


def _managed_paths(probe: Probe) -> list[str]:
    """The paths that must not be system directories. The container path always (as the staging-system-directory
    rule judges the URI); the host path and what it resolves to unless it lies in a named volume, whose
    directory is in the engine's own storage (/var/lib/docker/volumes/...) by design."""
    host = [probe["staging_path"], probe["resolved_path"]]
    if "container_path" not in probe:
        return list(dict.fromkeys(host))
    volume = probe.get("volume") or {}
    return list(dict.fromkeys([probe["container_path"], *([] if volume.get("named") else host)]))


def directory_verdict(probe: Probe, allow_reown: bool) -> Verdict:
    """Whether the role may create or re-own the staging directory at all."""
    path = _subject(probe)
    for candidate in _managed_paths(probe):
        system = system_directory(candidate)
        if system:
            reason = system_directory_reason(candidate, system)
            if candidate == probe.get("container_path", probe["staging_path"]):
                shown = path
            elif candidate == probe["staging_path"]:  # the host path, which the label names already
                shown, reason = path, f"on the host, {reason}"
            else:
                shown = f"{path} (which resolves to {candidate})"
            return Verdict(FAIL, f"Refusing to manage {shown}: {reason}; give Glance staging a directory of its own, "
                                 f"such as {STAGING_EXAMPLE_URI}")
    untrusted = probe.get("untrusted_symlinks") or []
    if untrusted:
        links = ", ".join(f"{link} (owned by uid {uid})" for link, uid in untrusted)
        return Verdict(FAIL, f"Refusing to manage {path}: it is reached through a symbolic link root does not own: "
                             f"{links}. Its owner decides where the directory really is (issue 16 #3); remove the "
                             "link or point glance_staging_store_uri at a real directory")
    resolved = probe["resolved_path"].rstrip("/")
    for store in probe.get("store_realpaths") or ():
        store = store.rstrip("/")
        if resolved == store or resolved.startswith(store + "/") or store.startswith(resolved + "/"):
            return Verdict(FAIL, f"Refusing to manage {path}: it resolves to {resolved}, which is (or holds, or lies "
                                 f"in) the image store {store}. Staged data would be mixed with stored images "
                                 "(issue 16 #4); give staging a directory of its own")
    volume = probe.get("volume") or {}
    if volume.get("read_only"):
        return Verdict(FAIL, f"{path} is on a volume mounted read-only into glance_api ({volume['spec']}): "
                             "Glance cannot stage there")
    if probe["exists"] and not probe["is_directory"]:
        return Verdict(FAIL, f"{path} exists and is not a directory; it was left untouched")
    directory = probe.get("directory")
    wanted = (probe["owner_uid"], probe["group_gid"])
    current = (directory["uid"], directory["gid"]) if directory else None
    if probe.get("euid", 0) != 0 and current != wanted:
        return Verdict(FAIL, f"{path} must belong to {wanted[0]}:{wanted[1]} (glance_staging_owner and _group), and "
                             f"only root can give it that owner; this run is uid {probe['euid']}. Run with become "
                             "(kolla-ansible's ansible_become, or -b) or as root")
    if not directory:
        return Verdict(OK, f"{path} will be created")
    if current == wanted or directory["foreign_entry_count"] == 0:
        return Verdict(OK, f"{path} exists and may be owned by {wanted[0]}:{wanted[1]}")
    if allow_reown:
        return Verdict(WARN, f"Re-owning {path} from {current[0]}:{current[1]} to {wanted[0]}:{wanted[1]} although "
                             f"it holds {directory['foreign_entry_count']} entries of other owners "
                             "(glance_staging_allow_reown is true)")
    shown = ", ".join(directory["foreign_entries"])
    more = directory["foreign_entry_count"] - len(directory["foreign_entries"])
    if more:
        shown += f" and {more} more"
    return Verdict(FAIL, f"Refusing to re-own {path} from {current[0]}:{current[1]} to {wanted[0]}:{wanted[1]}: "
                         f"it holds {directory['foreign_entry_count']} entries of other owners ({shown}). "
                         "Point glance_staging_store_uri at a directory of its own, or set "
                         "glance_staging_allow_reown: true")


def system_directory(path: str, config_directories: Iterable[str] = ()) -> str | None:
    """The system directory `path` is, or the system tree (or kolla config directory) it lies in; None
    when it may be a staging directory. `path` is absolute; it is normalized here."""
    path = posixpath.normpath(path)
    if path.startswith("//"):  # POSIX lets normpath keep two leading slashes; the kernel reads one
        path = "/" + path.lstrip("/")
    if path in SYSTEM_DIRECTORIES:
        return path
    top = "/" + path.split("/")[1]
    if top.startswith("/lib"):
        return top
    for tree in (*SYSTEM_TREES, *(d for d in config_directories if d.startswith("/"))):
        tree = posixpath.normpath(tree)
        if path == tree or path.startswith(tree.rstrip("/") + "/"):
            return tree
    return None


def system_directory_reason(path: str, system: str) -> str:
    """Why `path` may not be staging, `system` being what system_directory returned for it."""
    if posixpath.normpath(path) == system:
        return "it is a system directory"
    return f"it lies in {system}, which holds the system's or kolla's own files"


def open_mode_problems(mode: int) -> list[str]:
    """What a staging directory mode grants that it must not, in words; empty when the mode is closed.

    Staged files are customers' images: users other than the owner and group must neither read nor
    write them, and setuid, setgid or sticky bits have no place on it. The staging-mode-open rule,
    the role and verify all judge a mode with this.
    """
    problems = [f"every user can {word} it" for bit, word in ((0o004, "read"), (0o002, "write")) if mode & bit]
    problems += [f"it sets the {word} bit" for bit, word in ((0o4000, "setuid"), (0o2000, "setgid"),
                                                            (0o1000, "sticky")) if mode & bit]
    return problems


def octal_mode(mode: Any) -> int | None:
    """The permission bits a file module `mode` sets, when they do not depend on the current mode.

    As the file module reads it: an int is taken as is (YAML's unquoted 0750 is already 488), a
    string of octal digits is octal. Anything else (symbolic u=rwx,g=rx,o=, empty) gives None.
    """
    if isinstance(mode, int) and not isinstance(mode, bool):
        return mode
    if isinstance(mode, str) and _OCTAL_MODE.fullmatch(mode):
        return int(mode, 8)
    return None


def directory_in_place(probe: Probe, mode: Any) -> bool:
    """Whether the staging directory already is what the role's file task would make it: an existing
    directory with the wanted uid, gid and mode. Anything it cannot tell for sure (an owner or group
    that did not resolve, a symbolic mode) counts as not in place, so the file task decides."""
    directory = probe.get("directory")
    wanted_mode = octal_mode(mode)
    if not probe["exists"] or not probe["is_directory"] or not directory or wanted_mode is None:
        return False
    if probe["owner_uid"] is None or probe["group_gid"] is None:
        return False
    return ((directory["uid"], directory["gid"], int(directory["mode"], 8))
            == (probe["owner_uid"], probe["group_gid"], wanted_mode))
