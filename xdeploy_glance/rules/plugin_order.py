"""image_decompression must run before image_conversion.

Plugins run in list order. Conversion cannot read a compressed image, so with decompression
listed after it the conversion fails and the image goes back to `queued`.
"""
from .base import Problem, RuleContext, Severity

ID = "plugin-order"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_image_import_plugins",)


def check(context: RuleContext):
    plugins = list(context.settings.value("glance_image_import_plugins"))
    if "image_decompression" in plugins and "image_conversion" in plugins:
        if plugins.index("image_decompression") > plugins.index("image_conversion"):
            yield Problem("glance_image_import_plugins",
                          "image_decompression is listed after image_conversion, but plugins run in list order",
                          "put image_decompression before image_conversion")
