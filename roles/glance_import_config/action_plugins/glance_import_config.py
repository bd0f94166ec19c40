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
"""
from __future__ import annotations

from pathlib import Path

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.template import trust_as_template
from ansible.utils.display import Display

from xdeploy_glance.ansible_vars import findings_text, host_globals, host_secrets
from xdeploy_glance.findings import Severity
from xdeploy_glance.render import OverrideError, check_values, render_host
from xdeploy_glance.render.masking import mask_text

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
        if any(f.severity is Severity.ERROR for f in checked.findings):
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
        written = self._execute_module(
            "glance_import_config_files", task_vars=task_vars,
            module_args={"dest": args["dest"], "directory_mode": args.get("directory_mode", "0750"),
                         "parents_mode": args.get("parents_mode", "0755"),
                         "names": [f.path for f in rendered.files], "contents": [f.text for f in rendered.files],
                         "owner": args.get("owner"), "group": args.get("group"), "mode": args.get("mode", "0640")})
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
        for file, before, attributes in zip(written.get("files", []), written.get("before", []),
                                            written.get("attribute_diffs", [])):
            text = next(f.text for f in rendered_files if file["dest"].endswith("/" + f.path))
            if before is not False:
                diffs.append({"before_header": file["dest"], "before": before or "",
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
