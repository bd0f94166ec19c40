"""A scratch deployment target for verify tests: globals, passwords and an inventory under tmp.

    Deployment(workdir, root, globals_file, passwords_file, inventory)
        .write_globals(**changes) -> dict     globals whose every path lies under `root`
        .provision_staging(values) -> PlaybookRun
                                              the plugin role's staging tasks (kolla_action=deploy), for real
        .kolla_files(overrides) -> dict       kolla-like deployed files (see write_kolla_glance_files)
        .config_dir, .staging                 where things land (.staging: staging's host path)
        .container_staging, .staging_label    staging inside the glance_api container, and how messages name it
    write_kolla_glance_files(config_dir, globals_file, overrides) -> dict[str, str]
        Stands in for kolla's genconfig: what kolla's glance role writes into glance-api/.
    local_deployment(workdir, mount_tmpfs) -> Deployment
        One local host (no ansible_python_interpreter in its inventory) with staging on a 64 MiB tmpfs.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.ansible_run import PlaybookRun, ansible_env, run_playbook
from xdeploy_glance import ini
from xdeploy_glance.render.overrides import kolla_chain

STAGING_PLAYBOOK = Path(__file__).resolve().parents[1] / "playbooks" / "staging.yml"
# A few of the options kolla's own glance-api.conf.j2 writes: the plugin's options are merged over them.
KOLLA_BASE_API_CONF = """\
[DEFAULT]
debug = False
transport_url = rabbit://openstack:rabbit-secret@rabbit.example:5672//
bind_port = 9292

[database]
connection = mysql+pymysql://glance:{password}@db.example/glance
max_retries = -1

[keystone_authtoken]
www_authenticate_uri = http://keystone.example:5000
"""
CONFIG_JSON_IMPORT_ENTRY = {"source": "/var/lib/kolla/config_files/glance-image-import.conf",
                            "dest": "/etc/glance/glance.conf.d/glance-image-import.conf",
                            "owner": "glance", "perm": "0600"}

PASSWORD = "p@ss w0rd"
SECRETS = {"glance_database_password": PASSWORD, "glance_keystone_password": "k3ystone-secret"}


@dataclass(frozen=True)
class Deployment:
    """A scratch "host" whose every path lies under `root`; staging sits on a 64 MiB tmpfs.

    Staging is kolla's /var/lib/glance/staging inside the glance_api container, on the glance
    volume, which glance_file_datadir_volume bind-mounts from the host directory `root/fs`: its
    host path is `root/fs/staging` (xdeploy_glance.volumes).
    """

    workdir: Path
    root: Path
    globals_file: Path
    passwords_file: Path
    inventory: Path

    @property
    def config_dir(self) -> Path:
        return self.root / "kolla" / "glance-api"

    @property
    def data_volume(self) -> Path:
        """glance_file_datadir_volume: the host directory kolla mounts at /var/lib/glance/ in glance_api."""
        return self.root / "fs"

    @property
    def staging(self) -> Path:
        """Staging's host path."""
        return self.data_volume / "staging"

    @property
    def container_staging(self) -> str:
        return "/var/lib/glance/staging"

    @property
    def staging_label(self) -> str:
        """How every staging message names it: both paths."""
        return f"staging {self.container_staging} (host: {self.staging})"

    def write_globals(self, **changes) -> dict:
        values = {
            "glance_enabled_import_methods": "web-download,glance-direct",
            "glance_image_import_plugins": "image_conversion",
            "glance_file_datadir_volume": str(self.data_volume),
            "glance_staging_store_uri": f"file://{self.container_staging}",
            "glance_staging_max_image_size": "8M",
            "glance_staging_rotational_policy": "ignore",
            "glance_file_datadir": f"{self.root}/images/",
            "glance_tasks_store_dir": f"{self.root}/tasks_work_dir",
            "glance_image_cache_dir": f"{self.root}/image-cache/",
            "glance_database_address": "db.example",
            "keystone_internal_url": "http://keystone.example:5000",
            "node_config_directory": f"{self.root}/kolla",
            **changes,
        }
        self.globals_file.write_text(json.dumps(values, indent=2))  # JSON is YAML
        return values

    def provision_staging(self, values: dict | None = None) -> PlaybookRun:
        """The plugin role's staging tasks, run by ansible-playbook as kolla's site.yml would (kolla_action=deploy).

        The plugin's kolla inputs go to a scratch node_custom_config under workdir.
        """
        if values is None:
            values = json.loads(self.globals_file.read_text())
        return run_playbook(STAGING_PLAYBOOK, self.inventory, self.workdir,
                            extra_vars={"kolla_action": "deploy",
                                        "node_custom_config": str(self.workdir / "node-custom-config"), **values})

    def kolla_files(self, overrides: Path | None = None) -> dict[str, str]:
        return write_kolla_glance_files(self.config_dir, self.globals_file, overrides, self.workdir)


def render_kolla_inputs(globals_file: Path, workdir: Path, overrides: Path | None = None) -> dict[str, str]:
    """The plugin's kolla inputs, by the real `xdeploy-glance render` CLI: name -> text."""
    output = workdir / f"kolla-inputs-{len(list(workdir.glob('kolla-inputs-*')))}"
    command = [sys.executable, "-m", "xdeploy_glance", "render", "-c", str(globals_file), "-o", str(output),
               *(["--overrides", str(overrides)] if overrides else [])]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=workdir, env=ansible_env(workdir),
                               timeout=300)
    assert completed.returncode == 0, f"render failed:\n{completed.stdout}\n{completed.stderr}"
    inputs = output / "xdeploy-glance"
    return {name: (inputs / name).read_text() for name in ("glance-api.conf", "glance-image-import.conf")}


def write_kolla_glance_files(config_dir: Path | None, globals_file: Path, overrides: Path | None = None,
                             workdir: Path | None = None, host: str | None = None) -> dict[str, str]:
    """Stand in for kolla's genconfig in verify tests: write what kolla's glance role (with the plugin
    integrated) writes into {{ node_config_directory }}/glance-api/, and return name -> text.

    - glance-api.conf: a kolla-like base (a few of kolla's options) with the plugin's owned options
      from `render` (its kolla input xdeploy-glance/glance-api.conf) merged over it, as merge_configs does;
    - glance-image-import.conf: the plugin's input;
    - with `overrides` (kolla's node_custom_config), the operator's files merged last, in kolla's order;
    - config.json: kolla's, with the entry copying glance-image-import.conf into glance.conf.d.
    With config_dir None nothing is written (the caller puts the files on a remote host).
    The real kolla genconfig with the plugin integrated is tested elsewhere (the composition tests).
    """
    workdir = workdir or config_dir.parent
    inputs = render_kolla_inputs(globals_file, workdir, overrides)
    api = ini.parse(KOLLA_BASE_API_CONF.format(password="p%40ss%20w0rd"), "kolla glance-api.conf.j2")
    api.merge(ini.parse(inputs["glance-api.conf"], "xdeploy-glance/glance-api.conf"))
    image_import = ini.parse(inputs["glance-image-import.conf"], "xdeploy-glance/glance-image-import.conf")
    for name, document in (("glance-api.conf", api), ("glance-image-import.conf", image_import)):
        for path in kolla_chain(overrides, name, host) if overrides else ():  # the operator's files win, in order
            if path.is_file():
                document.merge(ini.parse(path.read_text(), str(path)))
    config_json = {"command": "glance-api", "config_files": [
        {"source": "/var/lib/kolla/config_files/glance-api.conf", "dest": "/etc/glance/glance-api.conf",
         "owner": "glance", "perm": "0600"},
        CONFIG_JSON_IMPORT_ENTRY]}
    files = {"glance-api.conf": ini.write(api), "glance-image-import.conf": ini.write(image_import),
             "config.json": json.dumps(config_json, indent=4) + "\n"}
    if config_dir is None:
        return files
    config_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (config_dir / name).write_text(text)
        (config_dir / name).chmod(0o660)
    return files


def local_deployment(tmp_path: Path, mount_tmpfs) -> Deployment:
    root = tmp_path / "host"
    mount_tmpfs("64m", root / "fs")
    passwords = tmp_path / "passwords.yml"
    passwords.write_text(json.dumps(SECRETS))
    inventory = tmp_path / "inventory"
    # verify needs no ansible_python_interpreter for a local host; the staging play gets this Python
    inventory.write_text(f"[glance-api]\nlocalhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    deployment = Deployment(tmp_path, root, tmp_path / "globals.yml", passwords, inventory)
    deployment.write_globals()
    return deployment
