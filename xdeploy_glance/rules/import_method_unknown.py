"""Every entry of glance_enabled_import_methods must be a method Glance knows.

Glance 33 accepts exactly `glance-direct`, `web-download`, `copy-image` and `glance-download`
(case-sensitive). Anything else stops glance-api with a configuration error, or fails the first
request that reads the option with HTTP 500.
"""
from .base import Problem, RuleContext, Severity, unknown_choices

ID = "import-method-unknown"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_enabled_import_methods",)


def check(context: RuleContext):
    for method, suggestion, choices in unknown_choices(context, "glance_enabled_import_methods"):
        yield Problem("glance_enabled_import_methods", f"unknown import method {method!r}{suggestion}",
                      f"Glance knows {', '.join(choices)}")
