"""Issue 16 #18: a host verify cannot look at (ansible_connection=winrm) is reported once, with the reason."""
from __future__ import annotations

import pytest

import subprocess
import sys

pytestmark = pytest.mark.slow  # real processes: Ansible, pip or the verify command


def test_a_winrm_host_is_reported_as_unsupported_not_with_a_python_error(tmp_path):
    (tmp_path / "globals.yml").write_text('glance_staging_store_uri: "file:///var/lib/glance/staging"\n')
    (tmp_path / "inventory").write_text("[glance-api]\nwin1 ansible_connection=winrm ansible_host=127.0.0.1\n")

    completed = subprocess.run([sys.executable, "-m", "xdeploy_glance", "verify", "-c", str(tmp_path / "globals.yml"),
                                "-i", str(tmp_path / "inventory")], capture_output=True, text=True, timeout=300,
                               cwd=tmp_path)

    assert completed.returncode == 1
    assert "win1  ERROR    host-reachable  cannot check win1: ansible_connection=winrm is not supported" in (
        completed.stdout)
    assert "Error" not in completed.stdout.replace("ERROR", "") and "Traceback" not in completed.stderr
