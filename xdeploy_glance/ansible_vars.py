"""What the roles' action plugins share: the globals as Ansible resolved them for one host.

No Ansible import here: the plugins pass in their templar, which resolves each variable the way
every other task of the play sees it (extra-vars globals over inventory over role defaults).
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

from . import schema
from .findings import Finding


def plain(value: Any) -> Any:
    """Ansible's tagged strings, lists and dicts as plain JSON values, which the checks expect."""
    return json.loads(json.dumps(value))


def resolved(templar, task_vars: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: plain(templar.template(task_vars[name])) for name in names if name in task_vars}


def host_globals(templar, task_vars: Mapping[str, Any]) -> dict[str, Any]:
    """Every schema variable this host sees, resolved."""
    return resolved(templar, task_vars, schema.variables())


def findings_text(findings: Sequence[Finding]) -> str:
    """One line per finding (plus its hint), as `xdeploy-glance validate` prints them."""
    lines = []
    for finding in findings:
        where = f"{finding.location}: " if finding.location else ""
        host = f" (host {finding.host})" if finding.host else ""
        variable = f" {finding.variable}:" if finding.variable else ""
        lines.append(f"{where}{finding.severity} [{finding.rule}]{variable} {finding.message}{host}")
        if finding.hint:
            lines.append(f"  hint: {finding.hint}")
    return "\n".join(lines)
