"""What would fail silently in Glance (test_kolla_image_import.py shows it does) is refused by the
plugin's play inside kolla's own genconfig, before any host is changed (issue 13 item 5)."""
from __future__ import annotations

import pytest

from tests.e2e.kolla_deployment import kolla_glance

pytestmark = [pytest.mark.e2e, pytest.mark.kolla,
              pytest.mark.root(reason="kolla's genconfig with the plugin's staging probe runs as root")]


@pytest.mark.parametrize("globals_values, override, expected", [
    pytest.param({}, "[DEFAULT]\nenabled_import_methods = glance-direct,web-download\n",
                 "error [override-list-unbracketed] glance_enabled_import_methods", id="brackets-dropped"),
    pytest.param({"glance_enable_interoperable_image_import": False}, None,
                 "glance_enable_interoperable_image_import is pinned to false", id="plugins-off"),
    pytest.param({"glance_staging_store_uri": "file:///tmp/glance-staging"}, None,
                 "error [staging-outside-volumes] glance_staging_store_uri", id="staging-outside-volumes"),
])
def test_genconfig_refuses_before_deploy(tmp_path, globals_values, override, expected):
    deployment = kolla_glance(tmp_path, globals_values)
    if override:
        (deployment.custom / "glance" / "glance-api.conf").write_text(override)
    with pytest.raises(AssertionError) as refused:
        deployment.genconfig()
    assert expected in str(refused.value)
    assert not (deployment.config_dir / "glance-api.conf").exists()  # kolla's glance play never ran
