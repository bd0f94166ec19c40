"""The staging directory is in a volatile place such as /tmp or /dev/shm.

Files there vanish on reboot (or on tmp cleaning) while an import may still need them, and on a
tmpfs they take RAM. Glance's own default, file:///tmp/staging/, is one of these.
"""
from .base import Problem, RuleContext, Severity, is_within

ID = "staging-volatile"
SEVERITY = Severity.WARNING
VARIABLES = ("glance_staging_store_uri",)

VOLATILE_DIRECTORIES = ("/tmp", "/var/tmp", "/dev/shm", "/run")


def check(context: RuleContext):
    path = context.settings.staging_path
    for volatile in VOLATILE_DIRECTORIES:
        if path and is_within(path, volatile):
            yield Problem("glance_staging_store_uri", f"staging directory {path} is under {volatile}, "
                                                      "which is cleared on reboot or lives in RAM",
                          "stage on persistent disk, e.g. file:///var/lib/glance/staging")
            return
