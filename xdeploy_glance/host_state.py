"""The precheck role's read of each host, as the config and staging roles look it up.

The precheck role's gather task registers it as REGISTERED_AS: the id of the play that read it and,
per part ("config", "staging_probe"), the request it was read for. A part stands for the host only
in that same play and for the same request; otherwise the role runs its own module, which reads
the host itself. No Ansible import here: the action plugins pass in what they know.
"""
from __future__ import annotations

from typing import Any, Mapping

REGISTERED_AS = "glance_import_host_state"  # the gather task's `register:` (roles/glance_import_precheck)


def gathered(task_vars: Mapping[str, Any], play_id: str, part: str,
             request: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The gathered `part` when this play read it for `request`, else None."""
    host_state = task_vars.get(REGISTERED_AS)
    if not host_state or host_state.get("play") != play_id:
        return None
    found = host_state.get(part)
    return found if found and found["request"] == dict(request) else None


def config_request(directory: str, owner: Any, group: Any) -> dict[str, Any]:
    """What the gather task reads the config part for, and what the config role looks it up with."""
    return {"directory": directory, "owner": owner, "group": group}


def probe_request(path: str, owner: Any, group: Any) -> dict[str, Any]:
    """The staging probe's arguments, as the gather task runs it and the staging role looks it up."""
    return {"path": path, "owner": owner, "group": group}
