"""Runs the glance_staging_probe module on the host path of a path inside kolla's glance_api container.

With `volumes` (kolla's glance_api volume list), `path` is where Glance stages inside the container:
xdeploy_glance.volumes finds the volume that holds it; a named volume is looked up on the host with
`<container_engine> volume inspect` (when the engine is installed there), else it is the engine's
default location. The module then probes that host path, and its result also carries container_path,
host_path, staging_label and volume, so every later check and message names both paths.
Without `volumes`, `path` is a host path and the module runs as it is.
"""
from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from xdeploy_glance import volumes as kolla_volumes

MODULE = "xdeploy.glance.glance_staging_probe"
PLACEMENT_ARGS = ("volumes", "container_engine", "docker_runtime_directory")
# stores: the image stores' container paths (with volumes) or host paths; the module resolves them.


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(("path", "owner", "group", "stores", *PLACEMENT_ARGS))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        volume_list = args.pop("volumes", None)
        engine = args.pop("container_engine", None) or "docker"
        runtime_directory = args.pop("docker_runtime_directory", None) or ""
        placement = None
        if volume_list is not None:
            try:
                placement = kolla_volumes.resolve(args.get("path"), volume_list, engine, runtime_directory,
                                                  inspect=lambda name: self._inspect(engine, name))
            except ValueError as error:
                raise AnsibleActionFail(f"glance_staging_probe: {error}") from None
            if placement.host_path is None:
                result.update(failed=True, changed=False, msg=f"Glance {placement.label}: {placement.how}",
                              **placement.as_dict())
                return result
            args["path"] = placement.host_path
            args["stores"] = [store.host_path for store in (
                kolla_volumes.resolve(path, volume_list, engine, runtime_directory,
                                      inspect=lambda name: self._inspect(engine, name))
                for path in args.get("stores") or ()) if store.host_path]
        module_result = self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)
        result.update(module_result)
        if placement is not None and not module_result.get("failed"):
            result.update(placement.as_dict())
        elif placement is not None:
            result["msg"] = f"Glance {placement.label}: {module_result.get('msg', '')}"
        return result

    def _inspect(self, engine, name):
        """The Mountpoint `<engine> volume inspect <name>` reports on the host; None without engine or volume."""
        command = kolla_volumes.inspect_shell_command(engine, name)
        found = self._low_level_execute_command(command, sudoable=True)
        if found.get("rc") != 0:
            return None
        return kolla_volumes.mountpoint_from_inspect(name, to_text(found.get("stdout", "")))
