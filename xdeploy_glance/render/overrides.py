"""Operator override files, found and read the way kolla-ansible's merge_configs chain finds them.

For glance-api.conf, in order (a later file wins per key):
    <custom>/global.conf
    <custom>/glance.conf
    <custom>/glance/glance-api.conf
    <custom>/glance/<host>/glance-api.conf
For glance-image-import.conf only the last two forms apply (glance/glance-image-import.conf and
glance/<host>/glance-image-import.conf): Glance reads both files into one configuration, so a
global.conf merged into both would only set every option twice.

A missing file is skipped. A file that exists but cannot be read (permissions, a dangling
symlink, a directory, not UTF-8) raises OverrideError: an override that silently does not apply
is the failure kolla's documentation warns about. Jinja in an override can only be resolved by
Ansible: the role passes a `template` function, the CLI reports such a file as an error.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

from .. import ini
from ..findings import Finding, Location, Severity

API_CONF = "glance-api.conf"
IMPORT_CONF = "glance-image-import.conf"
FILES = (API_CONF, IMPORT_CONF)
# The plugin's own merge sources for kolla's glance role, under node_custom_config (see `integrate`).
INPUTS_DIR = "xdeploy-glance"

SYNTAX = "override-syntax"
TEMPLATED = "override-templated"

Template = Callable[[str, Path], str]  # (text, path) -> text with Jinja resolved
_JINJA = re.compile(r"{{|{%|{#")


class OverrideError(Exception):
    """An override file exists but cannot be read."""


def chain(root: Path, file_name: str, host: str | None) -> tuple[Path, ...]:
    paths = [root / "global.conf", root / "glance.conf"] if file_name == API_CONF else []
    paths.append(root / "glance" / file_name)
    if host:
        paths.append(root / "glance" / host / file_name)
    return tuple(paths)


def kolla_chain(root: Path, file_name: str, host: str | None) -> tuple[Path, ...]:
    """The operator's files kolla-ansible's glance role merges after the plugin's, in its order.

    kolla reads no per-host glance-image-import.conf: the integrated task merges the plugin's file
    and glance/glance-image-import.conf only.
    """
    if file_name == IMPORT_CONF:
        return (root / "glance" / IMPORT_CONF,)
    return chain(root, file_name, host)


def read(path: Path, template: Template | None, host: str | None) -> tuple[ini.Document | None, list[Finding]]:
    """The parsed override, or None when the file does not exist; syntax problems are findings."""
    if not os.path.lexists(path):
        return None, []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OverrideError(f"{path}: cannot read the override file: {reason}") from exc
    if template is not None:
        text = template(text, path)
    else:
        match = _JINJA.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            return None, [Finding(TEMPLATED, Severity.ERROR, "the override uses Jinja, which only the Ansible role "
                                  "can resolve", "render through the role, or write literal values here",
                                  location=Location(str(path), line, match.start() - text.rfind("\n", 0, match.start())),
                                  host=host)]
    try:
        return ini.parse(text, str(path)), []
    except ini.IniSyntaxError as exc:
        # The line itself is not shown: after kolla's Jinja it may hold a secret that no mask recognises,
        # such as `password {{ glance_keystone_password }}` without its `=` (issue 16 #2).
        return None, [Finding(SYNTAX, Severity.ERROR, f"{exc.message} (the line is not shown: it may hold a secret)",
                              "oslo.config would refuse this file; fix the line",
                              location=Location(str(path), exc.line), host=host)]
