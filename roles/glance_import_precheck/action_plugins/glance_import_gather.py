"""Reads, once per host, what the config and staging roles compare with: one module run for both.

Runs the glance_import_facts module (read-only, also in check mode) for the config role's directory,
files, owner and group and, when the staging role's glance_staging_probe module is in the play, for
the staging probe with that module's own code. The precheck role registers the result as
glance_import_host_state (xdeploy_glance.host_state). The config role's glance_import_config and the staging role's
glance_staging_probe action plugins use it only when it was gathered in the same play for the same
arguments; they then run no module when nothing differs. A registered result, not ansible_facts:
facts may be cached across runs (kolla's jsonfile fact cache), and a state read by an earlier run
must never stand in for the host's.

Result: play (the play's id), config (request: the directory, owner and group asked for, and what
the module read) and staging_probe (request: path, owner and group; result: the probe module's).
"""
from __future__ import annotations

from pathlib import Path

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from xdeploy_glance import host_state
from xdeploy_glance.render.overrides import FILES as CONFIG_FILES
from xdeploy_glance.settings import staging_path_from_uri

FACTS_MODULE = "glance_import_facts"
PROBE_MODULE = "glance_staging_probe"


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(("config_directory", "config_owner", "config_group",
                             "staging_store_uri", "staging_owner", "staging_group"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        config_request = host_state.config_request(args["config_directory"], args.get("config_owner"),
                                                   args.get("config_group"))
        module_args = {"config_directory": config_request["directory"], "config_files": list(CONFIG_FILES),
                       "config_owner": config_request["owner"], "config_group": config_request["group"]}
        probe_request = self._probe_request(args)
        probe_source = self._probe_source() if probe_request is not None else None
        if probe_source is not None:
            module_args.update(probe=probe_request, probe_source=probe_source)
        gathered = self._execute_module(FACTS_MODULE, module_args=module_args, task_vars=task_vars)
        self._remove_tmp_path(self._connection._shell.tmpdir)
        if gathered.get("failed"):
            raise AnsibleActionFail("Cannot read the Glance config and staging state of this host: "
                                    f"{gathered.get('msg')}")
        result.update(changed=False, play=self._task.get_play()._uuid,
                      config={"request": config_request, **gathered["config"]})
        if "staging_probe" in gathered:
            result["staging_probe"] = {"request": probe_request, "result": gathered["staging_probe"]}
        return result

    @staticmethod
    def _probe_request(args) -> dict | None:
        """The staging role's probe arguments, as its probe task passes them; None for a URI it would reject."""
        try:
            path = staging_path_from_uri(args.get("staging_store_uri"))
        except ValueError:
            return None  # the staging role's own probe task reports it
        return host_state.probe_request(path, args.get("staging_owner"), args.get("staging_group"))

    def _probe_source(self) -> str | None:
        """The glance_staging_probe module the staging role's probe task would run, if the play has it."""
        found = self._shared_loader_obj.module_loader.find_plugin_with_context(
            PROBE_MODULE, ".py", collection_list=self._task.collections)
        return Path(found.plugin_resolved_path).read_text(encoding="utf-8") if found.resolved else None
