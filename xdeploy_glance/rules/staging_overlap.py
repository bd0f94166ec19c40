"""The staging directory must not equal, contain or lie inside another Glance data directory.

Staging files are named after image ids, like the files of the file stores, the tasks store and
the image cache. Glance's documentation warns that sharing a directory "may lead to data loss":
the staging cleaner and the stores delete each other's files.
"""
from .base import Problem, RuleContext, Severity, is_within

ID = "staging-overlap"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_staging_store_uri", "glance_file_datadir", "glance_tasks_store_dir",
             "glance_image_cache_dir", "glance_backend_file", "glance_extra_file_stores")

_OTHERS = (("glance_file_datadir", "the file store"), ("glance_tasks_store_dir", "the tasks store"),
           ("glance_image_cache_dir", "the image cache"))


def check(context: RuleContext):
    staging = context.settings.staging_path
    if not staging:
        return
    for name, what in _OTHERS:
        if name == "glance_file_datadir" and not context.settings.value("glance_backend_file"):
            continue
        other = context.settings.value(name)
        if not other:
            continue
        if is_within(staging, other) or is_within(other, staging):
            relation = "is" if is_within(staging, other) and is_within(other, staging) else \
                "is inside" if is_within(staging, other) else "contains"
            yield Problem("glance_staging_store_uri",
                          f"staging directory {staging} {relation} the directory of {what} ({name}={other})",
                          "give staging a directory of its own, beside the others, e.g. /var/lib/glance/staging")
    for store_id, other in (context.settings.value("glance_extra_file_stores") or {}).items():
        if other.startswith("/") and (is_within(staging, other) or is_within(other, staging)):
            yield Problem("glance_staging_store_uri",
                          f"staging directory {staging} overlaps the directory of file store {store_id!r} ({other})",
                          "give staging a directory of its own, beside the stores' directories")
