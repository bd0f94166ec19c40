"""The staging directory must not be a system directory such as `/`, `/etc` or `/var/lib`.

The role sets the owner and mode of the staging directory; on a system directory that would
break the host. Glance also writes and deletes files named after image ids there.
"""
import posixpath

from ..staging_checks import SYSTEM_DIRECTORIES
from .base import Problem, RuleContext, Severity

ID = "staging-system-directory"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_staging_store_uri",)


def check(context: RuleContext):
    path = context.settings.staging_path
    if path and posixpath.normpath(path) in SYSTEM_DIRECTORIES:
        yield Problem("glance_staging_store_uri", f"staging directory {path} is a system directory",
                      f"use a directory of its own, e.g. file://{posixpath.normpath(path).rstrip('/')}/glance-staging")
