"""The staging directory must not be a system directory such as `/`, `/etc` or `/var/lib`.

The role sets the owner and mode of the staging directory; on a system directory that would
break the host. Glance also writes and deletes files named after image ids there.
"""
import posixpath

from .base import Problem, RuleContext, Severity

ID = "staging-system-directory"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_staging_store_uri",)

SYSTEM_DIRECTORIES = frozenset({
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc",
    "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local",
    "/usr/share", "/var", "/var/cache", "/var/lib", "/var/log", "/var/spool", "/var/tmp", "/var/run",
    "/etc/kolla", "/var/lib/docker", "/var/lib/containers", "/var/lib/glance",
})


def check(context: RuleContext):
    path = context.settings.staging_path
    if path and posixpath.normpath(path) in SYSTEM_DIRECTORIES:
        yield Problem("glance_staging_store_uri", f"staging directory {path} is a system directory",
                      f"use a directory of its own, e.g. file://{posixpath.normpath(path).rstrip('/')}/glance-staging")
