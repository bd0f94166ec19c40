"""The plugin inside kolla-ansible's real site.yml: kolla's glance role stays the only writer of Glance's files.

For kolla-ansible 22.2.0 (Python 3.11) and 23.0.0 (Python 3.12): `xdeploy-glance integrate` patches a
copy of kolla's tree, then kolla's own site.yml runs with --tags glance on local hosts
(tests/support/kolla.py; its container stand-in replaces the container engine for reconfigure).
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.kolla import GLANCE_PLAY, copy_tree, kolla, local_inventory  # noqa: F401
from tests.support.kolla import IMPORT_GLOBALS, run_site, write_globals, write_passwords

pytestmark = [pytest.mark.kolla]
needs_root = pytest.mark.root(reason="staging ownership and the container stand-in need root")
PLUGIN_PLAY = "Apply role glance_import"


def integrate(tree, *flags):
    return subprocess.run([sys.executable, "-m", "xdeploy_glance", "integrate", "--ansible-dir", str(tree), *flags],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def deployment(kolla, tmp_path):
    """An integrated copy of kolla's tree, globals with the import settings, passwords and a custom config."""
    tree = copy_tree(kolla.version, tmp_path / "ansible")
    assert integrate(tree).returncode == 0
    # kolla's /var/lib/glance/ is a host directory (a bind mount): staging, the default
    # /var/lib/glance/staging in the glance_api container, is at <tmp>/glance-volume/staging on the host
    values = {**IMPORT_GLOBALS, "glance_file_datadir_volume": str(tmp_path / "glance-volume")}
    custom = tmp_path / "custom-config"
    (custom / "glance").mkdir(parents=True)
    return {"tree": tree, "custom": custom, "version": kolla.version, "values": values,
            "globals": write_globals(tmp_path / "etc" / "globals.yml", values),
            "passwords": write_passwords(kolla.version, tmp_path / "etc" / "passwords.yml")}


def site(deployment, inventory, action, **kwargs):
    return run_site(deployment["tree"], deployment["version"], inventory, deployment["globals"],
                    deployment["passwords"], action, custom_config=deployment["custom"], **kwargs)


def test_integrate_is_idempotent_checkable_and_refuses_other_trees(kolla, tmp_path):
    tree = copy_tree(kolla.version, tmp_path / "ansible")
    config = tree / "roles" / "glance" / "tasks" / "config.yml"
    kolla_config = config.read_text()
    assert integrate(tree, "--check").returncode == 1

    first = integrate(tree, "--diff")
    assert first.returncode == 0, first.stderr
    assert '+      - "{{ node_custom_config }}/xdeploy-glance/glance-api.conf"  # xdeploy-glance' in first.stdout
    integrated = {path: path.read_text() for path in (tree / "site.yml", config)}
    second = integrate(tree)
    assert second.returncode == 0 and "up to date" in second.stdout
    assert {path: path.read_text() for path in integrated} == integrated
    assert integrate(tree, "--check").returncode == 0
    assert (tree / "collections" / "ansible_collections" / "xdeploy" / "glance" / "galaxy.yml").is_file()

    config.write_text(kolla_config)  # an XDeploy upgrade put kolla's file back
    assert integrate(tree, "--check").returncode == 1
    refused = integrate(tmp_path)  # not a kolla tree
    assert refused.returncode == 2 and "not a kolla-ansible ansible/ directory" in refused.stderr


@needs_root
def test_genconfig_merges_the_owned_options_into_kolla_s_files_then_changes_nothing(deployment, tmp_path):
    inventory = local_inventory(tmp_path / "inventory" / "hosts", ["api1"], version=deployment["version"])
    # the operator overrides one owned option and one of kolla's: both must win
    (deployment["custom"] / "glance" / "glance-api.conf").write_text(
        "[import_filtering_opts]\nallowed_ports = [443]\n\n[DEFAULT]\ndebug = True\n")

    first = site(deployment, inventory, "config").check()

    config_dir = inventory.config_dir("api1")
    conf = (config_dir / "glance-api.conf").read_text()
    assert "enabled_import_methods = [web-download,glance-direct]" in conf
    assert "filesystem_store_datadir = /var/lib/glance/staging" in conf  # the path inside the container
    assert "allowed_ports = [443]" in conf and "debug = True" in conf
    # kolla's own options are all still there, written by kolla alone
    for kolla_option in ("transport_url = rabbit://", "connection = mysql+pymysql://", "worker_self_reference_url",
                         "www_authenticate_uri", "[oslo_middleware]"):
        assert kolla_option in conf, kolla_option
    assert "image_import_plugins = [image_conversion,inject_image_metadata]" in (
        config_dir / "glance-image-import.conf").read_text()
    dests = [entry["dest"] for entry in json.loads((config_dir / "config.json").read_text())["config_files"]]
    assert "/etc/glance/glance.conf.d/glance-image-import.conf" in dests
    assert ("api1", "glance : Copying over glance-api.conf") in [(r.host, r.task)
                                                                for r in first.changed_tasks(GLANCE_PLAY)]

    second = site(deployment, inventory, "config").check()
    assert second.changed_tasks(GLANCE_PLAY) == [] and second.changed_tasks(PLUGIN_PLAY) == []
    assert second.recap["api1"]["changed"] == 0


@needs_root
def test_reconfigure_restarts_once_then_only_when_an_import_global_changes(deployment, tmp_path):
    inventory = local_inventory(tmp_path / "inventory" / "hosts", ["api1"], version=deployment["version"])
    started = inventory.standin_dir("api1") / "fs" / "etc" / "glance" / "glance.conf.d" / "glance-image-import.conf"

    site(deployment, inventory, "reconfigure").check()
    assert inventory.restarts("api1") == 1
    assert (tmp_path / "glance-volume" / "staging").is_dir()  # staging's host path
    assert "[image_conversion,inject_image_metadata]" in started.read_text()

    second = site(deployment, inventory, "reconfigure").check()
    assert inventory.restarts("api1") == 1
    assert second.changed_tasks(PLUGIN_PLAY) == []

    deployment["globals"].write_text(deployment["globals"].read_text().replace(
        "image_conversion,inject_image_metadata", "image_conversion"))
    site(deployment, inventory, "reconfigure").check()
    assert inventory.restarts("api1") == 2
    assert "image_import_plugins = [image_conversion]\n" in started.read_text()


def test_a_pinned_false_import_flag_fails_with_a_hint(deployment, tmp_path):
    inventory = local_inventory(tmp_path / "inventory" / "hosts", ["api1"], version=deployment["version"])
    deployment["globals"].write_text(deployment["globals"].read_text()
                                     + "glance_enable_interoperable_image_import: false\n")

    run = site(deployment, inventory, "config")

    assert run.returncode != 0
    assert "glance_enable_interoperable_image_import is pinned to false" in run.stdout + run.stderr
    assert not (inventory.config_dir("api1") / "glance-image-import.conf").exists()


def test_invalid_globals_stop_before_kolla_writes_anything(deployment, tmp_path):
    inventory = local_inventory(tmp_path / "inventory" / "hosts", ["api1"], version=deployment["version"])
    deployment["globals"].write_text(deployment["globals"].read_text().replace("web-download,glance-direct",
                                                                               "web-dowload,glance-direct")
                                     + "glance_enable_import_method: glance-direct\n")

    run = site(deployment, inventory, "config")

    assert run.returncode != 0
    # the operator's file and line, from the same checker `validate` runs, misspelled names included
    output = run.stdout + run.stderr
    assert f"{deployment['globals']}:" in output and "import-method-unknown" in output
    assert "variable-misspelled" in output
    assert not inventory.config_dir("api1").exists()


# kolla scenarios: what kolla alone writes must still be there, next to the plugin's options.
SCENARIOS = {
    "file-backend-2-hosts-shared": ({"glance_file_datadir_volume": "/srv/glance-shared"},
                                    ["[file]", "filesystem_store_datadir = /var/lib/glance/images/"]),
    "ceph": ({"glance_backend_ceph": "yes"}, ["rbd:rbd", "[rbd]"]),
    "tls-ceilometer": ({"kolla_enable_tls_internal": "yes", "kolla_enable_tls_external": "yes",
                        "enable_ceilometer": "yes"},
                       ["driver = messagingv2", "www_authenticate_uri = https://", "auth_url = https://"]),
    "cinder-image-cache": ({"enable_cinder": "yes", "enable_glance_image_cache": "yes"},
                           ["cinder:cinder", "image_cache_dir = /var/lib/glance/image-cache",
                            "flavor = keystone+cachemanagement"]),
}


@needs_root
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_kolla_scenarios_keep_kolla_s_options_and_add_the_plugin_s(deployment, tmp_path, scenario):
    kolla_values, kolla_lines = SCENARIOS[scenario]
    write_globals(deployment["globals"], {**deployment["values"], **kolla_values})
    hosts = ["api1", "api2"] if scenario.startswith("file-backend-2") else ["api1"]
    inventory = local_inventory(tmp_path / "inventory" / "hosts", hosts, version=deployment["version"])
    if scenario == "ceph":  # kolla's external_ceph.yml copies the operator's ceph files
        for name in ("ceph.conf", "ceph.client.glance.keyring"):
            (deployment["custom"] / "glance" / name).write_text("[global]\nfsid = 0\n")

    site(deployment, inventory, "config").check()

    for host in hosts:
        conf = (inventory.config_dir(host) / "glance-api.conf").read_text()
        for line in kolla_lines + ["enabled_import_methods = [web-download,glance-direct]",
                                   f"worker_self_reference_url = http://{inventory.addresses[host]}:9292"]:
            assert line in conf, (host, line)
        assert (inventory.config_dir(host) / "glance-image-import.conf").is_file()


@needs_root
def test_operator_overrides_win_at_every_level_of_kolla_s_chain(deployment, tmp_path):
    custom = deployment["custom"]
    (custom / "global.conf").write_text("[import_filtering_opts]\nallowed_ports = [443]\n")
    (custom / "glance.conf").write_text("[DEFAULT]\nimage_size_cap = 2147483648\n")
    (custom / "glance" / "glance-api.conf").write_text("[wsgi]\ntask_pool_threads = 4\n")
    (custom / "glance" / "api1").mkdir()
    (custom / "glance" / "api1" / "glance-api.conf").write_text("[DEFAULT]\nenabled_import_methods = [glance-direct]\n")
    (custom / "glance" / "glance-image-import.conf").write_text("[image_conversion]\noutput_format = qcow2\n")
    inventory = local_inventory(tmp_path / "inventory" / "hosts", ["api1"], version=deployment["version"])

    site(deployment, inventory, "config").check()

    conf = (inventory.config_dir("api1") / "glance-api.conf").read_text()
    for line in ("allowed_ports = [443]", "image_size_cap = 2147483648", "task_pool_threads = 4",
                 "enabled_import_methods = [glance-direct]"):
        assert line in conf, line
    image_import = (inventory.config_dir("api1") / "glance-image-import.conf").read_text()
    assert "output_format = qcow2" in image_import  # the operator's file wins per key
    assert "image_import_plugins = [image_conversion,inject_image_metadata]" in image_import  # the plugin's stays
    assert (custom / "glance" / "glance-image-import.conf").read_text() == (
        "[image_conversion]\noutput_format = qcow2\n")  # and the operator's file is untouched
