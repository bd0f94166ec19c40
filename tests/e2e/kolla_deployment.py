"""One kolla-ansible 23.0.0 deployment of Glance on a local host, for the e2e tests that start kolla's
glance_api container stand-in (tests/support/glance_container.py).

kolla's genconfig (site.yml --tags glance, kolla_action=config) runs on a copy of kolla's tree with
`xdeploy-glance integrate`d into it, from test globals, kolla-style passwords and kolla's operator
override directory (node_custom_config): test-only settings go through globals and those override
files only (tests/e2e/README.md lists them).
"""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.harness import free_port
from tests.support import glance_container
from tests.support.kolla import (KollaUnavailable, LocalInventory, _unavailable, copy_tree, kolla_install,
                                 local_inventory, run_site, write_globals, write_passwords)

KOLLA_VERSION = "23.0.0"
HOST = "api1"
IMPORT_GLOBALS = {
    "glance_enabled_import_methods": "glance-direct,web-download",
    "glance_image_import_plugins": "image_conversion,inject_image_metadata",
    "glance_image_conversion_output_format": "raw",
    "glance_staging_store_uri": "file:///var/lib/glance/staging",
    "glance_staging_rotational_policy": "ignore",
    "glance_staging_max_image_size": "64MiB",
    "glance_staging_concurrent_imports": 1,
}


@dataclass
class KollaGlance:
    root: Path
    tree: Path
    inventory: LocalInventory
    globals_file: Path
    passwords_file: Path
    custom: Path
    volume: Path  # the first host's glance_file_datadir_volume: the host directory kolla mounts at /var/lib/glance/
    port: int

    @property
    def config_dir(self) -> Path:
        return self.inventory.config_dir(HOST)

    def host_volume(self, host: str) -> Path:
        return self.volume if host == self.inventory.hosts[0] else self.root / f"glance-volume-{host}"

    def url(self, host: str = HOST) -> str:
        return f"http://{self.inventory.addresses[host]}:{self.port}"

    def genconfig(self):
        """kolla's genconfig; the SiteRun is kept as .last_run (Ansible's warnings are in its stderr)."""
        self.last_run = run_site(self.tree, KOLLA_VERSION, self.inventory, self.globals_file, self.passwords_file,
                                 "config", custom_config=self.custom)
        return self.last_run.check()

    def volumes(self, host: str = HOST) -> list[str]:
        return glance_container.kolla_volumes(self.tree, KOLLA_VERSION, self.inventory, host, self.globals_file,
                                              self.passwords_file, workdir=self.root / f"volumes-run-{host}")

    def standin(self, host: str = HOST) -> glance_container.GlanceApiStandIn:
        name = "glance_api" if host == HOST else f"glance_api-{host}"
        return glance_container.GlanceApiStandIn(self.inventory.config_dir(host), self.volumes(host), self.root / name)


def kolla_glance(root: Path, globals_values: dict | None = None, hosts=(HOST,)) -> KollaGlance:
    """Tree, inventory, globals and passwords (nothing run yet); skips (fails in CI) without kolla 23.

    With more than one host, each gets its own glance_file_datadir_volume as a host variable (a
    global would be an extra var and win over it)."""
    try:
        kolla_install(KOLLA_VERSION)
    except KollaUnavailable as error:
        _unavailable(str(error))
    tree = copy_tree(KOLLA_VERSION, root / "ansible")
    integrated = subprocess.run([sys.executable, "-m", "xdeploy_glance", "integrate", "--ansible-dir", str(tree)],
                                capture_output=True, text=True, timeout=120)
    assert integrated.returncode == 0, integrated.stderr
    volume = root / "glance-volume"
    volume.mkdir()
    port = free_port()
    values = {"kolla_internal_vip_address": "127.0.0.1", "glance_api_port": port, **IMPORT_GLOBALS,
              **(globals_values or {})}
    host_vars = {}
    if len(hosts) == 1:
        values["glance_file_datadir_volume"] = str(volume)
    else:
        for host in hosts:
            path = volume if host == hosts[0] else root / f"glance-volume-{host}"
            path.mkdir(exist_ok=True)
            host_vars[host] = {"glance_file_datadir_volume": str(path)}
    custom = root / "custom-config"
    (custom / "glance").mkdir(parents=True)
    inventory = local_inventory(root / "inventory" / "hosts", list(hosts), version=KOLLA_VERSION, host_vars=host_vars)
    return KollaGlance(root=root, tree=tree, inventory=inventory,
                       globals_file=write_globals(root / "etc" / "globals.yml", values),
                       passwords_file=write_passwords(KOLLA_VERSION, root / "etc" / "passwords.yml"),
                       custom=custom, volume=volume, port=port)
