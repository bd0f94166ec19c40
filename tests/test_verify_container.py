"""Issue 12: verify asks the container engine whether glance_api runs the files as they are on disk."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real processes: Ansible, pip or the verify command

# A stand-in for docker on PATH: `inspect` says glance_api runs; `exec glance_api kolla_set_configs --check`
# exits with the number in $FAKE_ENGINE_STATE (kolla's set_configs: 0 unchanged, 1 changed).
FAKE_DOCKER = """#!/bin/sh
case "$1" in
  inspect) echo true ;;
  exec) [ "$2 $3 $4" = "glance_api kolla_set_configs --check" ] || exit 99
        code=$(cat "$FAKE_ENGINE_STATE"); [ "$code" = 1 ] && echo "INFO:__main__:The config files changed"
        exit "$code" ;;
  *) exit 98 ;;
esac
"""


def verify_row(tmp_path: Path, engine_dir: Path | None) -> dict:
    (tmp_path / "globals.yml").write_text('glance_staging_store_uri: "file:///var/lib/glance/staging"\n')
    (tmp_path / "inventory").write_text(f"[glance-api]\nlocalhost ansible_connection=local "
                                        f"ansible_python_interpreter={sys.executable}\n")
    path = os.environ["PATH"] if engine_dir is None else f"{engine_dir}{os.pathsep}{os.environ['PATH']}"
    completed = subprocess.run([sys.executable, "-m", "xdeploy_glance", "verify", "-c", str(tmp_path / "globals.yml"),
                                "-i", str(tmp_path / "inventory"), "--format", "json"], capture_output=True, text=True,
                               timeout=300, cwd=tmp_path,
                               env={**os.environ, "PATH": path, "FAKE_ENGINE_STATE": str(tmp_path / "state")})
    rows = [row for row in json.loads(completed.stdout)["results"] if row["check"] == "container-runs-current-config"]
    assert len(rows) == 1, completed.stdout + completed.stderr
    return rows[0]


@pytest.fixture
def fake_docker(tmp_path) -> Path:
    engine_dir = tmp_path / "engine"
    engine_dir.mkdir()
    (engine_dir / "docker").write_text(FAKE_DOCKER)
    (engine_dir / "docker").chmod(0o755)
    return engine_dir


def test_a_container_running_the_files_on_disk_passes(tmp_path, fake_docker):
    (tmp_path / "state").write_text("0")
    assert verify_row(tmp_path, fake_docker)["status"] == "passed"


def test_a_container_running_old_files_fails_and_says_so(tmp_path, fake_docker):
    (tmp_path / "state").write_text("1")

    row = verify_row(tmp_path, fake_docker)

    assert row["status"] == "failed"
    assert "config changed on disk but glance_api still runs the old one" in row["message"]


def test_without_a_running_container_there_is_nothing_to_compare(tmp_path):
    # no engine on this machine (at most docker's client, which finds no daemon): the check is skipped
    assert verify_row(tmp_path, None)["status"] == "skipped"
