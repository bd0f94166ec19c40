"""Byte sizes as operators write them ("20GiB", "500M", 1048576) and as messages print them."""
from __future__ import annotations

import re

from . import schema

# The schema's pattern for a size, so that what validates is exactly what parses: groups 1 and 3
# are the number and the unit (JSON Schema patterns have no named groups Python reads).
_SIZE = re.compile(next(sub["pattern"] for sub in schema.definition("size")["anyOf"] if "pattern" in sub))
_POWERS = {"": 0, "b": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}


def parse_size(value: int | str) -> int:
    """Bytes from an integer or a size string; K, M, G, T, P are powers of 1024, with or without i/B."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a size")
    if isinstance(value, float) and value.is_integer():  # JSON Schema counts 1.0 as an integer, so we must too
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"size {value} is negative")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a size")
    match = _SIZE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a size; write bytes or a number with K, M, G, T or P (e.g. 20GiB)")
    digits, unit = match[1], (match[3] or "").lower()
    power = _POWERS[unit[:1]] if unit else 0
    number = float(digits) if "." in digits else int(digits)
    return int(number * 1024**power)


def format_size(size: int) -> str:
    """Binary units with one decimal, labelled honestly: 34603008 -> '33.0 MiB'."""
    for unit, power in (("TiB", 4), ("GiB", 3), ("MiB", 2), ("KiB", 1)):
        if size >= 1024**power:
            return f"{size / 1024**power:.1f} {unit}"
    return f"{size} B"
