"""The default store is not one of the enabled stores, or no store can take images at all.

In a multi-store Glance (which XDeploy always renders) `[glance_store] default_backend` must name
an entry of enabled_backends: glance-api refuses to start otherwise (`'default_backend' config
option is not set`, or `Store for identifier X not found`). The read-only http store cannot be the
default: images could never be uploaded.
"""
from .base import Problem, RuleContext, Severity
from .. import schema

ID = "default-backend-unknown"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_default_backend", "glance_extra_file_stores", "glance_backend_file", "glance_backend_ceph",
             "glance_backend_s3", "glance_backend_swift", "glance_backend_vmware")


def check(context: RuleContext):
    writable = context.settings.writable_stores
    if not writable:
        yield Problem("glance_backend_file", "no writable store is enabled, so Glance has nowhere to put images",
                      "enable glance_backend_file (or ceph, s3, swift, vmware) or declare glance_extra_file_stores")
        return
    chosen = context.settings.value("glance_default_backend")
    if chosen and chosen not in writable:
        yield Problem("glance_default_backend",
                      f"default backend {chosen!r} is not an enabled writable store "
                      f"({', '.join(writable)}){schema.did_you_mean(chosen, writable)}",
                      "name one of the enabled stores, or leave it unset for kolla-ansible's choice")
