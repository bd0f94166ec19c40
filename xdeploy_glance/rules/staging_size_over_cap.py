"""glance_staging_max_image_size is larger than glance_image_size_cap.

Glance refuses any image above image_size_cap (HTTP 413), so the largest image the staging area
is sized for could never be imported.
"""
from .base import Problem, RuleContext, Severity
from ..units import format_size

ID = "staging-size-over-cap"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_staging_max_image_size", "glance_image_size_cap")


def check(context: RuleContext):
    largest = context.settings.value("glance_staging_max_image_size")
    cap = context.settings.value("glance_image_size_cap")
    if largest > cap:
        yield Problem("glance_staging_max_image_size",
                      f"the largest expected image ({format_size(largest)}) is above glance_image_size_cap "
                      f"({format_size(cap)}); Glance would refuse it",
                      "raise glance_image_size_cap or lower glance_staging_max_image_size")
