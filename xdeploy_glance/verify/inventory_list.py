"""The inventory as `ansible-inventory --list` prints it, built from verify's own parse of it.

testinfra's ansible backend takes hosts, groups and variables from that JSON, which it gets by
running `ansible-inventory --list` (half a second: a new Python, a second full parse). verify
parses the inventory in process anyway (for --limit), so it builds the same JSON
(xdeploy_glance.inventory.ParsedInventory.listing) and hands it to testinfra's runner for that inventory.
"""
from __future__ import annotations


def hand_to_testinfra(source: str | None, listing: dict) -> None:
    """testinfra's runner for this inventory uses `listing` instead of running `ansible-inventory --list`."""
    from testinfra.utils.ansible_runner import AnsibleRunner

    runner = AnsibleRunner.get_runner(source)
    runner.inventory = listing  # a functools.cached_property: assigning it means it is never computed
    runner._host_cache.clear()  # hosts resolved from an earlier listing in this process are stale
    runner.ansible_config  # testinfra looks for ./ansible.cfg: read it now, from the caller's working directory
