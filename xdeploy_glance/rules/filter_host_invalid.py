"""A web-download filter host is neither an IP address nor a host name Glance accepts.

Glance reads glance_web_download_allowed_hosts and _disallowed_hosts as oslo.config
HostAddress values: an IPv4 or IPv6 address as inet_pton(3) writes it, or an RFC 1123 host name
(labels of letters, digits and `-`, no label starting or ending with `-`, a top-level label that
is not all digits, at most 253 characters). Networks such as `10.0.0.0/8`, URLs, ports, IPv6 zone
ids and `[::1]` are refused: glance-api fails on the first request that reads the filters.
"""
import re

from .base import Problem, RuleContext, Severity

ID = "filter-host-invalid"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_web_download_allowed_hosts", "glance_web_download_disallowed_hosts")

_LABEL = re.compile(r"(?!-)[A-Z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


def is_ip_address(text: str) -> bool:
    import socket  # here: importing it costs validate's start-up ~4 ms, and most globals set no filter host

    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, text)
            return True
        except (OSError, ValueError):
            continue
    return False


def is_host_name(text: str) -> bool:
    if not text or len(text) > 253:
        return False
    name = text[:-1] if text.endswith(".") else text
    labels = name.split(".")
    return bool(re.search("[a-zA-Z-]", labels[-1])) and all(_LABEL.match(label) for label in labels)


def check(context: RuleContext):
    for name in VARIABLES:
        for host in context.settings.value(name):
            text = str(host)
            if is_ip_address(text) or is_host_name(text):
                continue
            hint = "list single addresses: Glance's filter has no networks" if "/" in text else \
                "write a bare IP address or host name, without scheme, port or brackets"
            yield Problem(name, f"{text!r} is neither an IP address nor a valid host name", hint)
