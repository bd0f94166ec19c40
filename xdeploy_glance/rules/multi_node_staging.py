"""Several glance-api hosts with local staging need a per-host worker_self_reference_url.

glance-direct stages on the host that received the upload; the import request may land on
another host. Glance proxies it to the staging host through that host's
worker_self_reference_url. Without it (and without shared staging) the other host finds no data
and the import fails. Set glance_staging_shared when staging is on NFS or CephFS, or set
glance_worker_self_reference_url per host in the inventory (and not in the globals: globals are
extra vars, so a value there replaces every host's own).
"""
from ..findings import Location
from .base import Problem, RuleContext, Severity

ID = "multi-node-staging"
SEVERITY = Severity.WARNING
VARIABLES = ("glance_staging_shared", "glance_worker_self_reference_url")

URL = "glance_worker_self_reference_url"


def check(context: RuleContext):
    hosts = context.hosts or ()
    if len(hosts) < 2 or context.settings.value("glance_staging_shared"):
        return
    global_url = context.settings.value(URL)
    where = context.settings.location(URL) or (Location(context.inventory) if context.inventory else None)
    # The globals are extra vars: when they set the URL, Ansible gives every host that one value.
    set_in_globals = context.settings.location(URL) is not None
    urls = {host.name: global_url if set_in_globals else host.variables.get(URL, global_url) for host in hosts}
    missing = sorted(name for name, url in urls.items() if not url)
    if missing:
        yield Problem(URL, f"{len(hosts)} glance-api hosts stage locally, but {', '.join(missing)} "
                           f"{'has' if len(missing) == 1 else 'have'} no worker_self_reference_url: an import "
                           "sent to another host cannot find the staged data",
                      "set glance_worker_self_reference_url per host (e.g. http://<host address>:9292) "
                      "or put staging on shared storage and set glance_staging_shared: true", location=where)
    elif len(set(urls.values())) < len(urls):
        yield Problem(URL, "several glance-api hosts share one worker_self_reference_url, so imports are not "
                           "proxied to the host that holds the staged data",
                      "give every host its own URL in the inventory", location=where)
