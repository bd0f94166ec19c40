"""glance-api runs on fewer hosts than the inventory's glance-api group holds.

kolla-ansible runs glance-api on `glance_api_hosts` (group_vars/all/glance.yml): with the file
store (`glance_backend_file`, on unless Ceph or S3 is) on the named volume `glance`
(`glance_file_datadir_volume`'s default), that is the first glance-api host only, because a
named volume is local to its host and images stored on one would be missing on the others. The
other hosts of the group run no glance-api; HAProxy sends every image request to the one that
does, so there is no API redundancy, and a failure of that host stops the image service.

The remedy is kolla's: mount a shared filesystem (NFS) at the same host path on every glance-api
host and set `glance_file_datadir_volume` to it (and `glance_staging_shared: true`), or store
images in Ceph (`glance_backend_ceph: yes`). If one glance-api is intended, list one host in the
glance-api group.
"""
from .base import Problem, RuleContext, Severity, deciding_location, runs_on_first_host_only

ID = "glance-api-single-host"
SEVERITY = Severity.WARNING
VARIABLES = ("glance_backend_file", "glance_backend_ceph", "glance_backend_s3", "glance_file_datadir_volume")


def check(context: RuleContext):
    hosts = context.hosts or ()
    if len(hosts) < 2:
        return
    if not runs_on_first_host_only(context.settings):
        return
    reason = ("glance_backend_file is on" if context.settings["glance_backend_file"].is_set
              else "the file store is on (neither Ceph nor S3 is)")
    yield Problem("glance_file_datadir_volume",
                  f"glance-api runs on 1 of the {len(hosts)} glance-api hosts ({hosts[0].name}): {reason} and "
                  "glance_file_datadir_volume is the named volume 'glance', local to each host, so kolla's "
                  f"glance_api_hosts is the first host only; {', '.join(h.name for h in hosts[1:])} "
                  f"{'runs' if len(hosts) == 2 else 'run'} no glance-api and the image API has no redundancy",
                  "mount a shared filesystem (e.g. NFS) at one host path on every glance-api host and set "
                  "glance_file_datadir_volume to it (and glance_staging_shared: true), or store images in Ceph "
                  "(glance_backend_ceph: yes); if one glance-api is intended, list one host in the glance-api group",
                  location=deciding_location(context, ("glance_file_datadir_volume", "glance_backend_file")))
