"""The glance-api hosts of an Ansible inventory, read with ansible-core's own loader.

ansible is imported only here and only when an inventory is given: it costs ~0.3 s of start-up.
"""
from __future__ import annotations

import os
from pathlib import Path

from .rules.base import HostVars

GROUP = "glance-api"  # kolla's group name, hyphen included


class InventoryError(Exception):
    pass


def glance_api_hosts(path: str, group: str = GROUP) -> tuple[HostVars, ...]:
    if not Path(path).exists():
        raise InventoryError(f"{path}: no such inventory")
    os.environ.setdefault("ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS", "ignore")  # keep kolla's glance-api quiet
    from ansible.errors import AnsibleError
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader

    try:
        inventory = InventoryManager(loader=DataLoader(), sources=[path])
    except AnsibleError as exc:
        raise InventoryError(f"{path}: {exc}") from exc
    if group not in inventory.groups:
        raise InventoryError(f"{path}: no group {group!r} (kolla's name for the Glance API hosts)")
    hosts = []
    for host in inventory.groups[group].get_hosts():
        variables = {k: v for k, v in host.get_vars().items() if k.startswith("glance_")}
        hosts.append(HostVars(host.name, variables))
    return tuple(hosts)
