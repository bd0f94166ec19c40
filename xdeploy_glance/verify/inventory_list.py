"""The inventory as `ansible-inventory --list` prints it, built from verify's own parse of it.

testinfra's ansible backend takes hosts, groups and variables from that JSON, which it gets by
running `ansible-inventory --list` (half a second: a new Python, a second full parse). verify
parses the inventory in process anyway (for --limit), so it builds the same JSON
(xdeploy_glance.inventory.ParsedInventory.listing) and hands it to testinfra's runner for that inventory.
"""
from __future__ import annotations


def hand_to_testinfra(source: str | None, listing: dict | None) -> None:
    """testinfra's runner for this inventory uses `listing` instead of running `ansible-inventory --list`.

    Without a listing (ansible-core without the private encoder) or where testinfra's runner lacks
    its private host cache, testinfra runs ansible-inventory itself, as it does on its own: slower,
    never wrong. The cache must be emptied, since hosts resolved from an earlier listing in this
    process are stale.
    """
    from testinfra.utils.ansible_runner import AnsibleRunner

    runner = AnsibleRunner.get_runner(source)
    host_cache = getattr(runner, "_host_cache", None)  # private: quarantined here, with the fallback above
    if listing is not None and isinstance(host_cache, dict):
        runner.inventory = listing  # a functools.cached_property: assigning it means it is never computed
        host_cache.clear()
    runner.ansible_config  # testinfra looks for ./ansible.cfg: read it now, from the caller's working directory
