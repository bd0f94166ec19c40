"""Run the real `xdeploy-glance verify` CLI from tests and read its per-host table back.

    run_verify(workdir, globals_file, inventory, *args) -> VerifyRun
        Passes -p <workdir>/passwords.yml when that file exists; Ansible's state stays under workdir.
    VerifyRun.table / .outcomes(host) / .message(host, check)
        The "Glance host verification" section: outcome and first message line per host and check.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.ansible_run import ansible_env


@dataclass(frozen=True)
class VerifyRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def table(self) -> dict[tuple[str, str], tuple[str, str]]:
        """The 'Glance host verification' section: (host, check) -> (outcome, first line of the message)."""
        section = self.stdout.split(" Glance host verification ", 1)[1].split("\n", 1)[1]
        rows = {}
        for line in section.splitlines():
            if line.startswith("="):
                break
            host, outcome, check, *detail = re.split(r"\s{2,}", line.strip(), maxsplit=3)
            rows[(host, check)] = (outcome, detail[0] if detail else "")
        return rows

    def outcomes(self, host: str) -> dict[str, str]:
        return {check: outcome for (name, check), (outcome, _) in self.table.items() if name == host}

    def message(self, host: str, check: str) -> str:
        return self.table[(host, check)][1]

    def describe(self) -> str:
        return f"rc={self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_verify(workdir: Path, globals_file: Path, inventory: Path, *args: str,
               path_prefix: Path | None = None) -> VerifyRun:
    """path_prefix: a directory put first on verify's PATH (a fake container engine, say)."""
    passwords = workdir / "passwords.yml"
    env = ansible_env(workdir)
    if path_prefix is not None:
        env["PATH"] = f"{path_prefix}{os.pathsep}{env['PATH']}"
    completed = subprocess.run([sys.executable, "-m", "xdeploy_glance", "verify", "-c", str(globals_file),
                                *(["-p", str(passwords)] if passwords.exists() else []), "-i", str(inventory), *args],
                               capture_output=True, text=True, cwd=workdir, env=env, timeout=600)
    return VerifyRun(completed.returncode, completed.stdout, completed.stderr)


def unreachable_inventory(directory: Path) -> tuple[Path, int]:
    """An inventory whose one glance-api host, down1, is ssh on a loopback port nothing listens on; (inventory, port)."""
    with socket.socket() as probe:  # a port nothing listens on once the socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inventory = directory / "inventory.yml"
    inventory.write_text(json.dumps({"glance-api": {"hosts": {"down1": {
        "ansible_host": "127.0.0.1", "ansible_port": port, "ansible_user": "root",
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes",
        "ansible_python_interpreter": sys.executable}}}}))
    return inventory, port
