"""A scratch deployment target for reconfigure tests: globals, passwords and an inventory under tmp.

    Deployment(workdir, root, globals_file, passwords_file, inventory)
        .write_globals(**changes) -> dict     globals whose every path lies under `root`
        .reconfigure(*args) -> PlaybookRun    the real `xdeploy-glance reconfigure` CLI
        .expected_files(values, host)         what `render` produces for those globals
        .config_dir, .staging, .restarts      where things land; the restart handler's log lines
    local_deployment(workdir, mount_tmpfs) -> Deployment
        One local host (no ansible_python_interpreter in its inventory) with staging on a 64 MiB tmpfs.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.ansible_run import PlaybookRun, ansible_env
from xdeploy_glance.render import check_values, render_host

PASSWORD = "p@ss w0rd"
SECRETS = {"glance_database_password": PASSWORD, "glance_keystone_password": "k3ystone-secret"}


@dataclass(frozen=True)
class Deployment:
    """A scratch "host" whose every path lies under `root`; staging sits on a 64 MiB tmpfs."""

    workdir: Path
    root: Path
    globals_file: Path
    passwords_file: Path
    inventory: Path

    @property
    def config_dir(self) -> Path:
        return self.root / "kolla" / "glance-api"

    @property
    def staging(self) -> Path:
        return self.root / "fs" / "staging"

    @property
    def restarts(self) -> list[str]:
        log = self.root / "restarts.log"
        return log.read_text().splitlines() if log.exists() else []

    def write_globals(self, **changes) -> dict:
        values = {
            "glance_enabled_import_methods": "web-download,glance-direct",
            "glance_image_import_plugins": "image_conversion",
            "glance_staging_store_uri": f"file://{self.staging}",
            "glance_staging_max_image_size": "8M",
            "glance_staging_rotational_policy": "ignore",
            "glance_file_datadir": f"{self.root}/images/",
            "glance_tasks_store_dir": f"{self.root}/tasks_work_dir",
            "glance_image_cache_dir": f"{self.root}/image-cache/",
            "glance_database_address": "db.example",
            "keystone_internal_url": "http://keystone.example:5000",
            "node_config_directory": f"{self.root}/kolla",
            "glance_api_restart_command": f"sh -c 'echo restarted >> {self.root}/restarts.log'",
            **changes,
        }
        self.globals_file.write_text(json.dumps(values, indent=2))  # JSON is YAML
        return values

    def reconfigure(self, *args: str, passwords: bool = True) -> PlaybookRun:
        command = [sys.executable, "-m", "xdeploy_glance", "reconfigure", "-c", str(self.globals_file),
                   "-i", str(self.inventory), *(["-p", str(self.passwords_file)] if passwords else []), *args]
        completed = subprocess.run(command, capture_output=True, text=True, cwd=self.workdir,
                                   env=ansible_env(self.workdir), timeout=600)
        return PlaybookRun(completed.returncode, completed.stdout, completed.stderr)

    def expected_files(self, values: dict, host: str = "localhost") -> dict[str, str]:
        """What `render` produces for these globals: the deployed files must be exactly this."""
        rendered = render_host(check_values(values).settings, host, SECRETS, None)
        return {f.path: f.text for f in rendered.files}


def local_deployment(tmp_path: Path, mount_tmpfs) -> Deployment:
    root = tmp_path / "host"
    mount_tmpfs("64m", root / "fs")
    passwords = tmp_path / "passwords.yml"
    passwords.write_text(json.dumps(SECRETS))
    inventory = tmp_path / "inventory"
    # no ansible_python_interpreter: reconfigure must supply one for a local host itself
    inventory.write_text("[glance-api]\nlocalhost ansible_connection=local\n")
    deployment = Deployment(tmp_path, root, tmp_path / "globals.yml", passwords, inventory)
    deployment.write_globals()
    return deployment
