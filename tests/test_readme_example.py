"""The README's first command: reconfigure this machine from examples/localhost, then verify it."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.ansible_run import REPO, ansible_env

EXAMPLE = REPO / "examples" / "localhost"
EXAMPLE_ROOT = "/tmp/xdeploy-glance-example"


def readme_first_command() -> list[str]:
    """The xdeploy-glance part of the README's first shell block (after the venv and pip steps)."""
    block = re.search(r"```sh\n(.*?)\n```", (REPO / "README.md").read_text(), re.DOTALL).group(1)
    return shlex.split(block.split("&&")[-1])


def test_the_first_command_is_reconfigure_on_the_bundled_example():
    assert readme_first_command() == [
        ".venv/bin/xdeploy-glance", "reconfigure", "-c", "examples/localhost/globals.yml",
        "-p", "examples/localhost/passwords.yml", "-i", "examples/localhost/inventory"]


def test_example_paths_stay_under_one_scratch_directory():
    globals_text = (EXAMPLE / "globals.yml").read_text()
    paths = re.findall(r'"(?:file://)?(/[^"]*)"', globals_text)

    assert paths and all(path.startswith(EXAMPLE_ROOT + "/") for path in paths)


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="the example chowns the staging directory to uid 42415")
def test_the_first_command_runs_and_verifies(tmp_path):
    # The same files with their scratch directory moved under tmp_path, so parallel runs cannot collide.
    for name in ("globals.yml", "passwords.yml", "inventory"):
        (tmp_path / name).write_text((EXAMPLE / name).read_text().replace(EXAMPLE_ROOT, str(tmp_path / "example")))
    command = [str(tmp_path / Path(word).name) if word.startswith("examples/localhost/") else word
               for word in readme_first_command()[1:]]

    completed = subprocess.run([sys.executable, "-m", "xdeploy_glance", *command], capture_output=True, text=True,
                               cwd=REPO, env=ansible_env(tmp_path), timeout=600)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    deployed = tmp_path / "example" / "kolla" / "glance-api"
    assert sorted(p.name for p in deployed.iterdir()) == ["glance-api.conf", "glance-image-import.conf"]
    assert (tmp_path / "example" / "staging").is_dir()
    assert "localhost  passed   config-matches-render glance-api.conf" in completed.stdout
    assert "example-database-secret" not in completed.stdout + completed.stderr
