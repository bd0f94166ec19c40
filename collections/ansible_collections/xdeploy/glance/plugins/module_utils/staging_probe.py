"""Read-only probe of the filesystem that holds (or will hold) the Glance staging directory.

Shared by the glance_staging_probe module and by `xdeploy-glance verify`, which sends this file to
hosts that have no Ansible: it imports nothing but the standard library.

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


def untrusted_symlinks(path):
    """Symlinks on the way to `path` that root does not own, as [path, uid]: whoever owns one decides
    where the role's chown lands (a link planted by the glance user could point it at /usr/bin)."""
    found = []
    current = "/"
    for part in os.path.normpath(path).strip("/").split("/"):
        current = os.path.join(current, part)
        try:
            status = os.lstat(current)
        except OSError:
            break
        if stat.S_ISLNK(status.st_mode) and status.st_uid != 0:
            found.append([current, status.st_uid])
    return found


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
        "euid": os.geteuid(),
        "untrusted_symlinks": untrusted_symlinks(path),
    }
    if facts["is_directory"]:
        is_mount_point = os.path.realpath(path) == mount["mount_point"]
        facts["directory"] = directory_facts(path, owner_uid, is_mount_point)
    return facts


def probe_result(path, owner=None, group=None, stores=()):
    """The module's result for these arguments: the figures, or failed with msg. `stores` are the image
    stores' host paths: their real paths come back as store_realpaths, to compare with resolved_path.

    `xdeploy-glance verify` calls this directly for a local host, so both see the same result.
    """
    if not os.path.isabs(path):
        return {"failed": True, "msg": "path must be absolute, got %r" % path}
    try:
        facts = probe(path, owner, group)
    except (OSError, ValueError) as error:
        return {"failed": True, "msg": "Cannot probe the staging filesystem for %s: %s" % (path, error)}
    facts["store_realpaths"] = [os.path.realpath(store) for store in stores or () if os.path.exists(store)]
    # not "path": AnsibleModule would then add the stat of that path to the result
    return dict(changed=False, staging_path=os.path.normpath(path), **facts)
