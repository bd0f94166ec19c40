"""Servers the tests start in their own process group, and how they are ended."""
from __future__ import annotations

import os
import signal
import subprocess

GRACE_SECONDS = 30


def end_process_group(process: subprocess.Popen) -> None:
    """SIGTERM to the whole group (uWSGI's workers, mysqld's children), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=GRACE_SECONDS)
