"""Renders glance-api.conf and glance-image-import.conf for this host and copies them into place.

The files come from xdeploy_glance.render (the code behind `xdeploy-glance render` and `verify`),
fed with the values Ansible resolved for the host, the secrets (kolla passes passwords.yml as
extra vars) and the operator's override files under node_custom_config, whose Jinja is resolved
here as kolla's merge_configs does. The directory and all files then go to the host in one run of
the glance_import_config_files module (check mode, owner, group, mode, atomic replace): the file and
copy actions would take two module runs per file and two for the directory. Secret values never
reach the output: the module's contents are no_log, its results are reduced to what is safe, and
every diff is masked.

`changed` covers the directory and the files; `config_changed` only the files, which is what the
restart handler looks at (see handlers/main.yml).

When the precheck role's gather task (registered as glance_import_host_state) read this host's
directory and files in this play, for the same directory, owner and group, and they already are
what the module would make them (type, content digest, uid, gid, mode), no module runs: the result
is the module's for a host with nothing to change. Any difference, or anything it cannot be sure of
(a symbolic mode, an owner unknown on the host), runs the module, which checks everything again on
the host and writes.
"""
from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.template import trust_as_template
from ansible.utils.display import Display

from xdeploy_glance import host_state
from xdeploy_glance.ansible_vars import findings_text, host_globals, host_secrets
from xdeploy_glance.findings import Severity, has_errors
from xdeploy_glance.render import OverrideError, check_values, render_host
from xdeploy_glance.render.masking import mask_text
from xdeploy_glance.render.output import RenderedFile
from xdeploy_glance.staging_checks import octal_mode

display = Display()
# What the copy module reports that cannot carry file contents.
SAFE_COPY_KEYS = ("changed", "failed", "msg", "dest", "owner", "group", "mode", "checksum", "size", "state")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False  # the contents travel as module arguments
    _supports_check_mode = True
    _VALID_ARGS = frozenset(("dest", "directory_mode", "parents_mode", "overrides", "owner", "group", "mode"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        host = task_vars["inventory_hostname"]
        checked = check_values(host_globals(self._templar, task_vars))
        if has_errors(checked.findings):
            raise AnsibleActionFail("The Glance image-import settings of this host are invalid; nothing was "
                                    "written:\n" + findings_text([f for f in checked.findings
                                                                  if f.severity is Severity.ERROR]))
        overrides = Path(args["overrides"]) if args.get("overrides") else None
        try:
            rendered = render_host(checked.settings, host, host_secrets(self._templar, task_vars),
                                   overrides if overrides is not None and overrides.is_dir() else None,
                                   self._template_override)
        except OverrideError as error:
            raise AnsibleActionFail(str(error)) from None
        for finding in rendered.findings:
            if finding.severity is Severity.WARNING:
                display.warning(f"{host}: {findings_text([finding])}")
        if not rendered.ok:
            raise AnsibleActionFail("Cannot render the Glance config; nothing was written:\n" + findings_text(
                [f for f in rendered.findings if f.severity is Severity.ERROR]))
        directory_mode, mode = args.get("directory_mode", "0750"), args.get("mode", "0640")
        in_place = self._gathered_config(task_vars)
        if in_place is not None and _already_deployed(in_place, rendered.files, args, directory_mode, mode):
            result.update(_unchanged_result(in_place, rendered.files))
            return result
        written = self._execute_module(
            "glance_import_config_files", task_vars=task_vars,
            module_args={"dest": args["dest"], "directory_mode": directory_mode,
                         "parents_mode": args.get("parents_mode", "0755"),
                         "names": [f.path for f in rendered.files], "contents": [f.text for f in rendered.files],
                         "owner": args.get("owner"), "group": args.get("group"), "mode": mode})
        files = [{key: file[key] for key in SAFE_COPY_KEYS if key in file} for file in written.get("files", [])]
        diffs = self._masked(self._diffs(written, rendered.files), rendered.secrets) if self._task.diff else []
        if written.get("failed"):
            result.update(failed=True, msg=written.get("msg"))
        directory = written.get("directory", {})
        config_changed = any(f.get("changed") for f in files)
        result.update(changed=bool(directory.get("changed")) or config_changed, config_changed=config_changed,
                      directory=directory, created_parents=written.get("created_parents", []), files=files)
        if diffs:
            result["diff"] = diffs
        return result

    def _gathered_config(self, task_vars: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """What the gather task read of this task's directory in this play, or None."""
        request = host_state.config_request(self._task.args["dest"], self._task.args.get("owner"),
                                            self._task.args.get("group"))
        return host_state.gathered(task_vars, self._task.get_play()._uuid, "config", request)

    def _template_override(self, text, path):
        """Jinja in an override file sees the host's variables, as with kolla's merge_configs."""
        templar = self._templar.copy_with_new_env(searchpath=[str(path.parent)])
        return str(templar.template(trust_as_template(text), escape_backslashes=False,
                                    overrides=dict(lstrip_blocks=True)))

    @staticmethod
    def _diffs(written, rendered_files):
        """The file module's diffs for the directories, then the copy action's: the text of each changed
        file, then each owner, group or mode change."""
        diffs = list(written.get("directory_diffs", []))
        for file, before, attributes in zip(written.get("files", []), written.get("before_base64", []),
                                            written.get("attribute_diffs", [])):
            text = next(f.text for f in rendered_files if file["dest"].endswith("/" + f.path))
            if before is not False:
                previous = base64.b64decode(before).decode("utf-8", "replace") if before else ""
                diffs.append({"before_header": file["dest"], "before": previous,
                              "after_header": file["dest"], "after": text})
            if attributes:
                diffs.append({"before": {"path": file["dest"], **attributes["before"]},
                              "after": {"path": file["dest"], **attributes["after"]}})
        return diffs

    @staticmethod
    def _masked(diffs, secrets):
        """Secrets out of the diff."""
        return [{key: mask_text(value, secrets) if key in ("before", "after") and isinstance(value, str) else value
                 for key, value in diff.items()} for diff in diffs]


def _already_deployed(config: Mapping[str, Any], files: Sequence[RenderedFile], args: Mapping[str, Any],
                      directory_mode: Any, mode: Any) -> bool:
    """Whether the module would change nothing: the directory and every file exist with the wanted
    owner, group and (octal) mode, and each file holds the rendered text."""
    def attributes_match(state: Mapping[str, Any], wanted_mode: Any) -> bool:
        bits = octal_mode(wanted_mode)  # None for a symbolic mode, which depends on the current one
        return (bits is not None and int(state["mode"], 8) == bits
                and (args.get("owner") is None or state["uid"] == config["owner_uid"])
                and (args.get("group") is None or state["gid"] == config["group_gid"]))

    directory = config["directory"]
    if directory["type"] != "directory" or not attributes_match(directory, directory_mode):
        return False
    for file in files:
        state = config["files"].get(file.path, {"type": "absent"})
        if (state["type"] != "file" or state["sha256"] != hashlib.sha256(file.text.encode("utf-8")).hexdigest()
                or not attributes_match(state, mode)):
            return False
    return True


def _unchanged_result(config: Mapping[str, Any], files: Sequence[RenderedFile]) -> dict:
    """The module's result (as this plugin reports it) for a directory and files it would leave as they are."""
    def attributes(state: Mapping[str, Any]) -> dict:
        return {"mode": "0%03o" % int(state["mode"], 8), "owner": state["owner"], "group": state["group"]}

    deployed = []
    for file in files:
        data = file.text.encode("utf-8")
        deployed.append({"changed": False, "dest": os.path.join(config["path"], file.path),
                         **attributes(config["files"][file.path]), "checksum": hashlib.sha1(data).hexdigest(),
                         "size": len(data), "state": "file"})
    return {"changed": False, "config_changed": False, "created_parents": [], "files": deployed,
            "directory": {"path": config["path"], "changed": False, "state": "directory",
                          **attributes(config["directory"])}}
