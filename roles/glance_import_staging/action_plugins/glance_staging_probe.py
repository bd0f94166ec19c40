"""Runs the glance_staging_probe module, unless this host's probe was already read at the start of the play.

The precheck role's gather task (registered as glance_import_host_state) runs this module's own probe
code on each host together with the config role's reads, in one module run. When it did so in this
play for the same path, owner and group, its result is the module's result here (a failed probe
fails this task with the module's message) and no module runs. Otherwise (the role used on its own,
other arguments) the module runs as usual.
"""
from __future__ import annotations

from typing import Any, Mapping

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

HOST_STATE = "glance_import_host_state"  # registered by the precheck role's gather task
PROBE_ARGUMENTS = ("path", "owner", "group")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        gathered = self._gathered_probe(task_vars.get(HOST_STATE))
        if gathered is not None:
            return merge_hash(result, gathered)
        result = merge_hash(result, self._execute_module(task_vars=task_vars))
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _gathered_probe(self, host_state: Mapping[str, Any] | None) -> dict | None:
        """The probe module's result as gathered in this play for the same arguments, or None."""
        if not host_state or host_state.get("play") != self._task.get_play()._uuid:
            return None
        probe = host_state.get("staging_probe")
        if not probe or any(probe["request"][name] != self._task.args.get(name) for name in PROBE_ARGUMENTS):
            return None
        return dict(probe["result"])
