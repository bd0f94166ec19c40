#!/usr/bin/python
"""Writes the rendered Glance config files into their directory, all in one module run.

The copy action costs two module runs per file (a remote stat, then copy or file), and the
directory two more (stat, file), each a connection and a Python start on the host; a run that
changes nothing is dominated by them. This module creates the directory (and its missing parents),
sets its owner, group and mode, then compares, writes and sets owner, group and mode for every file.
"""
from __future__ import annotations

import base64
import hashlib
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: glance_import_config_files
short_description: Write config files with their owner, group and mode in one pass
description:
  - Creates the missing parents of I(dest) with I(parents_mode), creates I(dest) if missing and sets
    its I(owner), I(group) and I(directory_mode) on every run, like the file module with
    C(state=directory) (not recursively).
  - For each of I(names) and I(contents), writes I(dest)/name when its content differs (atomically,
    through a private temporary file in I(dest)), then sets I(owner), I(group) and I(mode).
  - Supports check mode and diff mode. The contents are never logged.
options:
  dest:
    description: Directory the files go to.
    type: path
    required: true
  directory_mode:
    description: Mode of I(dest).
    type: raw
    required: true
  parents_mode:
    description: Mode of the parents of I(dest) this module creates; existing parents are left alone.
    type: raw
    required: true
  names:
    description: File names inside I(dest).
    type: list
    elements: str
    required: true
  contents:
    description: The text of each file, in the order of I(names).
    type: list
    elements: str
    required: true
  owner:
    description: Owner of I(dest) and of the files.
    type: str
  group:
    description: Group of I(dest) and of the files.
    type: str
  mode:
    description: Mode of the files.
    type: raw
author: xdeploy-glance
"""

EXAMPLES = r"""
- name: Writing the Glance config
  glance_import_config_files:
    dest: /etc/kolla/glance-api
    directory_mode: "0750"
    parents_mode: "0755"
    names: [glance-api.conf]
    contents: ["[DEFAULT]\n"]
    owner: root
    group: root
    mode: "0640"
"""

RETURN = r"""
directory:
  description: What the file module would report for I(dest) (path, changed, state, owner, group, mode).
  type: dict
  returned: always
created_parents:
  description: The missing parents of I(dest) that were (or in check mode would be) created, outermost first.
  type: list
  returned: always
directory_diffs:
  description: In diff mode, the file module's diff for each created parent and for I(dest).
  type: list
  returned: always
files:
  description: Per file, what the copy module would report (dest, changed, checksum, size, owner, group, mode, state).
  type: list
  returned: always
before_base64:
  description:
    - In diff mode, the previous content of each file whose content changed, base64-encoded (null if it did
      not exist, false if its content did not change).
    - Encoded because Ansible masks every occurrence of a no_log value (here the new contents) in a result:
      an old file holding the new text plus one edited line would show as the mask and that line.
  type: list
  returned: always
attribute_diffs:
  description: In diff mode, the owner, group and mode changes of each file.
  type: list
  returned: always
"""


def missing_parents(path: str) -> list[str]:
    """The parents of path that do not exist, outermost first."""
    missing = []
    parent = os.path.dirname(path)
    while not os.path.exists(parent):
        missing.append(parent)
        parent = os.path.dirname(parent)
    return list(reversed(missing))


def creation_diff(path: str) -> dict:
    """The file module's diff for a directory it creates."""
    return {"before": {"path": path, "state": "absent"}, "after": {"path": path, "state": "directory"}}


def ensure_directory(module: AnsibleModule, path: str) -> tuple[dict, list[str], list[dict]]:
    """Like the file module with state=directory: create path's missing parents with parents_mode,
    create path if missing, then set its owner, group and directory_mode (never recursively).

    Returns the directory's result, the created parents and the diffs (nothing is created in check mode).
    """
    existed = os.path.exists(path)
    if existed and not os.path.isdir(path):
        raise NotADirectoryError("it exists and is not a directory; it was left untouched")
    created = [] if existed else missing_parents(path)
    # for a new directory the state change says it all: its mode right after mkdir is no drift
    diffs = [] if existed else [creation_diff(directory) for directory in (*created, path)]
    if not existed and not module.check_mode:
        for parent in created:
            os.mkdir(parent, 0o700)
            module.set_mode_if_different(parent, module.params["parents_mode"], False)
        os.mkdir(path, 0o700)  # private until its own mode is set just below
    attributes_changed = False
    if os.path.exists(path):  # in check mode a new directory does not exist yet
        file_args = module.load_file_common_arguments({
            "path": path, "owner": module.params["owner"], "group": module.params["group"],
            "mode": module.params["directory_mode"]})
        attribute_diff: dict = {"before": {"path": path, "state": "directory"},
                                "after": {"path": path, "state": "directory"}}
        attributes_changed = module.set_fs_attributes_if_different(file_args, False, diff=attribute_diff)
        if existed and attributes_changed:
            diffs.append(attribute_diff)
    result = {"path": path, "changed": not existed or attributes_changed, "state": "absent"}
    if os.path.exists(path):
        result.update(state="directory", **attributes_of(path))
    return result, created, diffs


def attributes_of(path: str) -> dict:
    info = os.stat(path)
    return {"mode": "0%03o" % (info.st_mode & 0o7777), "owner": _user(info.st_uid), "group": _group(info.st_gid)}


def read_existing(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_atomically(module: AnsibleModule, path: str, data: bytes) -> None:
    # mkstemp creates the file 0600: secrets are never readable by others before the mode is set
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".xdeploy-glance-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        module.atomic_move(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def deploy(module: AnsibleModule, path: str, text: str) -> tuple[dict, str | None | bool, dict]:
    """One file: its result, its previous text (False if unchanged) and its attribute diff."""
    data = text.encode("utf-8")
    existing = read_existing(path)
    content_changed = existing != data
    if content_changed and not module.check_mode:
        write_atomically(module, path, data)
    attribute_diff: dict = {"before": {}, "after": {}}
    attributes_changed = False
    if os.path.exists(path):  # in check mode a new file does not exist yet: it gets its attributes when written
        file_args = module.load_file_common_arguments({"path": path, "owner": module.params["owner"],
                                                       "group": module.params["group"], "mode": module.params["mode"]})
        # a file just written starts as mkstemp's 0600: like copy, show its content, not that mode change
        attributes_changed = module.set_fs_attributes_if_different(
            file_args, False, diff=attribute_diff if existing is not None else None)
    result = {"dest": path, "changed": content_changed or attributes_changed,
              "checksum": hashlib.sha1(data).hexdigest(), "size": len(data), "state": "file"}
    if os.path.exists(path):
        result.update(attributes_of(path))
    before = (base64.b64encode(existing).decode("ascii") if existing is not None else None) if content_changed else False
    return result, before, attribute_diff if attributes_changed and existing is not None else {}


def _user(uid: int) -> str:
    import pwd
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> str:
    import grp
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def main():
    module = AnsibleModule(
        argument_spec={
            "dest": {"type": "path", "required": True},
            "directory_mode": {"type": "raw", "required": True},
            "parents_mode": {"type": "raw", "required": True},
            "names": {"type": "list", "elements": "str", "required": True},
            "contents": {"type": "list", "elements": "str", "required": True, "no_log": True},
            "owner": {"type": "str"},
            "group": {"type": "str"},
            "mode": {"type": "raw"},
        },
        supports_check_mode=True,
    )
    names, contents = module.params["names"], module.params["contents"]
    if len(names) != len(contents):
        module.fail_json(msg="names and contents must have the same length")
    dest = module.params["dest"]
    try:
        directory, created_parents, directory_diffs = ensure_directory(module, dest)
    except OSError as error:
        module.fail_json(msg="%s: %s" % (dest, error))
    files, befores, attribute_diffs = [], [], []
    for name, text in zip(names, contents):
        path = os.path.join(dest, name)
        try:
            result, before, attribute_diff = deploy(module, path, text)
        except OSError as error:
            module.fail_json(msg="%s: %s" % (path, error), directory=directory, files=files)
        files.append(result)
        befores.append(before)
        attribute_diffs.append(attribute_diff)
    module.exit_json(changed=directory["changed"] or any(f["changed"] for f in files), directory=directory,
                     created_parents=created_parents, directory_diffs=directory_diffs if module._diff else [],
                     files=files, before_base64=befores if module._diff else [],
                     attribute_diffs=attribute_diffs if module._diff else [])


if __name__ == "__main__":
    main()
