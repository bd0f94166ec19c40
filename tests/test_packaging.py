"""The wheel carries schemas/, templates/ and the collection, and works from a fresh venv."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real processes: Ansible, pip or the verify command

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                   check=True, capture_output=True)
    (path,) = out.glob("xdeploy_glance-*.whl")
    return path


def test_wheel_contains_the_data_folders(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tracked = subprocess.run(["git", "ls-files", "schemas", "templates", "collections"], cwd=REPO, check=True,
                             capture_output=True, text=True).stdout.split()
    assert tracked, "nothing tracked in the data folders"
    missing = [path for path in tracked if f"xdeploy_glance/{path}" not in names]
    assert missing == []


def test_wheel_installs_into_a_fresh_venv_and_validates_the_example(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    result = subprocess.run([venv / "bin" / "xdeploy-glance", "validate", "-c", str(REPO / "examples" / "globals.yml")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    schema_path = subprocess.run([venv / "bin" / "xdeploy-glance", "schema", "--path"], capture_output=True,
                                 text=True, check=True).stdout.strip()
    assert schema_path.startswith(str(venv)) and Path(schema_path).is_file()
