"""Several real SSH "hosts" on one machine, each with a filesystem of its own.

Stable API (fixture, registered in tests/conftest.py):

    ssh_hosts(tmpfs_sizes, staging_parent=None, host_vars=None) -> SshHosts
        Starts one sshd per entry of `tmpfs_sizes` ({"api1": "64m", "api2": "8m"}) on a free
        127.0.0.1 port. Each sshd runs in its own private mount namespace
        (`unshare -m --propagation private`) where a tmpfs of the given size is mounted at
        `staging_parent` (default: <tmp_path>/glance). So every host sees the same path backed by
        a different filesystem, and the real host sees only an empty directory.
        Writes an inventory (group `glance-api`, kolla's name) with key auth, a known_hosts file
        and an explicit ansible_python_interpreter; `host_vars` adds variables per host.

Needs root, sshd, ssh and unshare, and skips the test otherwise. Teardown stops every process
left in each namespace, which also drops its tmpfs. Outside pytest, `ssh_host_starter(workdir)`
is the same as a context manager, and `unavailable_reason()` says why it cannot run here.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping

import pytest

SSHD = "/usr/sbin/sshd"
REQUIRED_TOOLS = ("unshare", "ssh", "ssh-keygen", "mount")
STARTUP_DEADLINE_SECONDS = 30


@dataclass(frozen=True)
class SshHost:
    name: str
    port: int
    tmpfs_size: str
    pid: int


@dataclass(frozen=True)
class SshHosts:
    hosts: tuple[SshHost, ...]
    inventory: Path
    staging_parent: Path
    private_key: Path
    known_hosts: Path

    def host(self, name: str) -> SshHost:
        return next(host for host in self.hosts if host.name == name)

    def run_on(self, name: str, command: str) -> str:
        """Run a shell command on one host over ssh (it sees that host's tmpfs)."""
        ssh = ["ssh", "-i", str(self.private_key), "-p", str(self.host(name).port),
               "-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "StrictHostKeyChecking=yes",
               "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "root@127.0.0.1", command]
        return subprocess.run(ssh, capture_output=True, text=True, check=True).stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as client:
        return client.connect_ex(("127.0.0.1", port)) == 0


def _sshd_config(directory: Path, port: int) -> Path:
    config = directory / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}",
        "ListenAddress 127.0.0.1",
        f"HostKey {directory / 'host_key'}",
        f"AuthorizedKeysFile {directory / 'authorized_keys'}",
        "PidFile none",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",  # the key files sit under /tmp, which is world-writable
        "Subsystem sftp internal-sftp",
        "PrintMotd no",
        "LogLevel ERROR",
        "",
    ]))
    return config


def _namespace_script(staging_parent: Path, size: str, config: Path) -> str:
    # sshd insists on /run/sshd; a private /run keeps the real host free of it.
    return (f"set -e; mount -t tmpfs -o size=1m,mode=755 tmpfs /run; mkdir -m 755 /run/sshd; "
            f"mount -t tmpfs -o size={size} tmpfs '{staging_parent}'; exec {SSHD} -D -e -f '{config}'")


def _mount_namespace(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/mnt")
    except OSError:
        return None


def _stop_namespace(process: subprocess.Popen, namespace: str | None) -> None:
    """Stop sshd, then anything still living in its namespace (sessions), which frees the tmpfs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if namespace is None:
        return
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _mount_namespace(int(entry.name)) == namespace:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except ProcessLookupError:
                pass


def unavailable_reason() -> str | None:
    """Why SSH hosts cannot start here, or None when they can."""
    if os.geteuid() != 0:
        return "needs root for mount namespaces and sshd (CI runs as root)"
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing or not os.path.exists(SSHD):
        return f"missing {', '.join(missing) or SSHD} (scripts/test.sh installs openssh-server)"
    return None


@pytest.fixture
def ssh_hosts(tmp_path):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with ssh_host_starter(tmp_path) as start:
        yield start


@contextmanager
def ssh_host_starter(workdir: Path) -> Iterator[Callable[..., SshHosts]]:
    """The fixture's `start`, usable outside pytest too (bench/run.py): every sshd stops on exit."""
    started: list[tuple[subprocess.Popen, str | None]] = []

    def start(tmpfs_sizes: Mapping[str, str], staging_parent: Path | None = None,
              host_vars: Mapping[str, Mapping] | None = None) -> SshHosts:
        base = workdir / "ssh-hosts"
        base.mkdir()
        staging_parent = Path(staging_parent or workdir / "glance")
        staging_parent.mkdir(parents=True, exist_ok=True)
        private_key = base / "id_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(private_key)], check=True)
        known_hosts = base / "known_hosts"
        hosts, known = [], []
        for name, size in tmpfs_sizes.items():
            directory = base / name
            directory.mkdir()
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(directory / "host_key")],
                           check=True)
            shutil.copy(private_key.with_suffix(".pub"), directory / "authorized_keys")
            port = _free_port()
            config = _sshd_config(directory, port)
            log = open(directory / "sshd.log", "w")
            process = subprocess.Popen(
                ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                 _namespace_script(staging_parent, size, config)],
                stdout=log, stderr=subprocess.STDOUT)
            log.close()
            started.append((process, None))
            deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
            while not _listening(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"sshd for {name} did not start: {(directory / 'sshd.log').read_text()}")
                time.sleep(0.05)
            started[-1] = (process, _mount_namespace(process.pid))
            host_key = (directory / "host_key.pub").read_text().split()
            known.append(f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}")
            hosts.append(SshHost(name, port, size, process.pid))
        known_hosts.write_text("\n".join(known) + "\n")
        inventory = base / "inventory.yml"
        inventory.write_text(json.dumps({"glance-api": {"hosts": {
            host.name: {
                "ansible_host": "127.0.0.1",
                "ansible_port": host.port,
                "ansible_user": "root",
                "ansible_ssh_private_key_file": str(private_key),
                # no ControlMaster: a persisting master would keep sessions (and the namespace) alive
                "ansible_ssh_args": "-o ControlMaster=no -o IdentitiesOnly=yes",
                "ansible_ssh_common_args": f"-o UserKnownHostsFile={known_hosts} -o StrictHostKeyChecking=yes",
                "ansible_python_interpreter": sys.executable,
                **dict((host_vars or {}).get(host.name, {})),
            } for host in hosts}}}, indent=2))
        return SshHosts(tuple(hosts), inventory, staging_parent, private_key, known_hosts)

    try:
        yield start
    finally:
        for process, namespace in reversed(started):
            _stop_namespace(process, namespace)
