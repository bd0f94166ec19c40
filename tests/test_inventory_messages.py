"""Inventory errors say what is wrong (issue 16 #18)."""
from __future__ import annotations

import pytest

from xdeploy_glance.inventory import InventoryError, glance_api_hosts


def test_issue16_18_an_unparseable_inventory_is_not_reported_as_a_missing_group(tmp_path):
    inventory = tmp_path / "inventory"
    inventory.write_text("[glance-api\nfoo = = [\n")
    with pytest.raises(InventoryError, match="cannot parse it as an inventory"):
        glance_api_hosts(str(inventory))


def test_an_inventory_without_the_group_still_names_the_group(tmp_path):
    inventory = tmp_path / "inventory"
    inventory.write_text("[control]\nctl1\n")
    with pytest.raises(InventoryError, match="no group 'glance-api'"):
        glance_api_hosts(str(inventory))
