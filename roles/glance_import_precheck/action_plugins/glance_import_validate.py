"""Validates the Glance image-import globals with xdeploy-glance's own validator, on the controller.

The same code as `xdeploy-glance validate`, fed with the values Ansible resolved: the globals
(extra vars) and, for the checks that span hosts, each glance-api host's own glance_* variables.
Errors fail the task with every finding; warnings show as Ansible warnings.
"""
from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from xdeploy_glance.ansible_vars import findings_text, host_globals, resolved
from xdeploy_glance.findings import Severity
from xdeploy_glance.inventory import GROUP
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
        checked = check_values(host_globals(self._templar, task_vars), hosts)
        errors = [f for f in checked.findings if f.severity is Severity.ERROR]
        for finding in checked.findings:
            if finding.severity is Severity.WARNING:
                display.warning(findings_text([finding]))
        result["changed"] = False
        if errors:
            result.update(failed=True, msg=f"The Glance image-import settings have {len(errors)} "
                                           f"error{'s' if len(errors) != 1 else ''}; no host was changed:\n"
                                           + findings_text(errors))
        else:
            result["msg"] = f"The Glance image-import settings are valid ({len(checked.findings)} findings below error)"
        return result

    def _host_vars(self, task_vars, name):
        variables = task_vars["hostvars"][name]
        return HostVars(name, resolved(self._templar, variables, [key for key in variables
                                                                  if key.startswith("glance_")]))
