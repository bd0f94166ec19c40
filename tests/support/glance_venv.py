"""A cached virtualenv holding the real Glance 33.0.0 (plus uWSGI) for tests.

The product never depends on Glance; the tests that need the real thing (the end-to-end
suite, oslo-config-validator runs, Glance option-type checks) share one venv that is built
once per machine and reused across pytest runs and processes.

Stable API (other test modules rely on it):

    ensure_glance_venv() -> Path
        The venv directory, built if needed. Its executables:
            <venv>/bin/python                 Python with glance, glance_store, oslo.* importable
            <venv>/bin/uwsgi                  uWSGI (from the pyuwsgi wheel) to serve glance-api
            <venv>/bin/glance-manage          db_sync etc.
            <venv>/bin/oslo-config-validator  option-name checks with Glance's namespaces
            <venv>/bin/oslo-config-generator
        and Glance's stock config: <venv>/etc/glance/glance-api-paste.ini.
        Raises GlanceVenvError (with pip's log) when the install fails.

    glance_venv_path() -> Path
        Where the venv lives, without building it:
        ${XDEPLOY_GLANCE_CACHE:-$HOME/.cache/xdeploy-glance}/glance-33.0.0-py3.<minor>

    ensure_qemu_img() -> Path
        The qemu-img binary (image_conversion needs it), apt-installed when missing and root.

    Session fixtures `glance_venv` and `qemu_img` wrap the two (this module is registered as a
    pytest plugin in tests/conftest.py).

Concurrency and interruption: an exclusive fcntl lock next to the venv serialises builders,
and a marker file written only after a successful install makes an interrupted or failed
build start over from scratch on the next call.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GLANCE_VERSION = "33.0.0"
# Pinned so every run serves the same Glance: the behaviours the tests rely on (no standalone
# server, loopback filtering of web-download, ...) changed between releases.
REQUIREMENTS = (f"glance=={GLANCE_VERSION}", "pyuwsgi==2.0.30.post1")
COMPLETE_MARKER = ".xdeploy-glance-complete"
PIP_LOG_TAIL_LINES = 60


class GlanceVenvError(RuntimeError):
    """The Glance venv (or a tool it needs) could not be provided."""


def glance_venv_path() -> Path:
    cache_root = os.environ.get("XDEPLOY_GLANCE_CACHE") or str(Path.home() / ".cache" / "xdeploy-glance")
    python_tag = f"py{sys.version_info.major}.{sys.version_info.minor}"
    return Path(cache_root) / f"glance-{GLANCE_VERSION}-{python_tag}"


def ensure_glance_venv() -> Path:
    venv = glance_venv_path()
    venv.parent.mkdir(parents=True, exist_ok=True)
    if _is_complete(venv):
        return venv
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # Another process may have finished the build while this one waited for the lock.
        if not _is_complete(venv):
            _build(venv)
    return venv


def _is_complete(venv: Path) -> bool:
    marker = venv / COMPLETE_MARKER
    return marker.is_file() and marker.read_text() == _marker_text()


def _marker_text() -> str:
    return "\n".join(REQUIREMENTS) + "\n"


def _build(venv: Path) -> None:
    if venv.exists():
        # Left over from an interrupted or failed build, or built for other requirements.
        shutil.rmtree(venv)
    log = venv.parent / f"{venv.name}.pip.log"
    log.unlink(missing_ok=True)
    # sys.executable is the interpreter running the tests (never the pyenv shim); venv
    # builds on its base installation even when the test run itself is inside a venv.
    _run([sys.executable, "-m", "venv", str(venv)], log)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
          "--log", str(log), *REQUIREMENTS], log)
    (venv / COMPLETE_MARKER).write_text(_marker_text())


def _run(command: list[str], log: Path) -> None:
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode == 0:
        return
    tail = "\n".join(result.stdout.splitlines()[-PIP_LOG_TAIL_LINES:])
    raise GlanceVenvError(
        f"building the Glance test venv failed: {' '.join(command)} exited {result.returncode}\n"
        f"pip's full debug log: {log}\nlast {PIP_LOG_TAIL_LINES} lines of output:\n{tail}"
    )


def ensure_qemu_img() -> Path:
    found = shutil.which("qemu-img")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-qq"],
                        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "qemu-utils"]):
            result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if result.returncode != 0:
                raise GlanceVenvError(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}")
        found = shutil.which("qemu-img")
    if found is None:
        raise GlanceVenvError("qemu-img is missing (install the Debian package qemu-utils)")
    return Path(found)


@pytest.fixture(scope="session")
def glance_venv() -> Path:
    return ensure_glance_venv()


@pytest.fixture(scope="session")
def qemu_img() -> Path:
    return ensure_qemu_img()
