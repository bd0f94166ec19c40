"""Putting rendered files on disk atomically, or showing what would change.

A config file is only ever replaced by rename(2): every file is first written completely to a
temporary file in its target directory and flushed to disk; only when all of them are written
are they renamed over the old ones. A full disk, a crash or an interruption leaves each old file
byte-for-byte as it was (and no temporary file behind, except after a power cut).

Why the guarantee "the previous file is intact or the new one is complete" holds even across a
power cut: every temporary file is fsync'ed (data and inode) before the first rename is issued,
so whichever inode a name points to after a crash, its content is on disk in full; rename(2)
swaps the name in one step. Only the directories holding renamed names, and those holding newly
made directories, are fsync'ed afterwards, once each: that makes the new names durable before
success is reported, and a directory fsync covers every entry of that directory at once.

Cost, which matters for renders of a thousand hosts: a file whose bytes and mode are already
what would be written is left alone (no temporary file, no fsync, its mtime unchanged). Files
are written in batches: all files of a batch are written and handed to the kernel's writeback
first, and fsync'ed only after, so the disk flushes them together instead of one flush per file
in turn with every metadata operation waiting behind it.
"""
from __future__ import annotations

import difflib
import glob
import os
import signal
import stat
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .masking import mask_line

FILE_MODE = 0o640
DIRECTORY_MODE = 0o750
BATCH = 256  # temporary files open at once: well below the usual limit of 1024 descriptors


@dataclass(frozen=True)
class RenderedFile:
    """One file to write: its path relative to the output directory and its text."""

    path: str
    text: str


class WriteError(Exception):
    """The files could not be written; every previous file is left as it was."""


def write_files(directory: Path, files: Sequence[RenderedFile]) -> list[Path]:
    """Write all files under `directory`, atomically each; returns the paths written.

    A file that already holds exactly the rendered bytes with mode 0640 is not rewritten and not returned.
    """
    pending = [(directory / rendered.path, rendered.text.encode("utf-8")) for rendered in files]
    pending = [(target, data) for target, data in pending if not _already_written(target, data)]
    for parent in dict.fromkeys(target.parent for target, _ in pending):
        if parent.is_dir():
            _remove_stale_temporaries(parent, [target.name for target, _ in pending if target.parent == parent])
    previous_handlers = _interruptible()
    staged: list[tuple[str, Path]] = []
    synced_directories: set[Path] = set()
    target = directory
    try:
        for parent in dict.fromkeys(target.parent for target, _ in pending):
            target = parent
            synced_directories.update(_make_directories(parent))
        for start in range(0, len(pending), BATCH):
            opened: list[int] = []
            try:
                for target, data in pending[start:start + BATCH]:
                    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                    opened.append(fd)
                    staged.append((temporary, target))
                    _write_all(fd, data)
                for fd, (_, target) in zip(opened, staged[start:]):
                    os.fsync(fd)
            finally:
                for fd in opened:
                    os.close(fd)
        for temporary, target in staged:
            os.replace(temporary, target)
            synced_directories.add(target.parent)
        for parent in sorted(synced_directories):
            target = parent
            _fsync_directory(parent)
    except OSError as exc:
        for temporary, _ in staged:
            _remove(temporary)
        raise WriteError(f"cannot write {target}: {exc.strerror or exc}; the previous files are unchanged") from exc
    except BaseException as interruption:  # interrupted: no temporary copy is left behind
        for temporary, _ in staged:
            _remove(temporary)
        if isinstance(interruption, _Interrupted):  # then end as the signal would have ended the process
            _restore(previous_handlers)
            os.kill(os.getpid(), interruption.signum)
        raise
    finally:
        _restore(previous_handlers)
    return [target for _, target in staged]


# Signals whose default action ends the process without running cleanup code; SIGKILL cannot be
# caught, so what it leaves behind is removed by the next write into the same directory.
_CAUGHT = (signal.SIGTERM, signal.SIGHUP)
STALE_AFTER_SECONDS = 60  # far longer than any write takes: an older temporary file's writer is gone


class _Interrupted(BaseException):
    def __init__(self, signum: int):
        super().__init__(f"interrupted by signal {signum}")
        self.signum = signum


def _interruptible() -> dict:
    """While files are written, SIGTERM and SIGHUP raise, so the cleanup above runs; then they act as before."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def interrupt(signum, frame):
        raise _Interrupted(signum)

    return {signum: signal.signal(signum, interrupt) for signum in _CAUGHT}


def _restore(handlers: dict) -> None:
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


def _remove_stale_temporaries(directory: Path, names: Iterable[str]) -> None:
    """Temporary copies an earlier, killed write left in `directory` (they may hold secrets)."""
    now = time.time()
    for name in set(names):
        for leftover in directory.glob(f".{glob.escape(name)}.*.tmp"):
            try:
                if now - leftover.lstat().st_mtime > STALE_AFTER_SECONDS:
                    leftover.unlink()
            except OSError:
                pass


def _already_written(target: Path, data: bytes) -> bool:
    """True when `target` is a regular file with mode 0640 holding exactly `data`."""
    try:
        status = target.lstat()
        if not stat.S_ISREG(status.st_mode) or stat.S_IMODE(status.st_mode) != FILE_MODE \
                or status.st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False  # missing or unreadable: writing it reports any real problem


def _make_directories(path: Path) -> list[Path]:
    """Make `path` and missing parents (mode 0750); returns the directories whose entries changed."""
    if path.is_dir():
        return []
    changed = _make_directories(path.parent) if path.parent != path else []
    try:
        path.mkdir(mode=DIRECTORY_MODE)
    except FileExistsError:
        if not path.is_dir():
            raise
        return changed
    return changed + [path.parent]


def _write_all(fd: int, data: bytes) -> None:
    os.fchmod(fd, FILE_MODE)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    if hasattr(os, "posix_fadvise"):
        # On Linux this starts writing the pages back now, without waiting, so the fsync of the batch
        # finds them on their way to disk (pages still dirty or being written stay cached).
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def diff(directory: Path, files: Iterable[RenderedFile], secrets: Iterable[str] = ()) -> str:
    """Unified diffs of what is in `directory` against the rendered files, secrets masked."""
    secrets = tuple(secrets)
    chunks = []
    for rendered in files:
        target = directory / rendered.path
        try:
            old = target.read_text(encoding="utf-8")
            old_name = str(target)
        except FileNotFoundError:
            old, old_name = "", "/dev/null"
        except (OSError, UnicodeDecodeError) as exc:
            raise WriteError(f"cannot read {target} to compare: {getattr(exc, 'strerror', None) or exc}") from exc
        lines = difflib.unified_diff(old.splitlines(keepends=True), rendered.text.splitlines(keepends=True),
                                     fromfile=old_name, tofile=f"{target} (rendered)")
        for line in lines:
            masked = mask_line(line.rstrip("\n"), secrets)
            chunks.append(masked + "\n")
            if not line.endswith("\n"):
                chunks.append("\\ No newline at end of file\n")
    return "".join(chunks)
