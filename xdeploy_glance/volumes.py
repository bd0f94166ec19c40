"""Where a path inside kolla's glance_api container lives on the host: the one place that knows.

Glance reads `glance_staging_store_uri` inside the container. kolla mounts `glance_api_default_volumes
+ glance_api_extra_volumes` into it ("source:destination[:options]" strings, empty ones skipped,
as kolla's container workers parse them): a source starting with "/" is a bind mount of that host
directory, any other source is a named volume of the container engine. The volume whose destination
is the longest prefix of the path holds it.

A named volume's directory on the host is what `<engine> volume inspect <name>` reports as its
Mountpoint once it exists; before kolla's first deploy creates it, it is the engine's default
location, as kolla's group_vars/all/common.yml computes it (docker_volumes_path, podman_volumes_path):
`{{ docker_runtime_directory or '/var/lib/docker' }}/volumes/<name>/_data` for docker and
`{{ docker_runtime_directory or '/var/lib/containers' }}/storage/volumes/<name>/_data` for podman.

Standard library only, and Python 3.8 like remote_facts: `xdeploy-glance verify` ships this file to
the hosts, the role's probe action imports it on the controller, so both resolve a path alike.
"""
from __future__ import annotations

import json
import posixpath
import shlex
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable, Optional

ENGINES = ("docker", "podman")
# kolla's glance_file_datadir_volume default, and where glance_api_default_volumes mounts it.
GLANCE_DATA_VOLUME = "glance"
GLANCE_DATA_TARGET = "/var/lib/glance/"
CONTAINER_CONFIG_DIRECTORY = "/var/lib/kolla/config_files"  # kolla's container_config_directory
INSPECT_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Volume:
    """One entry of kolla's volume list."""

    spec: str  # as kolla wrote it
    source: str  # a host directory (bind) or a volume name
    target: str  # the path in the container, normalized
    options: str  # "ro", "rw", "shared" or ""

    @property
    def named(self) -> bool:
        return not self.source.startswith("/")

    @property
    def read_only(self) -> bool:
        return "ro" in self.options.split(",")


@dataclass(frozen=True)
class Placement:
    """Where a container path is on the host, or why it is nowhere (host_path None)."""

    container_path: str
    host_path: Optional[str]
    volume: Optional[Volume]
    how: str  # how host_path was found, or why there is none

    @property
    def label(self) -> str:
        """'staging /var/lib/glance/staging (host: /var/lib/docker/volumes/glance/_data/staging)'."""
        if self.host_path is None:
            return "staging %s (on no volume of glance_api)" % self.container_path
        return "staging %s (host: %s)" % (self.container_path, self.host_path)

    def as_dict(self) -> dict:
        """What the probe's result carries besides its figures (JSON-friendly)."""
        return {
            "container_path": self.container_path,
            "host_path": self.host_path,
            "staging_label": self.label,
            "volume": dict(asdict(self.volume), named=self.volume.named, read_only=self.volume.read_only)
            if self.volume else None,
            "placement": self.how,
        }


def kolla_default_volumes(glance_file_datadir_volume: str = GLANCE_DATA_VOLUME,
                          node_config_directory: str = "/etc/kolla") -> list:
    """glance_api_default_volumes as kolla's glance role renders it (roles/glance/defaults/main.yml).

    That list is a default of kolla's glance role, so a play of its own (the plugin's) never sees it;
    this rebuilds it from variables every play of site.yml sees (group_vars/all). The entries that
    depend on the glance role's own variables are left out: the dev-mode source tree
    (/dev-mode/glance) and, with Cinder iSCSI, iscsi_info:/etc/iscsi and /dev:/dev; staging has no
    place in any of them. 22.2.0 also mounts /etc/localtime read-only.
    """
    return [
        "%s/glance-api/:%s/:ro" % (node_config_directory.rstrip("/"), CONTAINER_CONFIG_DIRECTORY),
        "/etc/localtime:/etc/localtime:ro",
        "%s:%s" % (glance_file_datadir_volume, GLANCE_DATA_TARGET),
        "kolla_logs:/var/log/kolla/",
        "/dev/shm:/dev/shm",
    ]


def parse_volume(spec: Any) -> Optional[Volume]:
    """One "source:destination[:options]" entry; None for an empty one (kolla skips those)."""
    if spec is None or not str(spec).strip():
        return None
    text = str(spec).strip()
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0] or not parts[1].startswith("/"):
        raise ValueError("kolla volume %r is not source:/destination[:options]" % text)
    return Volume(text, parts[0], _normalize(parts[1]), parts[2] if len(parts) == 3 else "")


def parse_volumes(specs: Iterable[Any]) -> list:
    if isinstance(specs, str):
        raise ValueError("the volume list must be a list of source:destination[:options] strings, got the "
                         "string %r" % specs)
    return [volume for volume in (parse_volume(spec) for spec in specs or ()) if volume is not None]


def _normalize(path: str) -> str:
    path = posixpath.normpath(path)
    return "/" + path.lstrip("/") if path.startswith("//") else path


def _under(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def volume_for(container_path: str, volumes: Iterable[Volume]) -> Optional[Volume]:
    """The volume holding the path: the longest destination prefix; of two on one destination, the later."""
    best = None
    for volume in volumes:
        if _under(container_path, volume.target) and (best is None or len(volume.target) >= len(best.target)):
            best = volume
    return best


def default_mountpoint(name: str, engine: str, docker_runtime_directory: Optional[str] = "") -> str:
    """Where the engine puts a named volume's data, as kolla's docker_volumes_path/podman_volumes_path say."""
    _check_engine(engine)
    if engine == "docker":
        return "%s/volumes/%s/_data" % ((docker_runtime_directory or "/var/lib/docker").rstrip("/"), name)
    return "%s/storage/volumes/%s/_data" % ((docker_runtime_directory or "/var/lib/containers").rstrip("/"), name)


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError("kolla_container_engine must be one of %s, got %r" % (", ".join(ENGINES), engine))


def inspect_shell_command(engine: str, name: str) -> str:
    """The host command that prints `<engine> volume inspect <name>`; exit 127 when the engine is not installed."""
    _check_engine(engine)
    return "command -v %s >/dev/null 2>&1 || exit 127; exec %s volume inspect %s" % (
        engine, engine, shlex.quote(name))


def mountpoint_from_inspect(name: str, output: Any) -> Optional[str]:
    """The Mountpoint of volume `name` in `volume inspect` output (a JSON array, docker's and podman's shape).

    Only the entry whose Name is `name` counts: podman also accepts a unique partial name.
    """
    try:
        entries = json.loads(output)
    except (TypeError, ValueError):
        return None
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and entry.get("Name") == name:
            mountpoint = entry.get("Mountpoint")
            if isinstance(mountpoint, str) and mountpoint.startswith("/"):
                return _normalize(mountpoint)
    return None


def inspect_here(engine: str) -> Callable[[str], Optional[str]]:
    """`volume inspect` on this machine (verify's facts script runs it on each host)."""
    import subprocess  # here, not at the top: the validator imports this module and must start fast

    def inspect(name: str) -> Optional[str]:
        try:
            completed = subprocess.run(["/bin/sh", "-c", inspect_shell_command(engine, name)],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       timeout=INSPECT_TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return mountpoint_from_inspect(name, completed.stdout) if completed.returncode == 0 else None
    return inspect


def resolve(container_path: str, volumes: Iterable[Any], engine: str = "docker",
            docker_runtime_directory: Optional[str] = "",
            inspect: Optional[Callable[[str], Optional[str]]] = None) -> Placement:
    """The host path of `container_path` in the glance_api container with these volumes.

    `volumes` are kolla's strings (or Volume); `inspect(name)` returns the Mountpoint of an existing
    named volume on the host, or None (then the engine's default location is used).
    """
    if not isinstance(container_path, str) or not container_path.startswith("/"):
        raise ValueError("the container path must be absolute, got %r" % (container_path,))
    _check_engine(engine)
    path = _normalize(container_path)
    parsed = [volume if isinstance(volume, Volume) else parse_volume(volume) for volume in volumes or ()]
    parsed = [volume for volume in parsed if volume is not None]
    volume = volume_for(path, parsed)
    if volume is None:
        targets = ", ".join(sorted({v.target for v in parsed})) or "none"
        return Placement(path, None, None,
                         "%s lies under no volume of the glance_api container (its volumes: %s), so Glance would "
                         "stage in the container's writable layer, which is lost when the container is recreated; "
                         "put staging under /var/lib/glance/ (glance_file_datadir_volume) or mount a volume there "
                         "with glance_extra_volumes" % (path, targets))
    relative = posixpath.relpath(path, volume.target)
    if not volume.named:
        base, how = volume.source, "bind mount %s" % volume.spec
    else:
        found = inspect(volume.source) if inspect is not None else None
        if found:
            base, how = found, "%s volume %s (%s volume inspect)" % (engine, volume.source, engine)
        else:
            base = default_mountpoint(volume.source, engine, docker_runtime_directory)
            how = "%s volume %s, not created yet: %s's default location" % (engine, volume.source, engine)
    host = _normalize(base if relative == "." else posixpath.join(base, relative))
    return Placement(path, host, volume, how)
