"""Ansible inventories, read with ansible-core's own loader and variable precedence.

ansible is imported only here and only when an inventory is given: it costs ~0.3 s of start-up.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .findings import Location
from .rules.base import HostVars

GROUP = "glance-api"  # kolla's group name, hyphen included


class InventoryError(Exception):
    pass


class GroupMissing(InventoryError):
    """The inventory parses, but has no such group: a finding (glance-api-group-missing), not a usage error."""


def glance_api_hosts(path: str, group: str = GROUP) -> tuple[HostVars, ...]:
    """The group's hosts with the glance_* variables Ansible gives each: host, group and group_vars/ ones."""
    if not Path(path).exists():
        raise InventoryError(f"{path}: no such inventory")
    from ansible.errors import AnsibleError

    try:
        parsed = parse(path)
        if not parsed.manager.hosts and set(parsed.manager.groups) <= {"all", "ungrouped"}:
            # Ansible only warns about a source none of its plugins can read, and goes on with no hosts
            raise InventoryError(f"{path}: Ansible cannot parse it as an inventory (it finds no host and no group)")
        if group not in parsed.manager.groups:
            raise GroupMissing(f"{path}: no group {group!r} (kolla's name for the Glance API hosts)")
        hosts = []
        for host in parsed.manager.groups[group].get_hosts():
            variables = parsed.variables.get_vars(host=host, include_hostvars=False)
            own = {k: v for k, v in variables.items() if k.startswith("glance_")}
            hosts.append(HostVars(host.name, own, _locations(own)))
    except AnsibleError as exc:
        raise InventoryError(f"{path}: {exc}") from exc
    return tuple(hosts)


def _locations(variables: dict[str, Any]) -> dict[str, Location]:
    """Where the inventory sets each value: the file and line ansible-core (2.19 and later) tags it with.

    Older ansible-core has no such tags: the values then carry no location.
    """
    try:
        from ansible._internal._datatag._tags import Origin  # tags of Ansible's own loaders; no public API yet
    except ImportError:
        return {}
    locations = {}
    for name, value in variables.items():
        origin = Origin.get_tag(value) or Origin.get_tag(name)
        if origin is not None and origin.path:
            locations[name] = Location(str(origin.path), origin.line_num or 0, origin.col_num or 0)
    return locations


@dataclass(frozen=True)
class ParsedInventory:
    source: str | None  # None: Ansible's configured default inventory, as testinfra without --ansible-inventory
    manager: Any  # ansible.inventory.manager.InventoryManager
    variables: Any  # ansible.vars.manager.VariableManager

    def listing(self) -> dict | None:
        """What `ansible-inventory --list -i SOURCE` prints, parsed: groups, and every host's variables.

        None where this ansible-core has no `inventory_legacy` encoder at the private path below: its
        output is what testinfra expects, and only ansible-core's own encoder writes tagged, vaulted
        and unsafe values exactly as ansible-inventory does. The caller then lets testinfra run
        ansible-inventory itself. tests/test_verify.py compares the two on every supported ansible-core.
        """
        from ansible import constants

        try:  # private: quarantined here, with the public fallback above
            from ansible._internal._json._profiles import _inventory_legacy
        except ImportError:
            return None

        seen: set[str] = set()
        hosts = self.manager.get_hosts("all", ignore_limits=True)  # all, as without --limit
        names = frozenset(host.name for host in hosts)

        def format_group(group) -> dict:  # ansible/cli/inventory.py json_inventory, unchanged in effect
            entry: dict[str, list[str]] = {}
            if group.name != "all":
                entry["hosts"] = [host.name for host in group.hosts if host.name in names]
            entry["children"] = []
            results = {group.name: entry}
            for child in group.child_groups:
                entry["children"].append(child.name)
                if child.name not in seen:
                    results.update(format_group(child))
                    seen.add(child.name)
            for key in ("hosts", "children"):
                if not entry.get(key, True):
                    del entry[key]
            if not entry:
                del results[group.name]
            return results

        results: dict[str, Any] = format_group(self.manager.groups["all"])
        results["_meta"] = {"hostvars": {}, "profile": _inventory_legacy.Encoder.profile_name}
        for host in hosts:
            host_vars = self.variables.get_vars(host=host, include_hostvars=False, stage="all")
            host_vars = {name: value for name, value in host_vars.items()
                         if name not in constants.INTERNAL_STATIC_VARS}
            if host_vars:
                results["_meta"]["hostvars"][host.name] = host_vars
        # ansible-inventory's own encoder: tagged, vaulted and unsafe values come out as it prints them
        return json.loads(json.dumps(results, cls=_inventory_legacy.Encoder))


def parse(source: str | None) -> ParsedInventory:
    """Parse an inventory as ansible-inventory does; AnsibleError on a broken one.

    Vaulted values stay encrypted in the listing, as ansible-inventory prints them: no vault secrets needed.
    """
    os.environ.setdefault("ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS", "ignore")  # kolla's group name is glance-api
    from ansible import constants
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    manager = InventoryManager(loader=loader, sources=[source] if source else constants.DEFAULT_HOST_LIST)
    return ParsedInventory(source, manager, VariableManager(loader=loader, inventory=manager))
