"""The staging sizing formula and its message (xdeploy_glance.capacity)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xdeploy_glance.capacity import capacity_message, parse_size, required_staging_bytes

GIB = 1024**3
MIB = 1024**2


def requirement(max_image_size=15 * GIB, max_virtual_size=None, concurrent_imports=2, headroom_percent=10,
                plugins=(), output_format="raw"):
    return required_staging_bytes(max_image_size, max_virtual_size, concurrent_imports, headroom_percent,
                                  plugins, output_format)


def test_the_issue_example_reads_exactly():
    need = requirement()
    available = 21582483456  # 20.1 GiB

    assert need.required_bytes == 33 * GIB
    assert capacity_message(need, available, "/dev/vdb1", "ext4", "/var/lib/glance") == (
        "need 33.0 GiB (= 2 × 15.0 GiB + 10%), available 20.1 GiB on /dev/vdb1 (ext4) at /var/lib/glance; "
        "in bytes: need 35433480192, available 21582483456")


@pytest.mark.parametrize(("plugins", "output_format", "per_import", "formula"), [
    ((), "raw", 10 * GIB, "1 × 10.0 GiB"),
    (("image_conversion",), "raw", 50 * GIB, "1 × (10.0 GiB + 40.0 GiB raw)"),
    (("image_conversion",), "qcow2", 20 * GIB, "1 × (10.0 GiB + 10.0 GiB qcow2)"),
    (("image_decompression",), "raw", 20 * GIB, "1 × (10.0 GiB + 10.0 GiB decompressed)"),
    (("image_decompression", "image_conversion"), "raw", 60 * GIB,
     "1 × (10.0 GiB + 10.0 GiB decompressed + 40.0 GiB raw)"),
    (("no_op", "inject_image_metadata"), "raw", 10 * GIB, "1 × 10.0 GiB"),
])
def test_plugins_add_their_copies(plugins, output_format, per_import, formula):
    need = requirement(10 * GIB, 40 * GIB, concurrent_imports=1, headroom_percent=0, plugins=plugins,
                       output_format=output_format)

    assert need.per_import_bytes == per_import
    assert need.required_bytes == per_import
    assert need.formula == formula


def test_unset_virtual_size_means_the_image_size():
    need = requirement(10 * GIB, None, concurrent_imports=1, headroom_percent=0, plugins=("image_conversion",))

    assert need.max_virtual_size == 10 * GIB
    assert need.required_bytes == 20 * GIB


def test_required_bytes_round_up_to_a_whole_byte():
    assert requirement(3, concurrent_imports=1, headroom_percent=10).required_bytes == 4  # 3.3
    assert requirement(10, concurrent_imports=1, headroom_percent=10).required_bytes == 11  # exact stays exact


def test_sizes_may_be_written_with_units():
    need = requirement("500M", "2GiB", concurrent_imports=3, headroom_percent=0, plugins=("image_conversion",))

    assert need.required_bytes == 3 * (500 * MIB + 2 * GIB)
    assert need.formula == "3 × (500.0 MiB + 2.0 GiB raw)"


@given(image=st.integers(1, 2**44), virtual=st.integers(1, 2**46), count=st.integers(1, 64),
       headroom=st.integers(0, 1000), plugins=st.sampled_from([(), ("image_conversion",), ("image_decompression",),
                                                              ("image_decompression", "image_conversion")]),
       output_format=st.sampled_from(["raw", "qcow2", "vmdk"]))
def test_required_bytes_is_the_smallest_whole_byte_count_covering_the_formula(image, virtual, count, headroom,
                                                                               plugins, output_format):
    need = requirement(image, virtual, count, headroom, plugins, output_format)
    exact_times_100 = need.per_import_bytes * count * (100 + headroom)

    assert need.required_bytes * 100 >= exact_times_100
    assert (need.required_bytes - 1) * 100 < exact_times_100


@pytest.mark.parametrize(("arguments", "message"), [
    ({"concurrent_imports": 0}, "concurrent_imports must be at least 1, got 0"),
    ({"concurrent_imports": True}, "concurrent_imports must be a whole number, got True"),
    ({"headroom_percent": -1}, "headroom_percent must be at least 0, got -1"),
    ({"headroom_percent": 2.5}, "headroom_percent must be a whole number, got 2.5"),
    ({"output_format": "qcow3"}, "output_format must be one of raw, qcow2, vmdk, got 'qcow3'"),
    ({"max_image_size": "twenty gigs"}, "max_image_size: 'twenty gigs' is not a size"),
    ({"max_image_size": 0}, "max_image_size must be at least 1 byte, got 0"),
    ({"max_virtual_size": -5}, "max_virtual_size: size -5 is negative"),
    ({"plugins": "image_conversion"}, "plugins must be a sequence of names, got the string 'image_conversion'"),
])
def test_bad_input_is_a_clear_value_error(arguments, message):
    with pytest.raises(ValueError) as raised:
        requirement(**arguments)

    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(("text", "size"), [
    ("20GiB", 20 * GIB), ("500M", 500 * MIB), ("1T", 1024 * GIB), ("4KB", 4096), ("7Gi", 7 * GIB),
    ("1048576", MIB), (1048576, MIB),
])
def test_parse_size_reads_binary_units(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("value", [-1, 1.5, True, "-3G", "lots"])
def test_parse_size_rejects_what_is_not_a_size(value):
    with pytest.raises(ValueError):
        parse_size(value)
