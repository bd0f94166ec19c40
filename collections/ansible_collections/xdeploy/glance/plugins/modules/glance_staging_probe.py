#!/usr/bin/python
"""Ansible module around module_utils/staging_probe.py, which `xdeploy-glance verify` also runs on hosts."""
from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xdeploy.glance.plugins.module_utils.staging_probe import probe_result

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
  stores:
    description: Host paths of the image stores; their real paths are returned to compare with the staging directory's.
    type: list
    elements: path
    default: []
  volumes:
    description:
      - kolla's volume list of the glance_api container (C(source:/destination[:options]) strings). When
        given, I(path) is a path inside the container; the action plugin resolves it to the host path
        (xdeploy_glance.volumes) before the module probes that, and adds container_path, host_path,
        staging_label and volume to the result. A path under no volume fails, saying why.
    type: list
    elements: str
  container_engine:
    description: kolla_container_engine; a named volume is looked up with C(<engine> volume inspect) on the host.
    type: str
    choices: [docker, podman]
    default: docker
  docker_runtime_directory:
    description: kolla's docker_runtime_directory, for the engine's default volume location before the first deploy.
    type: str
    default: ""
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
container_path: {description: I(path) in the container., type: str, returned: with I(volumes)}
host_path: {description: Where I(path) is on the host; every figure is for it., type: str, returned: with I(volumes)}
staging_label: {description: "Both paths, as messages name them: staging /c (host: /h).", type: str, returned: with I(volumes)}
volume: {description: "The volume holding I(path): spec, source, target, options, named, read_only.", type: dict, returned: with I(volumes)}
placement: {description: How the host path was found (bind mount, volume inspect, the engine's default location)., type: str, returned: with I(volumes)}
directory: {description: uid, gid, mode, entry_count, foreign_entry_count and foreign_entries (up to 10) of an existing directory., type: dict, returned: when I(path) is a directory}
"""


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "owner": {"type": "str"},
            "group": {"type": "str"},
            "stores": {"type": "list", "elements": "path", "default": []},
            # consumed by the action plugin, which resolves path to the host path first
            "volumes": {"type": "list", "elements": "str"},
            "container_engine": {"type": "str", "choices": ["docker", "podman"], "default": "docker"},
            "docker_runtime_directory": {"type": "str", "default": ""},
        },
        supports_check_mode=True,
    )
    result = probe_result(module.params["path"], module.params["owner"], module.params["group"],
                          module.params["stores"])
    if result.get("failed"):
        module.fail_json(msg=result["msg"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
