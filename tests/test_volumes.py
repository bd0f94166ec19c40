"""Container path to host path (issue 12, "What to build" 1): xdeploy_glance.volumes, and the fake engine.

Where no container engine runs, the role and verify tests put `fake_engine` first on PATH: a small
`docker`/`podman` script that answers `volume inspect NAME` as the real one does. Its contract is
checked here against the JSON the engines' own documentation shows.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from xdeploy_glance import volumes

# docker volume inspect, https://docs.docker.com/reference/cli/docker/volume/inspect/ ("The output is
# in JSON format, for example:"), as documented.
DOCKER_DOCUMENTED = """[
  {
    "CreatedAt": "2020-04-19T11:00:21Z",
    "Driver": "local",
    "Labels": {},
    "Mountpoint": "/var/lib/docker/volumes/8140a838303144125b4f54653b47ede0486282c623c3551fbc7f390cdc3e9cf5/_data",
    "Name": "myvolume",
    "Options": {},
    "Scope": "local"
  }
]"""
# podman volume inspect myvol, podman-volume-inspect(1) EXAMPLES,
# https://docs.podman.io/en/latest/markdown/podman-volume-inspect.1.html, as documented.
PODMAN_DOCUMENTED = """[
     {
          "Name": "myvol",
          "Driver": "local",
          "Mountpoint": "/home/myusername/.local/share/containers/storage/volumes/myvol/_data",
          "CreatedAt": "2023-03-13T16:26:48.423069028-04:00",
          "Labels": {},
          "Scope": "local",
          "Options": {},
          "MountCount": 0,
          "NeedsCopyUp": true,
          "NeedsChown": true
     }
]"""
DOCUMENTED = {"docker": (DOCKER_DOCUMENTED, "myvolume"), "podman": (PODMAN_DOCUMENTED, "myvol")}

# The fake answers in the documented shape of its engine, with the volume's name and mount point.
_FAKE_ENTRY = {
    "docker": ('{"CreatedAt": "2020-04-19T11:00:21Z", "Driver": "local", "Labels": {}, "Mountpoint": "%s", '
               '"Name": "%s", "Options": {}, "Scope": "local"}'),
    "podman": ('{"Name": "%s", "Driver": "local", "Mountpoint": "%s", "CreatedAt": '
               '"2023-03-13T16:26:48.423069028-04:00", "Labels": {}, "Scope": "local", "Options": {}, '
               '"MountCount": 0, "NeedsCopyUp": true, "NeedsChown": true}'),
}
_FAKE_ARGS = {"docker": '"$mountpoint" "$name"', "podman": '"$name" "$mountpoint"'}
_FAKE_MISSING = {"docker": 'echo "Error response from daemon: get $name: no such volume" >&2',
                 "podman": 'echo "Error: no such volume $name" >&2'}


def fake_engine(bin_dir: Path, engine: str, existing: dict[str, Path | str]) -> Path:
    """Writes bin_dir/<engine>: `volume inspect NAME` prints the documented JSON for the volumes in
    `existing` (name -> mount point) and, for any other name, `[]` and an error with exit status 1,
    as docker and podman do. Every call is appended to bin_dir/<engine>.calls. Returns bin_dir."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    table = bin_dir / f"{engine}.volumes"
    table.write_text("".join(f"{name} {path}\n" for name, path in existing.items()))
    script = bin_dir / engine
    script.write_text(f"""#!/bin/sh
echo "$*" >> {bin_dir / (engine + '.calls')}
if [ "$1" != volume ] || [ "$2" != inspect ] || [ $# -ne 3 ]; then
    echo "fake {engine}: only 'volume inspect NAME'" >&2; exit 2
fi
name=$3
mountpoint=$(awk -v n="$name" '$1 == n {{ print $2 }}' {table})
if [ -z "$mountpoint" ]; then
    echo "[]"; {_FAKE_MISSING[engine]}; exit 1
fi
printf '[{_FAKE_ENTRY[engine]}]\\n' {_FAKE_ARGS[engine]}
""")
    script.chmod(0o755)
    return bin_dir


def shape(value):
    """Keys and JSON types, recursively: what a parser of the output relies on."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


@pytest.mark.parametrize("engine", volumes.ENGINES)
def test_the_fake_engine_answers_in_the_documented_shape(tmp_path, engine):
    documented, _ = DOCUMENTED[engine]
    bin_dir = fake_engine(tmp_path / "bin", engine, {"glance": tmp_path / "data"})

    found = subprocess.run([str(bin_dir / engine), "volume", "inspect", "glance"], capture_output=True, text=True)
    missing = subprocess.run([str(bin_dir / engine), "volume", "inspect", "other"], capture_output=True, text=True)

    assert found.returncode == 0, found.stderr
    assert shape(json.loads(found.stdout)) == shape(json.loads(documented))
    assert list(json.loads(found.stdout)[0]) == list(json.loads(documented)[0])  # same keys, same order
    assert json.loads(found.stdout)[0]["Mountpoint"] == str(tmp_path / "data")
    assert (missing.returncode, json.loads(missing.stdout)) == (1, [])
    assert "no such volume" in missing.stderr


@pytest.mark.parametrize("engine", volumes.ENGINES)
def test_the_mount_point_is_read_from_the_documented_output(engine):
    documented, name = DOCUMENTED[engine]

    assert volumes.mountpoint_from_inspect(name, documented) == json.loads(documented)[0]["Mountpoint"]
    assert volumes.mountpoint_from_inspect("glance", documented) is None  # another volume's entry never counts
    assert volumes.mountpoint_from_inspect(name, "[]") is None
    assert volumes.mountpoint_from_inspect(name, "Cannot connect to the Docker daemon") is None


@pytest.mark.parametrize("engine", volumes.ENGINES)
def test_inspect_on_this_host_runs_the_engine_found_on_path(tmp_path, monkeypatch, engine):
    bin_dir = fake_engine(tmp_path / "bin", engine, {"glance": tmp_path / "glance-data"})
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    inspect = volumes.inspect_here(engine)

    assert inspect("glance") == str(tmp_path / "glance-data")
    assert inspect("absent") is None
    assert (bin_dir / f"{engine}.calls").read_text() == "volume inspect glance\nvolume inspect absent\n"


def test_inspect_without_the_engine_installed_finds_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no docker, no podman

    assert volumes.inspect_here("podman")("glance") is None


# Resolution: kolla's list, longest container-path prefix, named volume or bind.

def test_kolla_s_default_named_volume_before_the_first_deploy():
    placement = volumes.resolve("/var/lib/glance/staging", volumes.kolla_default_volumes())

    assert placement.host_path == "/var/lib/docker/volumes/glance/_data/staging"
    assert placement.label == ("staging /var/lib/glance/staging "
                               "(host: /var/lib/docker/volumes/glance/_data/staging)")
    assert placement.volume.named and placement.volume.source == "glance"
    assert placement.how == "docker volume glance, not created yet: docker's default location"


@pytest.mark.parametrize(("engine", "runtime", "expected"), [
    ("docker", "", "/var/lib/docker/volumes/glance/_data/staging"),
    ("docker", "/data/docker", "/data/docker/volumes/glance/_data/staging"),
    ("podman", "", "/var/lib/containers/storage/volumes/glance/_data/staging"),
    # kolla's podman_volumes_path honours docker_runtime_directory too (group_vars/all/common.yml)
    ("podman", "/data/containers/", "/data/containers/storage/volumes/glance/_data/staging"),
])
def test_the_engine_s_default_location_honours_docker_runtime_directory(engine, runtime, expected):
    placement = volumes.resolve("/var/lib/glance/staging", volumes.kolla_default_volumes(), engine, runtime)

    assert placement.host_path == expected


def test_an_existing_volume_is_where_volume_inspect_says():
    asked = []

    def inspect(name):
        asked.append(name)
        return "/srv/docker-volumes/glance/_data"

    placement = volumes.resolve("/var/lib/glance/staging/", volumes.kolla_default_volumes(), inspect=inspect)

    assert asked == ["glance"]
    assert placement.host_path == "/srv/docker-volumes/glance/_data/staging"
    assert placement.how == "docker volume glance (docker volume inspect)"


def test_a_host_path_binds_directly_and_is_never_inspected():
    def inspect(name):
        raise AssertionError("a bind mount has no volume to inspect")

    placement = volumes.resolve("/var/lib/glance/staging", volumes.kolla_default_volumes("/srv/x"), inspect=inspect)

    assert placement.host_path == "/srv/x/staging"
    assert placement.label == "staging /var/lib/glance/staging (host: /srv/x/staging)"
    assert placement.how == "bind mount /srv/x:/var/lib/glance/"


def test_the_longest_container_path_prefix_wins():
    listed = volumes.kolla_default_volumes() + ["", "/mnt/nfs/staging:/var/lib/glance/staging:rw",
                                                "/mnt/other:/var/lib/glance/stag"]

    assert volumes.resolve("/var/lib/glance/staging", listed).host_path == "/mnt/nfs/staging"
    assert volumes.resolve("/var/lib/glance/staging/x", listed).host_path == "/mnt/nfs/staging/x"
    assert volumes.resolve("/var/lib/glance/stagingx", listed).host_path == \
        "/var/lib/docker/volumes/glance/_data/stagingx"
    assert volumes.resolve("/var/lib/glance/staging", listed).volume.options == "rw"


def test_a_path_under_no_volume_has_no_host_path_and_says_why():
    placement = volumes.resolve("/tmp/glance-staging", volumes.kolla_default_volumes())

    assert placement.host_path is None
    assert placement.how.startswith("/tmp/glance-staging lies under no volume of the glance_api container "
                                    "(its volumes: /dev/shm, /etc/localtime, /var/lib/glance, "
                                    "/var/lib/kolla/config_files, /var/log/kolla), so Glance would stage in the "
                                    "container's writable layer, which is lost when the container is recreated")
    assert placement.as_dict()["host_path"] is None


def test_kolla_s_default_volumes_as_its_glance_role_renders_them():
    assert volumes.kolla_default_volumes("glance", "/etc/kolla") == [
        "/etc/kolla/glance-api/:/var/lib/kolla/config_files/:ro", "/etc/localtime:/etc/localtime:ro",
        "glance:/var/lib/glance/", "kolla_logs:/var/log/kolla/", "/dev/shm:/dev/shm"]


@pytest.mark.parametrize("spec", ["glance", "glance:relative", "a:/b:ro:x", ":/var/lib/glance"])
def test_a_malformed_volume_is_refused(spec):
    with pytest.raises(ValueError, match="is not source:/destination"):
        volumes.resolve("/var/lib/glance/staging", [spec])


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="kolla_container_engine must be one of docker, podman, got 'lxc'"):
        volumes.resolve("/var/lib/glance/staging", volumes.kolla_default_volumes(), "lxc")


def test_a_read_only_volume_is_marked():
    placement = volumes.resolve("/var/lib/glance/staging", ["/srv/ro:/var/lib/glance/staging:ro"])

    assert placement.as_dict()["volume"]["read_only"] is True
