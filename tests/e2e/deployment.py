"""A Glance deployment made by the product itself: globals -> `xdeploy-glance render` -> config dir,
and the staging directory provisioned by the glance_import_staging role on a tmpfs of known size.

Everything the tests change for a loopback-only, keystone-less glance-api goes through the
product's own inputs, never by editing rendered files:
- globals (deployment choices the product models): paths, log file, debug, lock_path,
  `[wsgi] python_interpreter`, web-download filters, methods, plugins, stores, staging sizing;
- kolla-style override files (`render --overrides DIR`, DIR/glance/glance-api.conf) for what is
  only true in a test: a sqlite database and the header-trusting paste flavor;
- a kolla passwords.yml (`render -p`) with the Keystone service password: like Keystone's URL in the
  globals, a glance-api.conf cannot do without it (render refuses to write one), though the test
  paste flavor never calls Keystone.
"""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.harness import TRUSTED_HEADERS_FLAVOR, write_trusted_headers_paste_ini
from tests.support.ansible_run import VENV_BIN, PlaybookRun, local_inventory, run_playbook
from tests.support.filesystems import run as run_command, unmount

STAGING_PLAYBOOK = Path(__file__).resolve().parents[1] / "playbooks" / "staging.yml"
XDEPLOY_GLANCE = VENV_BIN / "xdeploy-glance"


@dataclass(frozen=True)
class Deployment:
    globals_file: Path
    config_dir: Path  # what `xdeploy-glance render -o` wrote: OS_GLANCE_CONFIG_DIR
    state_dir: Path  # database, logs, stores, locks
    staging_dir: Path  # provisioned by the role, on its own tmpfs
    staging_mount: Path


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    output: str  # stdout and stderr, interleaved as the user sees them


def xdeploy_glance(*args: str, cwd: Path | None = None) -> CommandResult:
    """The product's CLI, as installed in the test venv."""
    completed = subprocess.run([str(XDEPLOY_GLANCE), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, cwd=cwd)
    return CommandResult(completed.returncode, completed.stdout)


def mount_tmpfs(mount_point: Path, size: str) -> None:
    mount_point.mkdir(parents=True, exist_ok=True)
    run_command("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point))


def unmount_tmpfs(mount_point: Path) -> None:
    """Unmount if mounted: also called on a fixture's way out after a failed mount."""
    if os.path.ismount(mount_point):
        unmount(mount_point)


def write_globals(path: Path, values: dict) -> Path:
    path.write_text(json.dumps(values, indent=2) + "\n")  # JSON is YAML
    return path


def base_globals(state_dir: Path, staging_dir: Path, venv: Path) -> dict:
    """Paths and service settings of a single-host test deployment, all under state_dir."""
    return {
        "glance_staging_store_uri": f"file://{staging_dir}",
        "glance_file_datadir": f"{state_dir}/images/",
        "glance_tasks_store_dir": f"{state_dir}/tasks/",
        "glance_image_cache_dir": f"{state_dir}/cache/",
        "glance_log_file": f"{state_dir}/glance-api.log",
        "glance_logging_debug": True,
        "glance_lock_path": f"{state_dir}/locks",
        # Under uWSGI sys.executable is the base interpreter; image_conversion needs oslo.concurrency.
        "glance_wsgi_python_interpreter": f"{venv}/bin/python3",
        # A glance-api.conf needs Keystone (render refuses one without); the trustedheaders flavor never calls it.
        "keystone_internal_url": "http://127.0.0.1:5000",
    }


def write_test_overrides(overrides_dir: Path, state_dir: Path, paste_ini: Path) -> None:
    """Test-only settings, in the place an operator would put them: <custom>/glance/glance-api.conf."""
    (overrides_dir / "glance").mkdir(parents=True, exist_ok=True)
    (overrides_dir / "glance" / "glance-api.conf").write_text(f"""\
# TEST ONLY: no MariaDB and no Keystone on the test machine.
[database]
connection = sqlite:///{state_dir}/glance.sqlite

[paste_deploy]
config_file = {paste_ini}
flavor = {TRUSTED_HEADERS_FLAVOR}
""")


# kolla's passwords.yml for the test: the service password (the database is the override's sqlite file).
TEST_PASSWORDS = "glance_keystone_password: e2e-keystone-never-called\n"


def render(globals_file: Path, overrides_dir: Path, config_dir: Path) -> CommandResult:
    passwords = globals_file.parent / "passwords.yml"
    passwords.write_text(TEST_PASSWORDS)
    return xdeploy_glance("render", "--standalone", "-c", str(globals_file), "-p", str(passwords),
                          "--overrides", str(overrides_dir), "-o", str(config_dir))


def staging_volume(directory: Path) -> dict:
    """kolla's glance_extra_volumes mounting `directory` at the same path in the glance_api container.

    This Glance runs on the host, where staging's path is the one glance-api.conf names; the role
    places glance_staging_store_uri (a path in kolla's glance_api container) on the host through the
    container's volumes, and refuses staging under none (staging-outside-volumes): the identity bind
    makes both paths one.
    """
    return {"glance_extra_volumes": [f"{directory}:{directory}"]}


def provision_staging(globals_values: dict, workdir: Path) -> PlaybookRun:
    """The plugin role's staging tasks (kolla_action=deploy), run for real by ansible-playbook against this host."""
    workdir.mkdir(parents=True, exist_ok=True)
    # kolla_action=deploy, as site.yml passes it; the plugin's kolla inputs go to a scratch node_custom_config
    return run_playbook(STAGING_PLAYBOOK, local_inventory(workdir), workdir,
                        extra_vars={"kolla_action": "deploy", "node_custom_config": str(workdir / "kolla-config"),
                                    **globals_values})


def deploy(root: Path, venv: Path, staging_size: str, settings: dict) -> Deployment:
    """Render the config and provision staging for `settings` (globals on top of base_globals).

    The caller mounts nothing: the staging tmpfs is mounted at root/staging-fs and must be
    unmounted with unmount_tmpfs(deployment.staging_mount), also when this raises.
    """
    state_dir = root / "state"
    state_dir.mkdir(parents=True)
    staging_mount = root / "staging-fs"
    staging_dir = staging_mount / "staging"
    mount_tmpfs(staging_mount, staging_size)
    values = {**base_globals(state_dir, staging_dir, venv), **staging_volume(staging_mount), **settings}
    globals_file = write_globals(root / "globals.yml", values)
    paste_ini = write_trusted_headers_paste_ini(venv, root / "glance-api-paste.ini")
    write_test_overrides(root / "overrides", state_dir, paste_ini)
    config_dir = root / "config"
    rendered = render(globals_file, root / "overrides", config_dir)
    if rendered.returncode != 0:
        raise AssertionError(f"xdeploy-glance render exited {rendered.returncode}:\n{rendered.output}")
    provisioned = provision_staging(values, root / "ansible")
    if provisioned.returncode != 0:
        raise AssertionError(f"the staging role failed:\n{provisioned.describe()}")
    return Deployment(globals_file, config_dir, state_dir, staging_dir, staging_mount)
