"""The staging directory must not be a system directory, nor lie in a system tree or kolla's config.

The role sets the owner and mode of the staging directory; on a system directory that would
break the host, and Glance also writes and deletes files named after image ids there. Refused:
`/` and directories such as `/var/lib` or `/srv` themselves; anything in or below `/etc`, `/usr`
(`/usr/local/sbin` is first in root's PATH), `/bin`, `/sbin`, `/lib*`, `/boot`, `/proc`, `/sys`,
`/dev`, `/root` and the container engines' storage; and anything in or below kolla's
`node_config_directory` or `node_custom_config`. The role and verify refuse the same directories
on the host, where symlinks are resolved (xdeploy_glance.staging_checks).
"""
from ..staging_checks import STAGING_EXAMPLE_URI, system_directory, system_directory_reason
from .base import Problem, RuleContext, Severity

ID = "staging-system-directory"
SEVERITY = Severity.ERROR
# node_config_directory and node_custom_config are read too, but as refusals they only add: when one
# of them is templated its default stands in, and the system trees are checked all the same.
VARIABLES = ("glance_staging_store_uri",)


def check(context: RuleContext):
    path = context.settings.staging_path
    if not path:
        return
    config_directories = [context.settings.value(name) or "" for name in ("node_config_directory", "node_custom_config")]
    system = system_directory(path, config_directories)
    if system:
        yield Problem("glance_staging_store_uri", f"staging directory {path}: {system_directory_reason(path, system)}",
                      f"use a directory of its own, e.g. {STAGING_EXAMPLE_URI}")
