#!/usr/bin/python
"""Read-only probe of the filesystem that holds (or will hold) the Glance staging directory.

Facts and `df`/`findmnt` fall short here: `ansible_mounts` leaves out tmpfs and overlay, and
`df`/`findmnt` fail on a path that does not exist yet. This module walks up to the nearest
existing parent and reads the kernel's own view: statvfs, /proc/self/mountinfo and sysfs.
"""
from __future__ import annotations

import grp
import os
import pwd
import re
import stat

DOCUMENTATION = r"""
module: glance_staging_probe
short_description: Probe the filesystem behind a Glance staging directory
description:
  - Finds the nearest existing parent of I(path), its available space (statvfs C(f_bavail*f_frsize),
    as df shows it), its mount from C(/proc/self/mountinfo) (longest prefix, the last mount wins ties),
    the filesystem type and source, the backing block device (through partitions, loop and
    device-mapper slaves) and whether that device is rotational.
  - Changes nothing; runs in check mode.
options:
  path:
    description: Absolute path of the staging directory; it need not exist.
    type: path
    required: true
  owner:
    description: User name or uid the directory is meant to belong to; entries of other owners are reported.
    type: str
  group:
    description: Group name or gid the directory is meant to belong to.
    type: str
author: xdeploy-glance
"""

EXAMPLES = r"""
- name: Probing the staging filesystem
  glance_staging_probe:
    path: /var/lib/glance/staging
    owner: "42415"
    group: "42415"
  register: glance_staging_probe_result
"""

RETURN = r"""
staging_path: {description: I(path), normalized., type: str, returned: always}
exists: {description: Whether I(path) exists., type: bool, returned: always}
resolved_path: {description: I(path) with symlinks of its existing part resolved., type: str, returned: always}
is_directory: {description: Whether I(path) is a directory (following symlinks)., type: bool, returned: always}
nearest_existing_path: {description: I(path) or its nearest existing parent; all space figures are for it., type: str, returned: always}
missing_parents: {description: Parents of I(path) that do not exist, outermost first., type: list, returned: always}
available_bytes: {description: Space available to unprivileged users (statvfs f_bavail*f_frsize)., type: int, returned: always}
total_bytes: {description: Size of the filesystem (f_blocks*f_frsize)., type: int, returned: always}
mount_point: {description: Mount point holding I(path)., type: str, returned: always}
fstype: {description: Filesystem type from mountinfo., type: str, returned: always}
source: {description: Mount source from mountinfo, e.g. /dev/vdb1 or tmpfs., type: str, returned: always}
device_number: {description: MAJOR:MINOR of the mount from mountinfo., type: str, returned: always}
block_device: {description: Kernel name of the backing whole disk (vda, loop2, dm-0), or null., type: str, returned: always}
rotational: {description: Whether the backing device is rotational; null when it cannot be known., type: bool, returned: always}
rotational_reason: {description: Where the rotational value came from, or why it is null., type: str, returned: always}
owner_uid: {description: The uid I(owner) resolves to on this host, or null., type: int, returned: always}
group_gid: {description: The gid I(group) resolves to on this host, or null., type: int, returned: always}
directory: {description: uid, gid, mode, entry_count, foreign_entry_count and foreign_entries (up to 10) of an existing directory., type: dict, returned: when I(path) is a directory}
"""

MOUNTINFO = "/proc/self/mountinfo"
SYS_BLOCK_BY_NUMBER = "/sys/dev/block"
SYS_BLOCK_BY_NAME = "/sys/class/block"
FOREIGN_ENTRIES_SHOWN = 10
_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


def nearest_existing(path):
    """The path itself or its nearest existing parent, and the missing parents outermost first."""
    current = os.path.normpath(path)
    missing = []
    while not os.path.exists(current):
        missing.append(current)
        current = os.path.dirname(current)
    missing_parents = [p for p in reversed(missing) if p != os.path.normpath(path)]
    return current, missing_parents


def _unescape(field):
    """mountinfo writes space, tab, newline and backslash as octal escapes (\\040 ...)."""
    return _OCTAL_ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), field)


def parse_mountinfo(text):
    """Mounts in mountinfo order as dicts with mount_point, device_number, fstype and source."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 10:
            continue
        separator = fields.index("-")
        mounts.append({
            "mount_point": _unescape(fields[4]),
            "device_number": fields[2],
            "fstype": fields[separator + 1],
            "source": _unescape(fields[separator + 2]),
        })
    return mounts


def mount_for(path, mounts):
    """The mount holding `path`: longest mount point prefix; a later mount on the same point hides earlier ones."""
    best = None
    for mount in mounts:
        point = mount["mount_point"]
        if path == point or path.startswith(point.rstrip("/") + "/"):
            if best is None or len(point) >= len(best["mount_point"]):
                best = mount
    return best


def _read(path):
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()


def _whole_disk(sys_path):
    """Partitions have no queue/; their parent directory in sysfs is the disk."""
    sys_path = os.path.realpath(sys_path)
    if os.path.exists(os.path.join(sys_path, "partition")):
        return os.path.dirname(sys_path)
    return sys_path


def _sysfs_entry(mount):
    """The sysfs directory of the block device behind a mount, or None (tmpfs, overlay, nfs...)."""
    major = mount["device_number"].split(":")[0]
    if major != "0":
        entry = os.path.join(SYS_BLOCK_BY_NUMBER, mount["device_number"])
        if os.path.exists(entry):
            return _whole_disk(entry)
    # btrfs and friends report an anonymous 0:N device; their source still names the real one.
    if mount["source"].startswith("/dev/"):
        entry = os.path.join(SYS_BLOCK_BY_NAME, os.path.basename(os.path.realpath(mount["source"])))
        if os.path.exists(entry):
            return _whole_disk(entry)
    return None


def rotational_of(sys_path):
    """(rotational, reason). A stacked device (dm, md) is as slow as its slowest member."""
    name = os.path.basename(sys_path)
    slaves_dir = os.path.join(sys_path, "slaves")
    slaves = sorted(os.listdir(slaves_dir)) if os.path.isdir(slaves_dir) else []
    if slaves:
        values = {slave: rotational_of(_whole_disk(os.path.join(slaves_dir, slave)))[0] for slave in slaves}
        if any(values.values()):
            rotational = True
        elif None in values.values():
            rotational = None
        else:
            rotational = False
        detail = ", ".join("%s rotational=%s" % (slave, value) for slave, value in values.items())
        return rotational, "%s is stacked on %s" % (name, detail)
    flag = os.path.join(sys_path, "queue", "rotational")
    if not os.path.exists(flag):
        return None, "%s has no %s" % (name, flag)
    value = _read(flag)
    return value == "1", "%s: %s = %s" % (name, flag, value)


def _resolve_id(value, lookup, kind):
    if value is None or value == "":
        return None
    if str(value).isdigit():
        return int(value)
    try:
        return lookup(value)
    except KeyError:
        raise ValueError("%s %r does not exist on this host" % (kind, value))


def directory_facts(path, owner_uid, is_mount_point):
    """Owner, mode and the entries that belong to someone other than the intended owner."""
    info = os.stat(path)
    entries = sorted(os.listdir(path))
    if is_mount_point:  # lost+found is the filesystem's own, not somebody's data
        entries = [entry for entry in entries if entry != "lost+found"]
    foreign = []
    if owner_uid is not None:
        foreign = [entry for entry in entries if os.lstat(os.path.join(path, entry)).st_uid != owner_uid]
    return {
        "uid": info.st_uid,
        "gid": info.st_gid,
        "mode": "%04o" % stat.S_IMODE(info.st_mode),
        "entry_count": len(entries),
        "foreign_entry_count": len(foreign),
        "foreign_entries": foreign[:FOREIGN_ENTRIES_SHOWN],
    }


def probe(path, owner=None, group=None):
    existing, missing_parents = nearest_existing(path)
    real_existing = os.path.realpath(existing)
    with open(MOUNTINFO, encoding="utf-8", errors="surrogateescape") as handle:
        mount = mount_for(real_existing, parse_mountinfo(handle.read()))
    vfs = os.statvfs(existing)
    sys_path = _sysfs_entry(mount)
    if sys_path is None:
        rotational, reason = None, "no block device behind %s (%s)" % (mount["mount_point"], mount["fstype"])
    else:
        rotational, reason = rotational_of(sys_path)
    owner_uid = _resolve_id(owner, lambda name: pwd.getpwnam(name).pw_uid, "user")
    group_gid = _resolve_id(group, lambda name: grp.getgrnam(name).gr_gid, "group")
    exists = existing == os.path.normpath(path)
    facts = {
        "exists": exists,
        "resolved_path": os.path.realpath(path),
        "is_directory": exists and os.path.isdir(path),
        "nearest_existing_path": existing,
        "missing_parents": missing_parents,
        "available_bytes": vfs.f_bavail * vfs.f_frsize,
        "total_bytes": vfs.f_blocks * vfs.f_frsize,
        "mount_point": mount["mount_point"],
        "fstype": mount["fstype"],
        "source": mount["source"],
        "device_number": mount["device_number"],
        "block_device": os.path.basename(sys_path) if sys_path else None,
        "rotational": rotational,
        "rotational_reason": reason,
        "owner_uid": owner_uid,
        "group_gid": group_gid,
    }
    if facts["is_directory"]:
        is_mount_point = os.path.realpath(path) == mount["mount_point"]
        facts["directory"] = directory_facts(path, owner_uid, is_mount_point)
    return facts


def probe_result(path, owner=None, group=None):
    """The module's result for these arguments: the figures, or failed with msg.

    `xdeploy-glance verify` calls this directly for a local host, so both see the same result.
    """
    if not os.path.isabs(path):
        return {"failed": True, "msg": "path must be absolute, got %r" % path}
    try:
        facts = probe(path, owner, group)
    except (OSError, ValueError) as error:
        return {"failed": True, "msg": "Cannot probe the staging filesystem for %s: %s" % (path, error)}
    # not "path": AnsibleModule would then add the stat of that path to the result
    return dict(changed=False, staging_path=os.path.normpath(path), **facts)


def main():
    # Imported here, not at the top: `xdeploy-glance verify` runs this file's probe on hosts without Ansible.
    # Ansible's module dependency finder reads imports inside functions too, so it still ships AnsibleModule.
    from ansible.module_utils.basic import AnsibleModule

    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "owner": {"type": "str"},
            "group": {"type": "str"},
        },
        supports_check_mode=True,
    )
    result = probe_result(module.params["path"], module.params["owner"], module.params["group"])
    if result.get("failed"):
        module.fail_json(msg=result["msg"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
