"""inject_image_metadata is enabled with nothing to inject, or properties are set but the plugin is off.

Either way nothing is injected: the plugin does nothing when glance_inject_image_metadata is
empty, and the properties are ignored unless inject_image_metadata is in
glance_image_import_plugins.
"""
from .base import Problem, RuleContext, Severity

ID = "inject-metadata-noop"
SEVERITY = Severity.WARNING
VARIABLES = ("glance_image_import_plugins", "glance_inject_image_metadata")


def check(context: RuleContext):
    enabled = "inject_image_metadata" in context.settings.value("glance_image_import_plugins")
    properties = context.settings.value("glance_inject_image_metadata")
    if enabled and not properties:
        yield Problem("glance_image_import_plugins",
                      "inject_image_metadata is enabled but glance_inject_image_metadata is empty, so it does nothing",
                      "set glance_inject_image_metadata, or remove the plugin")
    elif properties and not enabled:
        yield Problem("glance_inject_image_metadata",
                      "properties to inject are set, but inject_image_metadata is not in glance_image_import_plugins",
                      "add inject_image_metadata to glance_image_import_plugins")
