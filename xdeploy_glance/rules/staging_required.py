"""glance-direct, web-download and glance-download need a staging directory.

These methods write the image to staging first and import it from there; copy-image stages
too. Without a staging URI every such import fails.
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
    if needing:
        yield Problem("glance_staging_store_uri", f"no staging URI, but {', '.join(needing)} need one",
                      "set glance_staging_store_uri: file:///var/lib/glance/staging")
