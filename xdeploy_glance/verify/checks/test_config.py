"""The config files Glance reads on each host: exactly what `render` produces, and nothing overriding them."""
from __future__ import annotations

import posixpath

import pytest

from xdeploy_glance.verify.configfiles import (LIST_OVERRIDES_SCRIPT, OverrideListing, directories_glance_reads,
                                               drift_diff, override_candidates, stray_override_files)

pytestmark = pytest.mark.glance_verify

CONFIG_FILES = ("glance-api.conf", "glance-image-import.conf")


@pytest.mark.parametrize("file_name", CONFIG_FILES)
def test_config_matches_render(host, glance_expected, glance_rendered, file_name):
    """The deployed file is byte for byte what render produces for this host; a failure shows the diff."""
    rendered = {rendered_file.path: rendered_file.text for rendered_file in glance_rendered.files}[file_name]
    path = posixpath.join(glance_expected.config_directory, file_name)
    deployed = host.run("cat -- %s", path)
    if deployed.rc != 0:
        pytest.fail(f"cannot read {path}: {deployed.stderr.strip()}; reconfigure deploys it", pytrace=False)
    text = deployed.stdout_bytes.decode("utf-8", errors="replace")
    if text != rendered:
        diff = drift_diff(rendered, text, f"rendered for {glance_expected.host}", f"{glance_expected.host}:{path}",
                          glance_rendered.secrets)
        pytest.fail(f"{path} differs from what render produces for {glance_expected.host} (secrets masked; "
                    f"reconfigure puts it back, override files belong in the custom config):\n{diff}",
                    pytrace=False)


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
                    f"{', '.join(stray)}; put their settings in the globals or in the override files render merges, "
                    "then remove them", pytrace=False)
