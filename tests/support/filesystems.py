"""Real filesystems of known size for tests: tmpfs, loop-mounted ext4, and the loop rotational flag.

Stable API (fixtures, registered in tests/conftest.py):

    mount_tmpfs(size, where=None) -> Tmpfs
        Mounts a tmpfs of `size` (bytes or a size such as "64m", passed to mount's size=) at
        `where` (created if missing; default: a fresh directory under tmp_path).
    loop_ext4(size_mib, where=None, partitioned=False) -> LoopFilesystem
        An ext4 image (no reserved blocks) on its own tmpfs, attached to a free loop device and
        mounted at `where`. Its device is non-rotational until set_rotational says otherwise.
        With partitioned=True the image gets an MBR with one partition (/dev/loopNp1) holding the ext4.
    set_rotational(device_name, rotational: bool)
        Writes /sys/block/<device_name>/queue/rotational; the old value comes back on teardown.

All of them need root and skip the test otherwise. Teardown always unmounts and detaches, even
when the test failed, in reverse order of creation.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRED_TOOLS = ("mount", "umount", "losetup", "mkfs.ext4", "truncate", "partx")
SECTOR = 512
PARTITION_START_SECTOR = 2048
LINUX_PARTITION_TYPE = 0x83


@dataclass(frozen=True)
class Tmpfs:
    mount_point: Path


@dataclass(frozen=True)
class LoopFilesystem:
    mount_point: Path
    device: str  # the whole loop disk, /dev/loopN
    image: Path
    partition: str | None = None  # /dev/loopNp1 when partitioned

    @property
    def device_name(self) -> str:
        return os.path.basename(self.device)

    @property
    def mounted_device(self) -> str:
        return self.partition or self.device


def skip_unless_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount filesystems (CI runs as root)")
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"missing tools: {', '.join(missing)} (scripts/test.sh installs them)")


def run(*command: str) -> str:
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr.strip()}")
    return completed.stdout


def write_single_partition_table(image: Path, size_bytes: int) -> None:
    """An MBR with one Linux partition from sector 2048 to the end (what sfdisk would write)."""
    sectors = size_bytes // SECTOR - PARTITION_START_SECTOR
    entry = struct.pack("<B3sB3sII", 0, b"\0\0\0", LINUX_PARTITION_TYPE, b"\0\0\0", PARTITION_START_SECTOR, sectors)
    with open(image, "r+b") as handle:
        handle.seek(446)
        handle.write(entry)
        handle.seek(510)
        handle.write(b"\x55\xaa")


def unmount(mount_point: Path) -> None:
    """Unmount, falling back to a lazy unmount so a stray open file cannot leave a mount behind."""
    if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode != 0:
        run("umount", "--lazy", str(mount_point))


@pytest.fixture
def mount_tmpfs(tmp_path):
    skip_unless_root()
    mounted: list[Path] = []

    def mount(size: int | str, where: Path | None = None) -> Tmpfs:
        mount_point = Path(where) if where else tmp_path / f"tmpfs{len(mounted)}"
        mount_point.mkdir(parents=True, exist_ok=True)
        run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point))
        mounted.append(mount_point)
        return Tmpfs(mount_point)

    yield mount
    for mount_point in reversed(mounted):
        unmount(mount_point)


@pytest.fixture
def loop_ext4(tmp_path, mount_tmpfs):
    attached: list[LoopFilesystem] = []

    def make(size_mib: int, where: Path | None = None, partitioned: bool = False) -> LoopFilesystem:
        # The image lives on a tmpfs, so the loop device starts out non-rotational and the host disk is untouched.
        backing = mount_tmpfs(f"{size_mib + 1}m", tmp_path / f"loop-backing{len(attached)}")
        image = backing.mount_point / "ext4.img"
        run("truncate", "-s", f"{size_mib}M", str(image))
        if partitioned:
            write_single_partition_table(image, size_mib * 1024 * 1024)
        device = run("losetup", "--find", "--show", str(image)).strip()
        mount_point = Path(where) if where else tmp_path / f"ext4-{len(attached)}"
        filesystem = LoopFilesystem(mount_point, device, image, f"{device}p1" if partitioned else None)
        attached.append(filesystem)  # registered before anything else can fail, so teardown detaches it
        if partitioned:
            # losetup -P does not create the partition device on every kernel; partx does. A loop
            # device reused right after another test may still carry that test's partition, which
            # makes a plain --add fail, so drop any stale one first.
            subprocess.run(["partx", "--delete", device], capture_output=True)
            run("partx", "--add", device)
        run("mkfs.ext4", "-q", "-F", "-m", "0", filesystem.mounted_device)
        mount_point.mkdir(parents=True, exist_ok=True)
        run("mount", filesystem.mounted_device, str(mount_point))
        return filesystem

    yield make
    for filesystem in reversed(attached):
        if os.path.ismount(filesystem.mount_point):
            unmount(filesystem.mount_point)
        if filesystem.partition:
            subprocess.run(["partx", "--delete", filesystem.device], capture_output=True)
        run("losetup", "--detach", filesystem.device)


@pytest.fixture
def set_rotational():
    skip_unless_root()
    saved: dict[Path, str] = {}

    def set_flag(device_name: str, rotational: bool) -> None:
        flag = Path("/sys/block") / device_name / "queue" / "rotational"
        saved.setdefault(flag, flag.read_text().strip())
        flag.write_text("1" if rotational else "0")

    yield set_flag
    # The flag outlives the loop device's attachment, so put back what was there.
    for flag, value in saved.items():
        flag.write_text(value)
