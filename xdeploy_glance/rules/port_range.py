"""Ports in the web-download filters must be whole numbers from 1 to 65535.

Glance parses each entry as an integer port; anything else stops glance-api on startup.
"""
from .base import Problem, RuleContext, Severity

ID = "port-range"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_web_download_allowed_ports", "glance_web_download_disallowed_ports")


def check(context: RuleContext):
    for name in VARIABLES:
        for port in context.settings.value(name):
            if isinstance(port, bool) or not str(port).isdigit() or not 1 <= int(port) <= 65535:
                yield Problem(name, f"{port!r} is not a port number from 1 to 65535", "write ports as whole numbers")
