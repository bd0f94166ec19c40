"""A property to inject has a key Glance drops or mangles.

Keys starting with `os_glance` are reserved: the plugin drops them with a warning in the log.
Quotes are kept literally (`"owner_team"` becomes a key with quote characters in it), which is
what the upstream documentation's own example does by mistake.
"""
from .base import Problem, RuleContext, Severity

ID = "inject-metadata-key"
SEVERITY = Severity.WARNING
VARIABLES = ("glance_inject_image_metadata",)


def check(context: RuleContext):
    for key in context.settings.value("glance_inject_image_metadata"):
        if key.startswith("os_glance"):
            yield Problem("glance_inject_image_metadata", f"key {key!r} starts with os_glance, which Glance reserves "
                                                          "and drops", "rename the property")
        elif any(quote in key for quote in "\"'"):
            yield Problem("glance_inject_image_metadata", f"key {key!r} contains quotes, which Glance keeps literally",
                          "write the key without quotes")
