"""Optional: staged files older than --glance-leftovers-older-than whose names are image ids.

Only reported, never deleted: a file may belong to an import that is still running or stuck, and
Glance's own cleaner removes residue of deleted images when glance-api starts.
"""
from __future__ import annotations

import pytest

from xdeploy_glance.verify.leftovers import FIND_FORMAT, parse_find_output

pytestmark = pytest.mark.glance_verify


def test_staging_leftovers(host, glance_expected, glance_leftovers_older_than):
    """No file in the staging directory named after an image is older than the threshold."""
    minutes, age = glance_leftovers_older_than
    path = glance_expected.staging_path
    found = host.run("find %s -maxdepth 1 -type f -mmin +%s -printf %s", path, str(minutes), FIND_FORMAT)
    if found.rc != 0:
        pytest.fail(f"cannot list {path}: {found.stderr.strip()}", pytrace=False)
    leftovers = parse_find_output(found.stdout)
    if leftovers:
        now = float(host.check_output("date +%s"))
        pytest.fail(f"{len(leftovers)} file(s) in {path} named after images are older than {age} (left in place; "
                    "check the images' import tasks, Glance removes residue of deleted images when it starts): "
                    + ", ".join(leftover.describe(now) for leftover in leftovers), pytrace=False)
