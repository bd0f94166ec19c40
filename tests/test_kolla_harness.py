"""The kolla-ansible harness (tests/support/kolla.py) runs kolla's real glance role, alone.

For kolla-ansible 22.2.0 and 23.0.0: genconfig writes kolla's files and is idempotent;
reconfigure with the container stand-in restarts glance-api once, then not again, then once more
when the config changes; with the file backend kolla configures only the first glance-api host.
"""
from __future__ import annotations

import json

import pytest

from tests.support.kolla import GLANCE_PLAY, copy_tree, kolla, kolla_tree, local_inventory  # noqa: F401
from tests.support.kolla import run_site, write_globals, write_passwords

pytestmark = [pytest.mark.kolla]
needs_root = pytest.mark.root(reason="the container stand-in needs root (unshare -m)")


@pytest.fixture
def setup(kolla, tmp_path):
    """(globals, passwords) for a kolla-only deployment."""
    return (write_globals(tmp_path / "etc" / "globals.yml"),
            write_passwords(kolla.version, tmp_path / "etc" / "passwords.yml"))


def _glance_changes(run, host=None):
    return [(record.host, record.task) for record in run.changed_tasks(GLANCE_PLAY)
            if host is None or record.host == host]


def test_genconfig_writes_kolla_files_then_changes_nothing(kolla, kolla_tree, setup, tmp_path):
    globals_file, passwords_file = setup
    inventory = local_inventory(tmp_path / "inventory" / "hosts", ["api1"], version=kolla.version)

    first = run_site(kolla_tree, kolla.version, inventory, globals_file, passwords_file, "config").check()
    config_dir = inventory.config_dir("api1")
    conf = (config_dir / "glance-api.conf").read_text()
    assert "[os_glance_staging_store]" in conf
    assert "filesystem_store_datadir = /var/lib/glance/staging" in conf
    assert (config_dir / "glance-api-uwsgi.ini").is_file()
    config_json = json.loads((config_dir / "config.json").read_text())
    assert "/etc/glance/glance-api.conf" in [entry["dest"] for entry in config_json["config_files"]]
    assert ("api1", "glance : Copying over glance-api.conf") in _glance_changes(first)
    assert first.recap["api1"]["failed"] == 0

    second = run_site(kolla_tree, kolla.version, inventory, globals_file, passwords_file, "config").check()
    assert _glance_changes(second) == []
    assert second.tasks(GLANCE_PLAY, host="api1"), "kolla's glance play ran no task"
    assert second.recap["api1"]["changed"] == 0


@needs_root
def test_reconfigure_restarts_once_then_never_until_config_changes(kolla, kolla_tree, setup, tmp_path):
    globals_file, passwords_file = setup
    inventory = local_inventory(tmp_path / "inventory" / "hosts", ["api1"], version=kolla.version)
    custom = tmp_path / "custom-config"
    (custom / "glance").mkdir(parents=True)

    def reconfigure():
        return run_site(kolla_tree, kolla.version, inventory, globals_file, passwords_file, "reconfigure",
                        custom_config=custom).check()

    first = reconfigure()
    assert inventory.restarts("api1") == 1
    assert ("api1", "glance : Restart glance-api container") in _glance_changes(first)
    started = inventory.standin_dir("api1") / "fs" / "etc" / "glance" / "glance-api.conf"
    assert started.read_text() == (inventory.config_dir("api1") / "glance-api.conf").read_text()

    second = reconfigure()
    assert inventory.restarts("api1") == 1
    assert not [task for host, task in _glance_changes(second) if "Restart" in task or "Check containers" in task]

    # an operator override changes glance-api.conf: kolla's set_configs --check sees it
    (custom / "glance" / "glance-api.conf").write_text("[DEFAULT]\ndebug = True\n")
    third = reconfigure()
    assert inventory.restarts("api1") == 2
    assert ("api1", "glance : Restart glance-api container") in _glance_changes(third)
    assert "debug = True" in started.read_text()


def test_file_backend_configures_only_the_first_glance_api_host(kolla, kolla_tree, setup, tmp_path):
    globals_file, passwords_file = setup
    inventory = local_inventory(tmp_path / "inventory" / "hosts", ["api1", "api2"], version=kolla.version)

    run = run_site(kolla_tree, kolla.version, inventory, globals_file, passwords_file, "config").check()
    assert (inventory.config_dir("api1") / "glance-api.conf").is_file()
    assert not inventory.config_dir("api2").exists()
    assert {host for host, _ in _glance_changes(run)} == {"api1"}
    assert inventory.addresses == {"api1": "127.0.0.1", "api2": "127.0.0.2"}


def test_copy_tree_installs_the_stand_ins_and_leaves_the_rest_as_kolla_ships_it(kolla, tmp_path):
    tree = copy_tree(kolla.version, tmp_path / "ansible")
    for name in ("kolla_container.py", "kolla_toolbox.py", "kolla_container_facts.py"):
        text = (tree / "library" / name).read_text()
        assert "STAND-IN" in text and "@SET_CONFIGS@" not in text
    for name in ("site.yml", "roles/glance/tasks/config.yml", "group_vars/all/glance.yml"):
        assert (tree / name).read_bytes() == (kolla.tree / name).read_bytes()
    (tree / "site.yml").write_text((tree / "site.yml").read_text())  # writable
