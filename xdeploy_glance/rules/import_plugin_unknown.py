"""Every entry of glance_image_import_plugins must be a plugin Glance ships.

Glance 33 ships `no_op`, `image_conversion`, `image_decompression` and `inject_image_metadata`.
An unknown name is not an error to Glance: it logs `Could not load <name>` and imports the image
without that plugin, so a misspelled `image_conversion` silently leaves images unconverted.
"""
from .base import Problem, RuleContext, Severity, unknown_choices

ID = "import-plugin-unknown"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_image_import_plugins",)


def check(context: RuleContext):
    for plugin, suggestion, choices in unknown_choices(context, "glance_image_import_plugins"):
        yield Problem("glance_image_import_plugins",
                      f"unknown import plugin {plugin!r}, which Glance would skip without an error{suggestion}",
                      f"Glance ships {', '.join(choices)}")
