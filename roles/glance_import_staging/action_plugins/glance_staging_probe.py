"""Runs the glance_staging_probe module, unless this host's probe was already read at the start of the play.

The precheck role's gather task (xdeploy_glance.host_state) runs this module's own probe
code on each host together with the config role's reads, in one module run. When it did so in this
play for the same path, owner and group, its result is the module's result here (a failed probe
fails this task with the module's message) and no module runs. Otherwise (the role used on its own,
other arguments) the module runs as usual.
"""
from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from xdeploy_glance import host_state


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        request = host_state.probe_request(args.get("path"), args.get("owner"), args.get("group"))
        gathered = host_state.gathered(task_vars, self._task.get_play()._uuid, "staging_probe", request)
        if gathered is not None:
            return merge_hash(result, dict(gathered["result"]))
        result = merge_hash(result, self._execute_module(task_vars=task_vars))
        self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
