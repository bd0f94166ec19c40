"""The config files Glance reads on each host: exactly what `render` produces, and nothing overriding them."""
from __future__ import annotations

import pytest

from xdeploy_glance.verify.configfiles import (LIST_OVERRIDES_SCRIPT, OverrideListing, directories_glance_reads,
                                               override_candidates, stray_override_files)

pytestmark = pytest.mark.glance_verify


def _home_of(host, user: str) -> str | None:
    """The home directory of the user Glance runs as, when that user exists on the host (oslo.config's ~)."""
    entry = host.run("getent passwd %s", user)
    fields = entry.stdout.strip().split(":")
    return fields[5] if entry.rc == 0 and len(fields) > 5 and fields[5].startswith("/") else None


def test_no_config_overrides(host, glance_expected):
    """No *.conf in a glance.conf.d/ or glance-api.conf.d/ that Glance reads after, and over, its config files."""
    config_directory = glance_expected.config_directory
    home = _home_of(host, glance_expected.value("glance_staging_owner"))
    candidates = override_candidates(config_directory, home)
    listing = OverrideListing.parse(host.check_output("sh -c %s sh" + " %s" * len(candidates),
                                                      LIST_OVERRIDES_SCRIPT, *candidates))
    stray = stray_override_files(directories_glance_reads(config_directory, home, listing), listing)
    if stray:
        pytest.fail(f"Glance reads {len(stray)} override file(s) after glance-api.conf, and they win over it: "
                    f"{', '.join(stray)}; move their settings into the globals (or remove them) so that "
                    "what is deployed is what the globals say", pytrace=False)
