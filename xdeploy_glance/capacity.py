"""How much free space Glance staging needs, and the one-line formula that explains it.

Pure Python with no Ansible imports: the staging role calls it through its filter plugin on the
controller, and `verify` calls it directly, so the role and the checks can never disagree.

Per import, staging holds the uploaded file, plus the decompressed copy when image_decompression
runs, plus the converted copy when image_conversion runs (conversion to raw writes the full
virtual size). Several imports stage at once, and headroom is added on top:

    required = ceil(per_import × concurrent_imports × (1 + headroom_percent / 100))
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .units import format_size, parse_size

IMAGE_DECOMPRESSION = "image_decompression"
IMAGE_CONVERSION = "image_conversion"
OUTPUT_FORMATS = ("raw", "qcow2", "vmdk")

__all__ = ["StagingRequirement", "required_staging_bytes", "capacity_message", "parse_size", "format_size"]


@dataclass(frozen=True)
class StagingRequirement:
    """The inputs of the sizing formula (sizes in bytes) and everything derived from them."""

    max_image_size: int
    max_virtual_size: int
    concurrent_imports: int
    headroom_percent: int
    plugins: tuple[str, ...]
    output_format: str

    @property
    def decompressed_bytes(self) -> int:
        """image_decompression writes <id>.uc next to the upload."""
        return self.max_image_size if IMAGE_DECOMPRESSION in self.plugins else 0

    @property
    def converted_bytes(self) -> int:
        """image_conversion writes <id>.<format> next to the upload; raw is the full virtual size."""
        if IMAGE_CONVERSION not in self.plugins:
            return 0
        return self.max_virtual_size if self.output_format == "raw" else self.max_image_size

    @property
    def per_import_bytes(self) -> int:
        return self.max_image_size + self.decompressed_bytes + self.converted_bytes

    @property
    def required_bytes(self) -> int:
        scaled = self.per_import_bytes * self.concurrent_imports * (100 + self.headroom_percent)
        return -(-scaled // 100)  # integer ceiling: exact for any size, unlike float math

    @property
    def formula(self) -> str:
        """'2 × 15.0 GiB + 10%', or with plugins '2 × (10.0 GiB + 10.0 GiB decompressed + 40.0 GiB raw) + 10%'."""
        parts = [format_size(self.max_image_size)]
        if self.decompressed_bytes:
            parts.append(f"{format_size(self.decompressed_bytes)} decompressed")
        if self.converted_bytes:
            parts.append(f"{format_size(self.converted_bytes)} {self.output_format}")
        per_import = parts[0] if len(parts) == 1 else f"({' + '.join(parts)})"
        headroom = f" + {self.headroom_percent}%" if self.headroom_percent else ""
        return f"{self.concurrent_imports} × {per_import}{headroom}"


def _count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def _size(name: str, value: int | str) -> int:
    try:
        size = parse_size(value)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
    if size < 1:
        raise ValueError(f"{name} must be at least 1 byte, got {value!r}")
    return size


def required_staging_bytes(max_image_size: int | str, max_virtual_size: int | str | None, concurrent_imports: int,
                           headroom_percent: int, plugins: Iterable[str], output_format: str) -> StagingRequirement:
    """The staging requirement; its `required_bytes` is the number to compare with free space.

    Sizes are bytes or size strings ("20GiB"); max_virtual_size None means the same as
    max_image_size. Bad input raises ValueError naming the argument.
    """
    image = _size("max_image_size", max_image_size)
    virtual = image if max_virtual_size is None else _size("max_virtual_size", max_virtual_size)
    if output_format not in OUTPUT_FORMATS:
        raise ValueError(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}, got {output_format!r}")
    if isinstance(plugins, str):
        raise ValueError(f"plugins must be a sequence of names, got the string {plugins!r}")
    return StagingRequirement(
        max_image_size=image,
        max_virtual_size=virtual,
        concurrent_imports=_count("concurrent_imports", concurrent_imports, 1),
        headroom_percent=_count("headroom_percent", headroom_percent, 0),
        plugins=tuple(plugins),
        output_format=output_format,
    )


def capacity_message(requirement: StagingRequirement, available_bytes: int, source: str, fstype: str,
                     mount_point: str) -> str:
    """'need 33.0 GiB (= 2 × 15.0 GiB + 10%), available 20.1 GiB on /dev/vdb1 (ext4) at /var/lib/glance; ...'

    Rounded figures can look equal when they are not, so the exact bytes follow.
    """
    return (f"need {format_size(requirement.required_bytes)} (= {requirement.formula}), "
            f"available {format_size(available_bytes)} on {source} ({fstype}) at {mount_point}; "
            f"in bytes: need {requirement.required_bytes}, available {available_bytes}")
