"""An allow list and a deny list are both set for the same thing in the web-download filters.

When an allow list is set, Glance ignores the matching deny list entirely: only the allowed
entries pass. Setting both suggests the deny list is believed to do something.
"""
from .base import Problem, RuleContext, Severity

ID = "filter-allow-and-deny"
SEVERITY = Severity.WARNING
VARIABLES = tuple(f"glance_web_download_{verb}_{what}" for what in ("schemes", "hosts", "ports")
                  for verb in ("allowed", "disallowed"))


def check(context: RuleContext):
    for what in ("schemes", "hosts", "ports"):
        allowed = f"glance_web_download_allowed_{what}"
        denied = f"glance_web_download_disallowed_{what}"
        if context.settings.value(allowed) and context.settings.value(denied) and context.settings[denied].is_set:
            yield Problem(denied, f"both {allowed} and {denied} are set; with an allow list the deny list is ignored",
                          f"keep only {allowed}, or clear it to use the deny list")
