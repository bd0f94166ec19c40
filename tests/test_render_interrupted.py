"""Issue 16 #9: an interrupted write leaves no temporary copy (they may hold secrets), and a killed one's
copies are removed by the next write."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

# Writes 3 files; the second write sends SIGTERM to this very process, as `kill` or systemd would.
PROGRAM = """
import os, signal, sys
from pathlib import Path
from xdeploy_glance.render import output

real_write = output._write_all
calls = []
def write_then_get_killed(fd, data):
    calls.append(fd)
    real_write(fd, data)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGTERM)
output._write_all = write_then_get_killed
output.write_files(Path(sys.argv[1]), [output.RenderedFile(f"f{i}.conf", f"secret {i}\\n") for i in range(3)])
print("not reached")
"""


def test_sigterm_during_a_write_removes_the_temporary_files_and_keeps_the_old_ones(tmp_path):
    (tmp_path / "f0.conf").write_text("old\n")

    completed = subprocess.run([sys.executable, "-c", PROGRAM, str(tmp_path)], capture_output=True, text=True,
                               timeout=60)

    assert completed.returncode == -signal.SIGTERM, completed.stderr  # ended by the signal, as before
    assert "not reached" not in completed.stdout and "Traceback" not in completed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f0.conf"]
    assert (tmp_path / "f0.conf").read_text() == "old\n"


def test_the_next_write_removes_what_a_killed_write_left(tmp_path):
    from xdeploy_glance.render import output

    leftover = tmp_path / ".glance-api.conf.k1ll3d.tmp"  # what mkstemp named it before SIGKILL
    leftover.write_text("[database]\nconnection = mysql+pymysql://glance:secret@db/glance\n")
    old = time.time() - output.STALE_AFTER_SECONDS - 1
    os.utime(leftover, (old, old))
    fresh = tmp_path / ".glance-api.conf.wr1t1ng.tmp"  # another writer's, still at work
    fresh.write_text("x")

    output.write_files(tmp_path, [output.RenderedFile("glance-api.conf", "[DEFAULT]\n")])

    assert not leftover.exists() and fresh.exists()
    assert (tmp_path / "glance-api.conf").read_text() == "[DEFAULT]\n"
