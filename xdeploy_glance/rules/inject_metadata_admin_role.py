"""`admin` is in glance_inject_image_metadata_ignore_user_roles, Glance's default.

inject_image_metadata skips callers holding any listed role. A test run as admin therefore sees
no injected properties and looks like a broken plugin; imports by ordinary users are injected.
"""
from .base import Problem, RuleContext, Severity

ID = "inject-metadata-admin-role"
SEVERITY = Severity.INFO
VARIABLES = ("glance_image_import_plugins", "glance_inject_image_metadata_ignore_user_roles")


def check(context: RuleContext):
    if "inject_image_metadata" not in context.settings.value("glance_image_import_plugins"):
        return
    if "admin" in context.settings.value("glance_inject_image_metadata_ignore_user_roles"):
        yield Problem("glance_inject_image_metadata_ignore_user_roles",
                      "images imported by users with the admin role get no injected properties",
                      "test as a non-admin user, or set glance_inject_image_metadata_ignore_user_roles: \"\"")
