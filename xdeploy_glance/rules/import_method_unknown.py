"""Every entry of glance_enabled_import_methods must be a method Glance knows.

Glance 33 accepts exactly `glance-direct`, `web-download`, `copy-image` and `glance-download`
(case-sensitive). Anything else stops glance-api with a configuration error, or fails the first
request that reads the option with HTTP 500.
"""
from .base import Problem, RuleContext, Severity
from .. import schema

ID = "import-method-unknown"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_enabled_import_methods",)


def check(context: RuleContext):
    choices = schema.variables()["glance_enabled_import_methods"].choices
    for method in context.settings.value("glance_enabled_import_methods"):
        if method not in choices:
            yield Problem("glance_enabled_import_methods",
                          f"unknown import method {method!r}{schema.did_you_mean(method, choices)}",
                          f"Glance knows {', '.join(choices)}")
