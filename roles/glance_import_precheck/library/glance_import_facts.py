#!/usr/bin/python
"""Reads, in one module run, what the config and staging roles compare with on a host; changes nothing.

A reconfigure run that changes nothing used to run one module per role on every host (the config
module, which compares then writes, and the staging probe), each a connection and a Python start.
The precheck role runs this module once per host instead, at the start of the play, and the two
roles compare on the controller: each runs its own module only when something differs.

The staging part is the staging role's glance_staging_probe module itself: the glance_import_gather
action plugin sends that file's source and this module runs its probe_result(), as `xdeploy-glance
verify` does on hosts. Ansible ships a module with the module_utils it imports, never with another
module, and that file must stay a standalone module (verify runs it without Ansible), so its source
travels as an argument.
"""
from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat
import types

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: glance_import_facts
short_description: Read the Glance config directory, its files and the staging probe in one pass
description:
  - Reports the type, uid, gid and mode of I(config_directory) and, for each of I(config_files) in it,
    the type, uid, gid, mode and sha256 of its content, without following symlinks; and the uid
    and gid that I(config_owner) and I(config_group) resolve to as the file module resolves them.
  - With I(probe) and I(probe_source), also the staging probe's result for I(probe) (see the
    glance_staging_probe module), or its failure as data (failed, msg): the staging role reports it.
  - Changes nothing; runs in check mode.
options:
  config_directory:
    description: The directory the config role writes the files to.
    type: path
    required: true
  config_files:
    description: File names in I(config_directory).
    type: list
    elements: str
    required: true
  config_owner:
    description: User name or uid the config role gives I(config_directory) and its files.
    type: str
  config_group:
    description: Group name or gid the config role gives I(config_directory) and its files.
    type: str
  probe:
    description: The glance_staging_probe module's arguments (path, owner, group).
    type: dict
  probe_source:
    description: The source of the glance_staging_probe module; required with I(probe).
    type: str
author: xdeploy-glance
"""

RETURN = r"""
config:
  description: >-
    path (I(config_directory), expanded), directory (its state), files (name -> state), owner_uid
    and group_gid (null when not given or unknown on the host). A state has a type (directory, file,
    absent, other, or unreadable with an error) and, when it exists, uid, gid, mode, owner and group
    (names); a file also the sha256 of its content.
  type: dict
  returned: always
staging_probe:
  description: The glance_staging_probe module's result for I(probe) (with failed and msg when it failed).
  type: dict
  returned: when I(probe) is given
"""


def _name(lookup, number: int) -> str:
    """A user or group name as the file module reports it: the id itself when it has no name."""
    try:
        return lookup(number)[0]
    except KeyError:
        return str(number)


def entry_state(path: str, digest: bool) -> dict:
    """What the file module looks at (lstat: a symlink is "other"), with the content's sha256 if asked."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return {"type": "absent"}
    except OSError as error:
        return {"type": "unreadable", "error": str(error)}
    kind = "directory" if stat.S_ISDIR(info.st_mode) else "file" if stat.S_ISREG(info.st_mode) else "other"
    state = {"type": kind, "uid": info.st_uid, "gid": info.st_gid, "mode": "%04o" % stat.S_IMODE(info.st_mode),
             "owner": _name(pwd.getpwuid, info.st_uid), "group": _name(grp.getgrgid, info.st_gid)}
    if kind == "file" and digest:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return {"type": "unreadable", "error": str(error)}
        state["sha256"] = hashlib.sha256(data).hexdigest()
    return state


def resolve_id(value, lookup):
    """The id the file module would set for an owner or group: a number as is, else the name's; None if unknown."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        try:
            return lookup(value)[2]
        except KeyError:
            return None


def config_state(directory: str, names: list, owner, group) -> dict:
    return {
        "path": directory,
        "directory": entry_state(directory, digest=False),
        "files": {name: entry_state(os.path.join(directory, name), digest=True) for name in names},
        "owner_uid": resolve_id(owner, pwd.getpwnam),
        "group_gid": resolve_id(group, grp.getgrnam),
    }


def staging_probe(arguments: dict, source: str) -> dict:
    """The glance_staging_probe module's result, from its own code."""
    probe_module = types.ModuleType("glance_staging_probe")
    exec(compile(source, "glance_staging_probe.py", "exec"), probe_module.__dict__)
    return probe_module.probe_result(arguments["path"], arguments["owner"], arguments["group"])


def main():
    module = AnsibleModule(
        argument_spec={
            "config_directory": {"type": "path", "required": True},
            "config_files": {"type": "list", "elements": "str", "required": True},
            "config_owner": {"type": "str"},
            "config_group": {"type": "str"},
            "probe": {"type": "dict", "options": {
                "path": {"type": "path", "required": True},
                "owner": {"type": "str"},
                "group": {"type": "str"},
            }},
            "probe_source": {"type": "str", "no_log": True},
        },
        required_by={"probe": "probe_source"},
        supports_check_mode=True,
    )
    params = module.params
    result = {"changed": False, "config": config_state(params["config_directory"], params["config_files"],
                                                       params["config_owner"], params["config_group"])}
    if params["probe"] is not None:
        result["staging_probe"] = staging_probe(params["probe"], params["probe_source"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
