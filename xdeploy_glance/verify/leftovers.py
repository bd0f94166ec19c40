"""Staging leftovers: old files whose names are image ids (reported by verify, never deleted).

Glance names what it stages after the image: `<id>` for the upload, `<id>.uc` after
decompression, `<id>.<format>` after conversion. Its own startup cleaner (glance/housekeeping.py)
recognises them by the part before the first dot being a UUID; so does this module.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..units import format_size

_AGE = re.compile(r"^\s*(?P<number>[0-9]+)\s*(?P<unit>[mhd])\s*$", re.IGNORECASE)
_MINUTES = {"m": 1, "h": 60, "d": 24 * 60}


def parse_age(text: str) -> int:
    """Minutes from '90m', '24h' or '7d'; ValueError otherwise."""
    match = _AGE.match(str(text))
    if not match or int(match["number"]) < 1:
        raise ValueError(f"{text!r} is not an age; write a whole number of minutes, hours or days: 90m, 24h, 7d")
    return int(match["number"]) * _MINUTES[match["unit"].lower()]


def image_id_of(filename: str) -> str | None:
    """The image id a staged file belongs to, as Glance's housekeeping reads it, or None."""
    stem = filename.split(".", 1)[0]
    try:
        parsed = uuid.UUID(stem)
    except ValueError:
        return None
    # uuid.UUID also takes braces and a urn: prefix; Glance's is_uuid_like compares the bare hex.
    return str(parsed) if parsed.hex == stem.replace("-", "").lower() else None


@dataclass(frozen=True)
class Leftover:
    name: str
    size: int
    modified: float  # seconds since the epoch

    def describe(self, now: float) -> str:
        hours = (now - self.modified) / 3600
        return f"{self.name} ({format_size(self.size)}, {hours:.1f} h old)"


def image_leftovers(files: Iterable[Sequence]) -> list[Leftover]:
    """The image files among (name, size in bytes, modification time in seconds since the epoch), by name."""
    leftovers = [Leftover(name, int(size), float(modified)) for name, size, modified in files if image_id_of(name)]
    return sorted(leftovers, key=lambda leftover: leftover.name)
