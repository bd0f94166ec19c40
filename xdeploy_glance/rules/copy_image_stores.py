"""copy-image needs two or more writable stores.

copy-image copies an active image into further stores. With a single store there is nothing to
copy to, and in a single-store Glance every copy-image request fails with HTTP 500. The http
store is read-only and does not count; two file stores (glance_extra_file_stores) do.
"""
from .base import Problem, RuleContext, Severity

ID = "copy-image-stores"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_enabled_import_methods", "glance_backend_file", "glance_backend_ceph", "glance_backend_s3",
             "glance_backend_swift", "glance_backend_vmware", "glance_extra_file_stores")


def check(context: RuleContext):
    if "copy-image" not in context.settings.value("glance_enabled_import_methods"):
        return
    stores = context.settings.writable_stores
    if len(stores) < 2:
        have = ", ".join(stores) if stores else "none"
        yield Problem("glance_enabled_import_methods",
                      f"copy-image is enabled but there {'is' if len(stores) == 1 else 'are'} only {len(stores)} writable "
                      f"store{'' if len(stores) == 1 else 's'} ({have})",
                      "enable a second store (e.g. glance_backend_ceph, or a second file store in glance_extra_file_stores) "
                      "or remove copy-image")
