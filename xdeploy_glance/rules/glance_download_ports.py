"""glance-download fetches from a remote Glance, usually on port 9292, through the web-download filter.

The default glance_web_download_allowed_ports is 80,443, so a remote Glance on 9292 is refused
with `URI does not pass filtering`. glance-download also needs a Keystone shared by both
regions; the region comes from the user's service catalog.
"""
from .base import Problem, RuleContext, Severity

ID = "glance-download-ports"
SEVERITY = Severity.WARNING
VARIABLES = ("glance_enabled_import_methods", "glance_web_download_allowed_ports")


def check(context: RuleContext):
    if "glance-download" not in context.settings.value("glance_enabled_import_methods"):
        return
    ports = context.settings.value("glance_web_download_allowed_ports")
    if ports and 9292 not in ports:
        yield Problem("glance_web_download_allowed_ports",
                      f"glance-download is enabled but port 9292 is not allowed (allowed: {', '.join(map(str, ports))}), "
                      "so a remote Glance on its usual port is refused",
                      "add 9292 (or the remote Glance's port) to glance_web_download_allowed_ports")
