"""Gathers, on one host, every fact the verify checks judge: one command per host instead of one per check.

This file is shipped verbatim to the hosts (xdeploy_glance.verify.facts builds the command), so it
imports only the standard library and runs on the Python 3.8 that ansible-core 2.19 still targets.
A local host seen with verify's own rights calls `gather` in process instead; both give the same facts.

The request (JSON) names what to look at; each part is optional:

    probe                  {"path", "owner", "group"}: the staging role's probe module's result for them
    files                  [path]: their bytes, base64, or why they cannot be read
    glance_user            the user Glance runs as (a name, or a uid as `getent passwd` takes it): its home
    override_directories   [directory]: which exist, and the *.conf files oslo.config's glob reads in them;
                           "~/..." is under glance_user's home (left out when it has none)
    leftovers              {"path", "minutes"}: regular files directly in path modified more than minutes ago
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


def gather(request, probe_module):
    """The facts `request` asks for; `probe_module` is the staging role's glance_staging_probe module."""
    facts = {}
    probe = request.get("probe")
    if probe is not None:
        # the module's `type: path` option expands ~ and variables before the module sees the path
        path = os.path.expanduser(os.path.expandvars(probe["path"]))
        facts["probe"] = probe_module.probe_result(path, probe["owner"], probe["group"])
    facts["files"] = {path: _read(path) for path in request.get("files", [])}
    home = None
    if request.get("glance_user") is not None:
        home = _home_of(request["glance_user"])
        facts["homes"] = {str(request["glance_user"]): home}
    facts["override_directories"] = _list_override_directories(request.get("override_directories", []), home)
    leftovers = request.get("leftovers")
    if leftovers is not None:
        facts["old_files"] = {leftovers["path"]: _old_files(leftovers["path"], leftovers["minutes"])}
    return facts


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


def main(probe_source):
    """Run as a script: the request is the first argument, the facts are printed as JSON."""
    probe_module = types.ModuleType("glance_staging_probe")
    exec(compile(probe_source, "glance_staging_probe.py", "exec"), probe_module.__dict__)
    json.dump(gather(json.loads(sys.argv[1]), probe_module), sys.stdout)
