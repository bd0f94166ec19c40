"""The facts the checks judge, gathered for every host at once: one command per host, all hosts concurrently.

Each host runs xdeploy_glance.verify.remote_facts (with the staging role's probe module inside it)
through testinfra's own backend for that host, so ssh options, user, port, key and become stay
testinfra's; a local host seen with this process's rights is looked at in process. A check then
reads its figures from the HostFacts of its host instead of running commands of its own.
"""
from __future__ import annotations

import base64
import functools
import importlib.util
import json
import posixpath
import shlex
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping, Sequence

from .. import volumes
from ..settings import is_templated
from . import remote_facts
from .configfiles import OverrideListing, override_candidates
from .expected import ExpectationError, HostExpectations
from .leftovers import Leftover, image_leftovers

PROBE_MODULE = "glance_staging_probe"
SSH_ERROR = 255  # ssh's exit status when it could not run the command at all
HOME = remote_facts.HOME_PREFIX.rstrip("/")  # stands for the Glance user's home, which only the host knows


class FactsUnavailable(Exception):
    """The facts of a host could not be gathered; the message names the host and says why."""


@dataclass(frozen=True)
class FileRead:
    content: bytes | None
    error: str | None  # why it could not be read, e.g. "No such file or directory"


@dataclass(frozen=True)
class OldFiles:
    leftovers: list[Leftover]  # image files only
    now: float  # the host's clock, for the files' ages
    error: str | None  # why the directory could not be listed
    label: str | None = None  # "staging <container path> (host: <host path>)" when listed through the volumes


@dataclass(frozen=True)
class HostFacts:
    """What remote_facts.gather found on one host, by what was asked (a part the request left out is empty)."""

    probe: Mapping[str, Any] | None
    files: Mapping[str, FileRead]  # by path
    homes: Mapping[str, str | None]  # the Glance user (str) -> its home directory
    overrides: OverrideListing
    old_files: Mapping[str, OldFiles]  # by directory
    container: Mapping[str, Any] | None = None  # glance_api as the engine sees it (remote_facts._container)

    @classmethod
    def from_gathered(cls, gathered: Mapping[str, Any]) -> "HostFacts":
        files = {path: FileRead(base64.b64decode(read["content"]) if "content" in read else None, read.get("error"))
                 for path, read in gathered["files"].items()}
        listed = gathered["override_directories"]
        old_files = {path: OldFiles(image_leftovers(old.get("files", [])), old.get("now", 0.0), old.get("error"),
                                    old.get("label"))
                     for path, old in gathered.get("old_files", {}).items()}
        return cls(gathered.get("probe"), files, gathered.get("homes", {}),
                   OverrideListing.from_found(listed["directories"], listed["files"]), old_files,
                   gathered.get("container"))


GLANCE_API_CONTAINER = "glance_api"  # kolla's glance_services['glance-api'].container_name


def request_for(expected: HostExpectations, config_files: Sequence[str], leftover_minutes: int | None) -> dict:
    """What to gather on a host. A part whose expectation is unknowable is left out: its checks say why."""
    request: dict[str, Any] = {}
    with suppress(ExpectationError):
        request["probe"] = probe_arguments(expected)
    with suppress(ExpectationError):
        request["files"] = [posixpath.join(expected.config_directory, name) for name in config_files]
    with suppress(ExpectationError):
        request["override_directories"] = override_candidates(expected.config_directory, HOME)
        request["glance_user"] = str(expected.value("glance_staging_owner"))
    with suppress(ExpectationError):
        request["container"] = {"engine": expected.value("kolla_container_engine"), "name": GLANCE_API_CONTAINER}
    if leftover_minutes is not None:
        with suppress(ExpectationError):
            request["leftovers"] = {"path": expected.staging_path, "minutes": leftover_minutes,
                                    **placement_arguments(expected)}
    return request


def probe_arguments(expected: HostExpectations) -> dict:
    """The probe's arguments for this host, as the staging role passes them to its probe action: the staging
    path inside the glance_api container and kolla's volumes, which place it on the host."""
    return {"path": expected.staging_path, "owner": expected.value("glance_staging_owner"),
            "group": expected.value("glance_staging_group"), **placement_arguments(expected)}


def placement_arguments(expected: HostExpectations) -> dict:
    """What places a container path on the host (xdeploy_glance.volumes.resolve): the glance_api volumes,
    the container engine and docker_runtime_directory."""
    return {"volumes": expected.glance_api_volumes(), "container_engine": expected.value("kolla_container_engine"),
            "docker_runtime_directory": expected.value("docker_runtime_directory")}


@dataclass(frozen=True)
class Target:
    """One host to gather from: in process, or through its testinfra host with this interpreter."""

    name: str
    request: dict
    run: Callable[..., Any] | None  # testinfra's host.run; None: this machine, in process
    interpreter: tuple[str, ...]
    connection: str | None = None  # the host's ansible_connection, where the inventory sets one


def gather_all(targets: Sequence[Target], workers: int) -> dict[str, HostFacts | FactsUnavailable]:
    """Every target's facts, or why they are unavailable, gathered `workers` hosts at a time."""
    if not targets:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(targets)))) as pool:
        results = pool.map(_gather_one, targets)
        return {target.name: result for target, result in zip(targets, results)}


# Connections over which a POSIX shell runs the facts script (ansible's ssh, paramiko and local plugins).
SUPPORTED_CONNECTIONS = ("ssh", "smart", "paramiko", "paramiko_ssh", "local")


def _gather_one(target: Target) -> HostFacts | FactsUnavailable:
    connection = (target.connection or "").rsplit(".", 1)[-1]  # ansible.builtin.ssh -> ssh
    if connection and connection not in SUPPORTED_CONNECTIONS:
        return FactsUnavailable(f"cannot check {target.name}: ansible_connection={target.connection} is not "
                                "supported: verify runs a Python 3 script in a POSIX shell on each host, over a "
                                f"{', '.join(SUPPORTED_CONNECTIONS)} connection")
    try:
        gathered = (remote_facts.gather(target.request, probe_module(), volumes) if target.run is None
                    else _gather_remote(target))
        return HostFacts.from_gathered(gathered)
    except FactsUnavailable as error:
        return error
    except Exception as error:  # a bug must not hide the other hosts' results; every check of this host shows it
        return FactsUnavailable(f"cannot check {target.name}: gathering its facts failed: "
                                f"{type(error).__name__}: {error}")


def _gather_remote(target: Target) -> dict:
    argv = [*target.interpreter, "-c", script(), json.dumps(target.request)]
    try:  # json.dumps writes ASCII: testinfra then never runs a command to learn the host's encoding
        result = target.run(" ".join(["%s"] * len(argv)), *argv)
    except RuntimeError as error:  # testinfra's ssh backend raises the CommandResult when ssh itself failed
        reason = unreachable_reason(error)
        if reason is None:
            raise
        raise FactsUnavailable(f"cannot reach {target.name}: {reason}") from None
    interpreter = " ".join(target.interpreter)
    if result.rc != 0:
        lines = [line for line in _text(result.stderr_bytes).splitlines() if line.strip()]
        detail = lines[-1].strip() if lines else "no error output"  # a traceback ends with the exception
        raise FactsUnavailable(f"cannot check {target.name}: its facts script failed ({interpreter} exited with "
                               f"{result.rc}): {detail}")
    try:
        return json.loads(result.stdout_bytes)
    except ValueError:
        raise FactsUnavailable(f"cannot check {target.name}: its facts script ({interpreter}) printed no JSON: "
                               f"{_text(result.stdout_bytes).strip()[:200]!r}") from None


def _text(output: bytes) -> str:
    return output.decode("utf-8", errors="replace")


def unreachable_reason(error: BaseException) -> str | None:
    """ssh's reason when testinfra could not reach the host at all (it raises the CommandResult); else None."""
    result = error.args[0] if error.args else None
    return _text(result.stderr_bytes).strip() if getattr(result, "rc", None) == SSH_ERROR else None


def interpreter_for(host_vars: Mapping[str, Any]) -> tuple[str, ...]:
    """The host's ansible_python_interpreter unless Ansible would discover it (auto*); else python3.

    A local host without one gets this Python: on a pyenv machine `python3` may be a broken shim.
    """
    value = host_vars.get("ansible_python_interpreter")
    if isinstance(value, str) and value.strip() and not value.startswith("auto") and not is_templated(value):
        return tuple(shlex.split(value))
    return (sys.executable,) if host_vars.get("ansible_connection") == "local" else ("python3",)


def probe_path() -> Path:
    """The staging probe of the xdeploy.glance collection (module_utils), which its module also runs."""
    from ..resources import data_dir

    return (data_dir("collections") / "ansible_collections" / "xdeploy" / "glance" / "plugins" / "module_utils"
            / "staging_probe.py")


@functools.lru_cache(maxsize=None)
def probe_module() -> ModuleType:
    """The collection's staging probe, imported from its file (its probe_result is the one source)."""
    spec = importlib.util.spec_from_file_location(f"_xdeploy_glance_{PROBE_MODULE}", probe_path())
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=None)
def script() -> str:
    """A `python -c` program: remote_facts with the sources of the probe module and of xdeploy_glance.volumes
    inside (both standard library only), compressed to stay short."""
    source = (Path(remote_facts.__file__).read_text(encoding="utf-8")
              + f"\n\nmain({probe_path().read_text(encoding='utf-8')!r}, "
                f"{Path(volumes.__file__).read_text(encoding='utf-8')!r})\n")
    payload = base64.b64encode(zlib.compress(source.encode("utf-8"), 9)).decode("ascii")
    return f"import base64,zlib;exec(zlib.decompress(base64.b64decode('{payload}')))"
