"""Gathers, on one host, every fact the verify checks judge: one command per host instead of one per check.

This file is shipped verbatim to the hosts (xdeploy_glance.verify.facts builds the command), so it
imports only the standard library and runs on the Python 3.8 that ansible-core 2.19 still targets.
A local host seen with verify's own rights calls `gather` in process instead; both give the same facts.

The request (JSON) names what to look at; each part is optional:

    probe                  {"path", "owner", "group"[, "volumes", "container_engine", "docker_runtime_directory"]}:
                           the staging role's probe module's result for them. With "volumes" (kolla's volume list
                           of the glance_api container) "path" is the path inside the container: it is probed at
                           its host path (xdeploy_glance.volumes, with `<engine> volume inspect` when the engine is
                           installed here), and the result names both paths, as the role's probe action does
    files                  [path]: their bytes, base64, or why they cannot be read
    glance_user            the user Glance runs as (a name, or a uid as `getent passwd` takes it): its home
    override_directories   [directory]: which exist, and the *.conf files oslo.config's glob reads in them;
                           "~/..." is under glance_user's home (left out when it has none)
    leftovers              {"path", "minutes"[, "volumes", ...]}: regular files directly in path modified more
                           than minutes ago; with "volumes", path is the container path, listed at its host path
    container              {"engine", "name"}: whether the engine is installed, whether the container runs, and
                           the exit status of kolla's `kolla_set_configs --check` in it (0: it runs the files
                           config.json lists as they are on disk; 1: they changed since it started)

The volumes module (xdeploy_glance/volumes.py, standard library only too) is shipped with this file.
"""
from __future__ import annotations

import base64
import glob
import json
import os
import posixpath
import pwd
import sys
import time
import types

HOME_PREFIX = "~/"


PLACEMENT_KEYS = ("volumes", "container_engine", "docker_runtime_directory")


def gather(request, probe_module, volumes_module=None):
    """The facts `request` asks for; `probe_module` is the staging role's glance_staging_probe module,
    `volumes_module` xdeploy_glance.volumes (needed when a part carries "volumes")."""
    facts = {}
    places = _Places(volumes_module)
    probe = request.get("probe")
    if probe is not None:
        facts["probe"] = _probe(probe, probe_module, places)
    facts["files"] = {path: _read(path) for path in request.get("files", [])}
    home = None
    if request.get("glance_user") is not None:
        home = _home_of(request["glance_user"])
        facts["homes"] = {str(request["glance_user"]): home}
    facts["override_directories"] = _list_override_directories(request.get("override_directories", []), home)
    leftovers = request.get("leftovers")
    if leftovers is not None:
        facts["old_files"] = {leftovers["path"]: _leftovers(leftovers, places)}
    container = request.get("container")
    if container is not None:
        facts["container"] = _container(container["engine"], container["name"])
    return facts


def _container(engine, name):
    """What kolla's own container check (kolla_container compare_container) would see of `name`."""
    import shutil
    import subprocess

    executable = shutil.which(engine)
    if executable is None:
        return {"engine": None}
    try:
        state = subprocess.run([executable, "inspect", "--format", "{{.State.Running}}", name],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        if state.returncode != 0 or state.stdout.strip() != "true":
            return {"engine": executable, "running": False}
        check = subprocess.run([executable, "exec", name, "kolla_set_configs", "--check"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as error:
        return {"engine": executable, "error": str(error)}
    return {"engine": executable, "running": True, "check_rc": check.returncode, "output": check.stdout[-2000:]}


class _Places(object):
    """Container paths placed on this host through kolla's volumes, each looked up once per request."""

    def __init__(self, volumes_module):
        self.volumes_module = volumes_module
        self.found = {}

    def place(self, part):
        """The volumes module's Placement of part["path"]; ValueError for a volume list or engine it refuses."""
        key = json.dumps([part["path"]] + [part.get(name) for name in PLACEMENT_KEYS], sort_keys=True)
        if key not in self.found:
            volumes = self.volumes_module
            engine = part.get("container_engine") or "docker"
            self.found[key] = volumes.resolve(part["path"], part["volumes"], engine,
                                              part.get("docker_runtime_directory") or "",
                                              inspect=volumes.inspect_here(engine))
        return self.found[key]


def _probe(probe, probe_module, places):
    """The probe module's result, at the host path of a container path when the request gives the volumes."""
    if probe.get("volumes") is None:
        # the module's `type: path` option expands ~ and variables before the module sees the path
        path = os.path.expanduser(os.path.expandvars(probe["path"]))
        return probe_module.probe_result(path, probe["owner"], probe["group"])
    try:
        placement = places.place(probe)
    except ValueError as error:
        return {"failed": True, "msg": "glance_staging_probe: %s" % error}
    if placement.host_path is None:
        return dict(placement.as_dict(), failed=True, changed=False,
                    msg="Glance %s: %s" % (placement.label, placement.how))
    result = probe_module.probe_result(placement.host_path, probe["owner"], probe["group"])
    if result.get("failed"):
        return dict(result, msg="Glance %s: %s" % (placement.label, result.get("msg", "")))
    result.update(placement.as_dict())
    return result


def _leftovers(leftovers, places):
    """_old_files of the path, at its host path when the request gives the volumes (then also host_path, label)."""
    if leftovers.get("volumes") is None:
        return _old_files(leftovers["path"], leftovers["minutes"])
    try:
        placement = places.place(leftovers)
    except ValueError as error:
        return {"error": str(error)}
    if placement.host_path is None:
        return {"error": placement.how, "label": placement.label}
    return dict(_old_files(placement.host_path, leftovers["minutes"]), host_path=placement.host_path,
                label=placement.label)


def _read(path):
    try:
        with open(path, "rb") as handle:
            return {"content": base64.b64encode(handle.read()).decode("ascii")}
    except OSError as error:
        return {"error": error.strerror or str(error)}


def _home_of(user):
    """The user's home directory as `getent passwd USER` shows it (a number is a uid there), or None."""
    try:
        entry = pwd.getpwuid(int(user)) if str(user).isdigit() else pwd.getpwnam(str(user))
    except (KeyError, OverflowError):
        return None
    return entry.pw_dir if entry.pw_dir.startswith("/") else None


def _list_override_directories(directories, home):
    """Existing directories and the *.conf entries in them that oslo.config's glob would read."""
    existing, files = [], []
    for directory in directories:
        if directory.startswith(HOME_PREFIX):
            if home is None:
                continue
            directory = posixpath.join(home, directory[len(HOME_PREFIX):])
        if not os.path.isdir(directory):
            continue
        existing.append(directory)
        # glob skips names starting with a dot, as oslo.config's does; a dangling link is not read either
        files += sorted(path for path in glob.glob(os.path.join(glob.escape(directory), "*.conf"))
                        if os.path.exists(path))
    return {"directories": existing, "files": files}


def _old_files(path, minutes):
    """[name, size, mtime] of the regular files (not links) directly in path older than minutes, and now."""
    now = time.time()
    try:
        with os.scandir(path) as entries:
            found = []
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    info = entry.stat(follow_symlinks=False)
                    if now - info.st_mtime > minutes * 60:
                        found.append([entry.name, info.st_size, info.st_mtime])
    except OSError as error:
        return {"error": error.strerror or str(error)}
    return {"files": found, "now": now}


def _module_from_source(name, filename, source):
    """A module made of source, registered in sys.modules (dataclasses look their module up there)."""
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


def main(probe_source, volumes_source=None):
    """Run as a script: the request is the first argument, the facts are printed as JSON."""
    probe_module = _module_from_source("glance_staging_probe", "glance_staging_probe.py", probe_source)
    volumes_module = (_module_from_source("xdeploy_glance_volumes", "volumes.py", volumes_source)
                      if volumes_source is not None else None)
    json.dump(gather(json.loads(sys.argv[1]), probe_module, volumes_module), sys.stdout)
