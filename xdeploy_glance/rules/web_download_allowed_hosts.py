"""web-download host filtering: an allow list refuses every other host.

Glance always refuses loopback (127.0.0.0/8, ::1) and link-local (169.254.0.0/16, e.g. the
metadata service) addresses unless they are in glance_web_download_allowed_hosts. Once that list
holds one host, *every* host not on it is refused, public image mirrors included, with the same
`400 URI for web-download does not pass filtering` as for a bad port.
"""
import ipaddress

from .base import Problem, RuleContext, Severity

ID = "web-download-allowed-hosts"
SEVERITY = Severity.WARNING
VARIABLES = ("glance_enabled_import_methods", "glance_web_download_allowed_hosts")


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_link_local


def check(context: RuleContext):
    methods = context.settings.value("glance_enabled_import_methods")
    hosts = context.settings.value("glance_web_download_allowed_hosts")
    if not hosts or not {"web-download", "glance-download"} & set(methods):
        return
    local = [h for h in hosts if _is_local(str(h))]
    note = (f"; {', '.join(local)} {'is' if len(local) == 1 else 'are'} loopback or link-local, "
            "refused unless listed here") if local else ""
    yield Problem("glance_web_download_allowed_hosts",
                  f"web-download may fetch only from {', '.join(map(str, hosts))}: every other host is refused{note}",
                  "list every host users import from, or leave the list empty to allow all public hosts")
