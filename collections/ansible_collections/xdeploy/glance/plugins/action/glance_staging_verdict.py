"""Acts on a verdict from the role's filters: ok passes, warn prints an Ansible warning, fail fails.

A real [WARNING] line (with the host's name in it) is what operators notice; a debug task would
bury a warning among ok results.
"""
from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()
STATUSES = ("ok", "warn", "fail")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(("verdict",))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        verdict = self._task.args.get("verdict")
        if not isinstance(verdict, dict) or verdict.get("status") not in STATUSES or "message" not in verdict:
            raise AnsibleActionFail(f"verdict must be a mapping with a status ({', '.join(STATUSES)}) and a message, "
                                    f"got {verdict!r}")
        result.update(changed=False, status=verdict["status"], msg=verdict["message"])
        if verdict["status"] == "fail":
            result["failed"] = True
        elif verdict["status"] == "warn":
            display.warning(f"{task_vars['inventory_hostname']}: {verdict['message']}")
        return result
