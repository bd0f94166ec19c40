"""What Glance in kolla's glance_api container reads of the import options, on each host.

kolla's glance role writes {{ node_config_directory }}/glance-api/; kolla_set_configs copies the
files as config.json says, glance-image-import.conf into /etc/glance/glance.conf.d/, which Glance
reads after glance-api.conf. The checks read kolla's files and config.json on the host.
"""
from __future__ import annotations

import json
import posixpath

import pytest

from xdeploy_glance import ini
from xdeploy_glance.render.overrides import API_CONF, IMPORT_CONF
from xdeploy_glance.verify.configfiles import (directories_glance_reads, effective, maps_import_conf,
                                               stray_override_files)

pytestmark = pytest.mark.glance_verify
CONFIG_JSON = "config.json"


def _deployed(glance_expected, glance_host_facts, name: str) -> str:
    path = posixpath.join(glance_expected.config_directory, name)
    deployed = glance_host_facts.files[path]
    if deployed.content is None:
        pytest.fail(f"cannot read {path}: {deployed.error}; kolla's glance role writes it (genconfig or "
                    "reconfigure, with the plugin integrated)", pytrace=False)
    return deployed.content.decode("utf-8", errors="replace")


def test_import_conf_in_config_json(glance_expected, glance_host_facts):
    """config.json makes kolla_set_configs copy glance-image-import.conf to /etc/glance/glance.conf.d/.

    kolla's glance role lists glance-image-import.conf in the glance_api container's config.json only
    when glance_enable_interoperable_image_import is true; without it the import plugins never run,
    whatever the file says. The plugin's play sets the flag; a value pinned false in globals.yml wins,
    so remove it and run genconfig or reconfigure.
    """
    text = _deployed(glance_expected, glance_host_facts, CONFIG_JSON)
    try:
        config = json.loads(text)
    except ValueError as error:
        pytest.fail(f"{CONFIG_JSON} is not JSON: {error}", pytrace=False)
    if not maps_import_conf(config):
        pytest.fail(f"{posixpath.join(glance_expected.config_directory, CONFIG_JSON)} does not copy "
                    f"{IMPORT_CONF} into the container, so the import plugins never run: kolla needs "
                    "glance_enable_interoperable_image_import true (the plugin's play sets it; a value pinned "
                    "in globals.yml wins)", pytrace=False)


def test_import_options_deployed(glance_expected, glance_rendered, glance_host_facts):
    """Each option the plugin owns has, in kolla's deployed files, the value the globals and overrides give.

    The options are the ones `render` writes ([DEFAULT] enabled_import_methods and image_size_cap,
    [os_glance_staging_store], [import_filtering_opts], [wsgi], glance-image-import.conf), read from
    {{ node_config_directory }}/glance-api/ as Glance reads them: glance-image-import.conf (in
    glance.conf.d/) last. A difference means the host runs with other settings than the globals and
    the operator's override files give: run genconfig or reconfigure with the plugin integrated.
    """
    wanted = effective(glance_rendered.documents[API_CONF], glance_rendered.documents[IMPORT_CONF])
    owned = {(section, key) for name in (API_CONF, IMPORT_CONF)
             for section, key, setting in glance_rendered.documents[name].items()}
    api = ini.parse(_deployed(glance_expected, glance_host_facts, API_CONF), API_CONF)
    import_path = posixpath.join(glance_expected.config_directory, IMPORT_CONF)
    import_text = glance_host_facts.files[import_path].content
    image_import = ini.parse(import_text.decode("utf-8", errors="replace"), IMPORT_CONF) if import_text else None
    deployed = effective(api, image_import)
    wrong = [f"[{section}] {key} = {deployed.get((section, key), '(unset)')!s}, expected {wanted[(section, key)]}"
             for section, key in sorted(owned) if deployed.get((section, key)) != wanted[(section, key)]]
    if wrong:
        pytest.fail(f"Glance on {glance_expected.host} reads other import settings than the globals give "
                    f"(kolla's files in {glance_expected.config_directory}): " + "; ".join(wrong)
                    + "; run genconfig or reconfigure with the plugin integrated", pytrace=False)


def test_no_config_overrides(glance_expected, glance_host_facts):
    """No *.conf in a glance.conf.d/ or glance-api.conf.d/ that Glance reads after, and over, its config files.

    oslo.config reads every *.conf in the glance.conf.d/ and glance-api.conf.d/ next to
    glance-api.conf and in ~/.glance/, /etc/glance/ and /etc/ after the config files, so a stray file
    there silently wins over what kolla deploys. Put its settings in the globals or in kolla's override
    files (node_custom_config), then remove it.
    """
    config_directory = glance_expected.config_directory
    # oslo.config's ~ is the home of the user Glance runs as, when that user exists on the host
    home = glance_host_facts.homes[str(glance_expected.value("glance_staging_owner"))]
    listing = glance_host_facts.overrides
    stray = stray_override_files(directories_glance_reads(config_directory, home, listing), listing)
    if stray:
        pytest.fail(f"Glance reads {len(stray)} override file(s) after glance-api.conf, and they win over it: "
                    f"{', '.join(stray)}; put their settings in the globals or in kolla's override files, "
                    "then remove them", pytrace=False)


def test_container_runs_current_config(glance_expected, glance_host_facts):
    """The running glance_api container carries the config files as they are on disk.

    kolla_set_configs copies the files only when the container starts; kolla restarts glance_api when
    its own container check (`kolla_set_configs --check` in the container) finds them changed. This
    runs the same check with the host's container engine (kolla_container_engine). A failure means
    the config changed on disk but glance_api still runs the old one: restart it, e.g. with
    `kolla-ansible reconfigure --tags glance`. Skipped on a host with no container engine or no
    running glance_api container: then there is nothing to compare.
    """
    container = glance_host_facts.container or {}
    if not container.get("engine"):
        pytest.skip(f"no {glance_expected.value('kolla_container_engine')} on {glance_expected.host}: "
                    "no running container to compare")
    if container.get("error"):
        pytest.fail(f"cannot ask {container['engine']} about glance_api: {container['error']}", pytrace=False)
    if not container.get("running"):
        pytest.skip(f"glance_api is not running on {glance_expected.host}")
    if container["check_rc"] == 1:
        pytest.fail("config changed on disk but glance_api still runs the old one (kolla_set_configs --check: "
                    f"{container['output'].strip().splitlines()[-1] if container['output'].strip() else 'changed'}); "
                    "restart it, e.g. kolla-ansible reconfigure --tags glance", pytrace=False)
    if container["check_rc"] != 0:
        pytest.fail(f"kolla_set_configs --check in glance_api exited {container['check_rc']}: "
                    f"{container['output'].strip()[-500:]}", pytrace=False)
