"""With a Ceph store, image_conversion should convert to raw.

Ceph RBD clones volumes and instances copy-on-write only from raw images; qcow2 or vmdk images
are downloaded and converted again at every boot.
"""
from .base import Problem, RuleContext, Severity

ID = "conversion-format-ceph"
SEVERITY = Severity.WARNING
VARIABLES = ("glance_image_import_plugins", "glance_backend_ceph", "glance_image_conversion_output_format")


def check(context: RuleContext):
    settings = context.settings
    if ("image_conversion" in settings.value("glance_image_import_plugins") and settings.value("glance_backend_ceph")
            and settings.value("glance_image_conversion_output_format") != "raw"):
        yield Problem("glance_image_conversion_output_format",
                      f"images are converted to {settings.value('glance_image_conversion_output_format')}, "
                      "but Ceph clones copy-on-write only from raw",
                      "set glance_image_conversion_output_format: raw")
