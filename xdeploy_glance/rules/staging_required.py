"""glance_staging_store_uri must not be empty.

glance-direct, web-download and glance-download write the image to staging first and import it
from there; copy-image stages too, so without a staging URI every such import fails. Even with
no method enabled the URI is still needed: the rendered glance-api.conf names the staging
directory in [os_glance_staging_store] and the staging role provisions it. To switch import
off, empty glance_enabled_import_methods and keep the staging URI.
"""
from .base import Problem, RuleContext, Severity

ID = "staging-required"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_enabled_import_methods", "glance_staging_store_uri")

STAGING_METHODS = ("glance-direct", "web-download", "glance-download", "copy-image")


def check(context: RuleContext):
    if context.settings.value("glance_staging_store_uri"):
        return
    needing = [m for m in context.settings.value("glance_enabled_import_methods") if m in STAGING_METHODS]
    reason = f"{', '.join(needing)} need one" if needing else \
        "glance-api.conf and the staging role need one even with no import method enabled"
    yield Problem("glance_staging_store_uri", f"no staging URI, but {reason}",
                  "set glance_staging_store_uri: file:///var/lib/glance/staging")
