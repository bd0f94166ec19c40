"""The config files Glance reads on each host: exactly what `render` produces, and nothing overriding them."""
from __future__ import annotations

import posixpath

import pytest

from xdeploy_glance.render.overrides import FILES as CONFIG_FILES
from xdeploy_glance.verify.configfiles import directories_glance_reads, drift_diff, stray_override_files

pytestmark = pytest.mark.glance_verify


@pytest.mark.parametrize("file_name", CONFIG_FILES)
def test_config_matches_render(glance_expected, glance_rendered, glance_host_facts, file_name):
    """The deployed file is byte for byte what render produces for this host; a failure shows the diff."""
    rendered = {rendered_file.path: rendered_file.text for rendered_file in glance_rendered.files}[file_name]
    path = posixpath.join(glance_expected.config_directory, file_name)
    deployed = glance_host_facts.files[path]
    if deployed.content is None:
        pytest.fail(f"cannot read {path}: {deployed.error}; reconfigure deploys it", pytrace=False)
    text = deployed.content.decode("utf-8", errors="replace")
    if text != rendered:
        diff = drift_diff(rendered, text, f"rendered for {glance_expected.host}", f"{glance_expected.host}:{path}",
                          glance_rendered.secrets)
        pytest.fail(f"{path} differs from what render produces for {glance_expected.host} (secrets masked; "
                    f"reconfigure puts it back, override files belong in the custom config):\n{diff}",
                    pytrace=False)


def test_no_config_overrides(glance_expected, glance_host_facts):
    """No *.conf in a glance.conf.d/ or glance-api.conf.d/ that Glance reads after, and over, its config files."""
    config_directory = glance_expected.config_directory
    # oslo.config's ~ is the home of the user Glance runs as, when that user exists on the host
    home = glance_host_facts.homes[str(glance_expected.value("glance_staging_owner"))]
    listing = glance_host_facts.overrides
    stray = stray_override_files(directories_glance_reads(config_directory, home, listing), listing)
    if stray:
        pytest.fail(f"Glance reads {len(stray)} override file(s) after glance-api.conf, and they win over it: "
                    f"{', '.join(stray)}; put their settings in the globals or in the override files render merges, "
                    "then remove them", pytrace=False)
