"""Validates the Glance image-import settings with xdeploy-glance's own checker, on the controller.

One validation path with `xdeploy-glance validate`: when kolla-ansible passes its config directory
(`-e CONFIG_DIR=...`, as its CLI always does), the globals files are read from there exactly as the
CLI reads them, so every finding names the operator's file, line and column, and misspelled
variable names are caught. The values Ansible resolved (kolla's group_vars, Jinja, each glance-api
host's own variables) are checked too, for what the files alone cannot tell. Errors fail the task
with every finding; warnings show once as Ansible warnings.
"""
from __future__ import annotations

from pathlib import Path

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from xdeploy_glance.ansible_vars import findings_text, host_globals, resolved
from xdeploy_glance.checker import run as check_files
from xdeploy_glance.findings import Finding, Severity
from xdeploy_glance.inventory import GROUP
from xdeploy_glance.kolla_config import globals_sources
from xdeploy_glance.loading import InputError
from xdeploy_glance.render import check_values
from xdeploy_glance.rules.base import HostVars

display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(("group",))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        group = self._task.args.get("group", GROUP)
        hosts = tuple(self._host_vars(task_vars, name) for name in task_vars["groups"].get(group, ()))
        findings = list(check_values(host_globals(self._templar, task_vars), hosts).findings)
        config_dir = task_vars.get("CONFIG_DIR")
        if config_dir:
            try:
                from_files = check_files(globals_sources(Path(str(config_dir))), hosts).findings
            except InputError as error:
                from_files = (Finding("yaml-syntax", Severity.ERROR, str(error), "fix the file"),)
            findings = _prefer_located(from_files, findings)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        for finding in findings:
            if finding.severity is Severity.WARNING:
                display.warning(findings_text([finding]))
        result["changed"] = False
        if errors:
            result.update(failed=True, msg=f"The Glance image-import settings have {len(errors)} "
                                           f"error{'s' if len(errors) != 1 else ''}; no host was changed:\n"
                                           + findings_text(errors))
        else:
            result["msg"] = f"The Glance image-import settings are valid ({len(findings)} findings below error)"
        return result

    def _host_vars(self, task_vars, name):
        variables = task_vars["hostvars"][name]
        return HostVars(name, resolved(self._templar, variables, [key for key in variables
                                                                  if key.startswith("glance_")]))


def _prefer_located(from_files, from_values) -> list[Finding]:
    """Every finding once: the files' version (with file:line:column) wins over the same one from values."""
    seen = {(f.rule, f.variable, f.host) for f in from_files}
    # A Jinja value is only a note in the files; Ansible resolved it, and the values' check judged it.
    kept = [f for f in from_files if f.rule != "templated-value"]
    return kept + [f for f in from_values if (f.rule, f.variable, f.host) not in seen]
