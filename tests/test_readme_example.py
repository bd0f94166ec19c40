"""The README's first command: kolla's genconfig with the plugin integrated on examples/localhost, then verify."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.ansible_run import REPO, ansible_env

EXAMPLE = REPO / "examples" / "localhost"
EXAMPLE_ROOT = "/tmp/xdeploy-glance-example"


@pytest.fixture(scope="module")
def kolla_22():
    """kolla-ansible 22.2.0, which scripts/test.sh installs into the suite's own venv."""
    from tests.support.kolla import KollaUnavailable, _unavailable, kolla_install

    try:
        return kolla_install("22.2.0")
    except KollaUnavailable as error:
        _unavailable(str(error))


def readme_commands() -> list[list[str]]:
    """The xdeploy-glance commands of the README's first shell block (after the venv and pip steps)."""
    block = re.search(r"```sh\n(.*?)\n```", (REPO / "README.md").read_text(), re.DOTALL).group(1)
    return [shlex.split(part) for part in block.split("&&")[2:]]


def test_the_first_command_integrates_then_runs_genconfig_on_the_bundled_example():
    integrate, reconfigure = readme_commands()
    assert integrate == [".venv/bin/xdeploy-glance", "integrate", "--ansible-dir", ".venv/share/kolla-ansible/ansible"]
    assert reconfigure == [
        ".venv/bin/xdeploy-glance", "reconfigure", "--config-only", "--ansible-dir", ".venv/share/kolla-ansible/ansible",
        "-c", "examples/localhost/globals.yml", "-p", "examples/localhost/passwords.yml",
        "-i", "examples/localhost/inventory"]


def test_example_paths_stay_under_one_scratch_directory():
    globals_text = (EXAMPLE / "globals.yml").read_text()
    paths = re.findall(r'"(?:file://)?(/[^"]*)"', globals_text)

    assert paths and all(path.startswith(EXAMPLE_ROOT + "/") for path in paths)


@pytest.mark.root(reason="the example chowns the staging directory to uid 42415")
def test_the_first_command_runs_kolla_and_verifies(tmp_path, kolla_22):
    # The same files with their scratch directory moved under tmp_path, so parallel runs cannot collide,
    # and kolla-ansible 22.2.0's tree copied there, as `pip install '.[kolla]'` puts it into the venv.
    for name in ("globals.yml", "passwords.yml", "inventory"):
        (tmp_path / name).write_text((EXAMPLE / name).read_text().replace(EXAMPLE_ROOT, str(tmp_path / "example")))
    tree = tmp_path / "kolla-ansible" / "ansible"
    shutil.copytree(kolla_22.tree, tree)
    env = {**ansible_env(tmp_path), "ANSIBLE_COLLECTIONS_PATH": str(kolla_22.collections)}

    def run(command):
        argv = [str(tmp_path / Path(word).name) if word.startswith("examples/localhost/")
                else str(tree) if word == ".venv/share/kolla-ansible/ansible" else word for word in command[1:]]
        return subprocess.run([sys.executable, "-m", "xdeploy_glance", *argv], capture_output=True, text=True,
                              cwd=REPO, env=env, timeout=600)

    integrate, reconfigure = readme_commands()
    assert run(integrate).returncode == 0
    first, second = run(reconfigure), run(reconfigure)

    for completed in (first, second):
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert "localhost  passed   import-options-deployed" in completed.stdout
        assert "example-database-secret" not in completed.stdout + completed.stderr
    deployed = tmp_path / "example" / "kolla" / "glance-api"
    assert {"config.json", "glance-api.conf", "glance-image-import.conf"} <= {p.name for p in deployed.iterdir()}
    assert "enabled_import_methods = [web-download,glance-direct]" in (deployed / "glance-api.conf").read_text()
    assert (tmp_path / "example" / "glance" / "staging").is_dir()  # /var/lib/glance/staging's host path
    assert "staging /var/lib/glance/staging (host: " in first.stdout
    assert re.findall(r"changed=(\d+)", second.stdout) == ["0", "0"], second.stdout
