"""Putting rendered files on disk atomically, or showing what would change.

A config file is only ever replaced by rename(2): every file is first written completely to a
temporary file in its target directory and flushed to disk; only when all of them are written
are they renamed over the old ones. A full disk, a crash or an interruption leaves each old file
byte-for-byte as it was (and no temporary file behind, except after a power cut).
"""
from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .masking import mask_line

FILE_MODE = 0o640
DIRECTORY_MODE = 0o750


@dataclass(frozen=True)
class RenderedFile:
    """One file to write: its path relative to the output directory and its text."""

    path: str
    text: str


class WriteError(Exception):
    """The files could not be written; every previous file is left as it was."""


def write_files(directory: Path, files: Sequence[RenderedFile]) -> list[Path]:
    """Write all files under `directory`, atomically each; returns the paths written."""
    staged: list[tuple[str, Path]] = []
    target = directory
    try:
        for rendered in files:
            target = directory / rendered.path
            _make_directory(target.parent)
            staged.append((_write_temporary(target, rendered.text.encode("utf-8")), target))
        for temporary, target in staged:
            os.replace(temporary, target)
        for parent in sorted({target.parent for _, target in staged}):
            _fsync_directory(parent)
    except OSError as exc:
        for temporary, _ in staged:
            _remove(temporary)
        raise WriteError(f"cannot write {target}: {exc.strerror or exc}; the previous files are unchanged") from exc
    return [target for _, target in staged]


def _make_directory(path: Path) -> None:
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)


def _write_temporary(target: Path, data: bytes) -> str:
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except OSError:
        os.close(fd)
        _remove(temporary)
        raise
    os.close(fd)
    return temporary


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
