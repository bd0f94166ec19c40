"""Optional: staged files older than --glance-leftovers-older-than whose names are image ids.

Only reported, never deleted: a file may belong to an import that is still running or stuck, and
Glance's own cleaner removes residue of deleted images when glance-api starts.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.glance_verify


def test_staging_leftovers(glance_expected, glance_leftovers_older_than, glance_host_facts):
    """No file in the staging directory named after an image is older than the threshold.

    Runs only with --leftovers-older-than AGE (90m, 24h, 7d). A staged file (named by its image id,
    as Glance's housekeeping recognises them) that old belongs to an import that failed or is stuck,
    and takes staging space from the next imports. The files are only listed, never deleted: check
    the images' import tasks; Glance removes residue of deleted images when glance-api starts.
    """
    age = glance_leftovers_older_than[1]  # the host applied the minutes when it gathered its facts
    path = glance_expected.staging_path  # in the glance_api container; listed at its host path
    old = glance_host_facts.old_files[path]
    path = old.label or path
    if old.error is not None:
        pytest.fail(f"cannot list {path}: {old.error}", pytrace=False)
    if old.leftovers:
        pytest.fail(f"{len(old.leftovers)} file(s) in {path} named after images are older than {age} (left in "
                    "place; check the images' import tasks, Glance removes residue of deleted images when it "
                    "starts): " + ", ".join(leftover.describe(old.now) for leftover in old.leftovers),
                    pytrace=False)
