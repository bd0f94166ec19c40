"""Renders glance-api.conf and glance-image-import.conf for this host and copies them into place.

The files come from xdeploy_glance.render (the code behind `xdeploy-glance render` and `verify`),
fed with the values Ansible resolved for the host, the secrets (kolla passes passwords.yml as
extra vars) and the operator's override files under node_custom_config, whose Jinja is resolved
here as kolla's merge_configs does. Each file then goes through the copy action (check mode,
owner, group, mode, atomic replace). Secret values never reach the output: the copy results are
reduced to what is safe, and every diff is masked.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ansible import constants
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
    TRANSFERS_FILES = True
    _supports_check_mode = True
    _VALID_ARGS = frozenset(("dest", "overrides", "owner", "group", "mode"))

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
        files, diffs = [], []
        local_dir = tempfile.mkdtemp(dir=constants.DEFAULT_LOCAL_TMP)
        try:
            for rendered_file in rendered.files:
                dest = os.path.join(args["dest"], rendered_file.path)
                copied = self._copy(task_vars, local_dir, rendered_file, dest, args)
                diffs.extend(self._masked(copied.get("diff", []), rendered.secrets, dest))
                files.append({key: copied[key] for key in SAFE_COPY_KEYS if key in copied})
                if copied.get("failed"):
                    result.update(failed=True, msg=f"{dest}: {copied.get('msg')}")
                    break
        finally:
            shutil.rmtree(local_dir, ignore_errors=True)
        result.update(changed=any(f.get("changed") for f in files), files=files)
        if diffs:
            result["diff"] = diffs
        return result

    def _template_override(self, text, path):
        """Jinja in an override file sees the host's variables, as with kolla's merge_configs."""
        templar = self._templar.copy_with_new_env(searchpath=[str(path.parent)])
        return str(templar.template(trust_as_template(text), escape_backslashes=False,
                                    overrides=dict(lstrip_blocks=True)))

    def _copy(self, task_vars, local_dir, rendered_file, dest, args):
        source = os.path.join(local_dir, rendered_file.path)
        with open(source, "w", encoding="utf-8") as handle:
            handle.write(rendered_file.text)
        task = self._task.copy()
        task.args = {"src": source, "dest": dest,
                     "owner": args.get("owner"), "group": args.get("group"), "mode": args.get("mode", "0640")}
        copy_action = self._shared_loader_obj.action_loader.get(
            "ansible.legacy.copy", task=task, connection=self._connection, play_context=self._play_context,
            loader=self._loader, templar=self._templar, shared_loader_obj=self._shared_loader_obj)
        return copy_action.run(task_vars=task_vars)

    @staticmethod
    def _masked(diffs, secrets, dest):
        """Secrets out of the diff; and the destination as its header, not the local temporary file."""
        masked = []
        for diff in diffs if isinstance(diffs, list) else [diffs]:
            diff = {key: mask_text(value, secrets) if key in ("before", "after") and isinstance(value, str) else value
                    for key, value in diff.items()}
            if "after_header" in diff:
                diff["after_header"] = dest
            masked.append(diff)
        return masked
