"""Several glance-api hosts run the file store, and with it staging, on a volume each host has on its own.

kolla-ansible decides where glance-api runs (`glance_api_hosts`, group_vars/all/glance.yml): with
the file store on the named volume `glance` only the first glance-api host runs it (see
glance-api-single-host), so nothing is split across hosts. With any other
`glance_file_datadir_volume` every glance-api host runs glance-api, and the file store
(`/var/lib/glance/images/`) and the staging directory (`/var/lib/glance/staging`) sit on that
volume. Unless it is one filesystem shared by every host, an image stored through one host is
missing on the others. A named volume is always local to its host.

Staging alone needs nothing more: kolla-ansible (since 18.0.0, 2024.1) writes each host's own
`worker_self_reference_url`, so Glance proxies an import to the host that staged the data. With
Ceph or S3 (no file store) there is therefore no finding.

The remedy is kolla's: mount a shared filesystem (NFS) at `glance_file_datadir_volume` on every
glance-api host and set `glance_staging_shared: true`, or store images in Ceph
(`glance_backend_ceph: yes`). The finding points at the variable that decides it.
"""
from .base import NAMED_GLANCE_VOLUME, Problem, RuleContext, Severity, deciding_location, kolla_api_hosts

ID = "multi-node-staging"
SEVERITY = Severity.WARNING
VARIABLES = ("glance_staging_shared", "glance_backend_file", "glance_backend_ceph", "glance_backend_s3",
             "glance_file_datadir_volume")

VOLUME = "glance_file_datadir_volume"


def check(context: RuleContext):
    settings = context.settings
    if not settings.value("glance_backend_file"):
        return
    hosts = kolla_api_hosts(context)
    if len(hosts) < 2 or settings.value("glance_staging_shared"):
        return
    volume = settings.value(VOLUME)
    if volume == NAMED_GLANCE_VOLUME:
        return  # kolla runs one glance-api: kolla_api_hosts gave one host
    local = "" if volume.startswith("/") else f" (a named volume, local to each host)"
    yield Problem(VOLUME, f"kolla runs glance-api on all {len(hosts)} glance-api hosts, because "
                          f"glance_file_datadir_volume is {volume!r}{local}; the file store and staging live on it, "
                          "so unless it is one filesystem shared by every host, an image stored or staged through "
                          "one host is missing on the others",
                  f"mount a shared filesystem (e.g. NFS) at {volume if local == '' else 'a host path'} on every "
                  "glance-api host, set glance_file_datadir_volume to that path and glance_staging_shared: true "
                  "(kolla's glance guide), or store images in Ceph (glance_backend_ceph: yes)",
                  location=deciding_location(context, (VOLUME, "glance_backend_file")))
