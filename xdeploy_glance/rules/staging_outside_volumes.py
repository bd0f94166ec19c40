"""The staging directory is outside every volume of kolla's glance_api container.

`glance_staging_store_uri` is a path inside the container. kolla-ansible mounts into glance_api
(`glance_api_default_volumes` plus `glance_extra_volumes`): `<glance_file_datadir_volume>:/var/lib/glance/`,
`kolla_logs:/var/log/kolla/`, the generated config directory read-only at
`/var/lib/kolla/config_files/` and `/dev/shm` (22.2.0 also `/etc/localtime`, read-only). A
staging directory under none of them (for example `/tmp/glance-staging`) still works, so imports succeed, but the
staged data sits in the container's writable layer: it fills the engine's storage and is lost
when the container is recreated (every upgrade or reconfigure that changes it). A read-only
mount cannot hold staging at all.

Keep staging under `/var/lib/glance/` (the default `/var/lib/glance/staging`), or mount a volume
at it with `glance_extra_volumes`. The volume with the longest container path that holds the
directory is the one it lives on, as the engine mounts them (`xdeploy_glance.volumes`, the matching
the role's probe and verify use too).
"""
from .. import volumes
from .base import Problem, RuleContext, Severity

ID = "staging-outside-volumes"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_staging_store_uri", "glance_file_datadir_volume", "glance_extra_volumes", "node_config_directory")


def glance_api_volumes(settings) -> list:
    """kolla's glance_api volumes (volumes.kolla_default_volumes) and glance_extra_volumes; an entry that is not
    source:/destination[:options] (an empty glance_file_datadir_volume, say) is left out: kolla's engine would
    refuse it at deploy, and the schema or another rule reports the value."""
    found = []
    specs = [*volumes.kolla_default_volumes(settings.value("glance_file_datadir_volume") or "",
                                            settings.value("node_config_directory") or "/etc/kolla"),
             *(settings.value("glance_extra_volumes") or ())]
    for spec in specs:
        try:
            volume = volumes.parse_volume(spec)
        except ValueError:
            continue
        if volume is not None:
            found.append(volume)
    return found


def check(context: RuleContext):
    path = context.settings.staging_path
    if path is None:
        return
    volume = volumes.volume_for(path, glance_api_volumes(context.settings))
    if volume is None:
        yield Problem("glance_staging_store_uri",
                      f"staging directory {path} is on no volume of the glance_api container: imports succeed, "
                      "but the staged data sits in the container's writable layer and is lost when kolla "
                      "recreates the container",
                      "stage under /var/lib/glance/ (e.g. file:///var/lib/glance/staging, on "
                      "glance_file_datadir_volume), or mount a volume there with glance_extra_volumes")
    elif volume.read_only:
        yield Problem("glance_staging_store_uri",
                      f"staging directory {path} is on the read-only volume {volume.spec} of the glance_api "
                      "container: Glance cannot write staged data there",
                      "stage under /var/lib/glance/ (e.g. file:///var/lib/glance/staging)")
