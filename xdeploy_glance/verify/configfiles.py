"""Deployed config files: drift against render's output, and override directories Glance would read.

Glance (wsgi_app.py) loads its files with oslo.config as project `glance`, prog `glance-api`, so
oslo.config also reads every `*.conf` in a `glance.conf.d/` and a `glance-api.conf.d/` directory,
after the config files, overriding them. For each of the two names it takes the first directory
that exists in this order: ~/.glance/, ~/, /etc/glance/, /etc/ (oslo_config.cfg.find_config_dirs).
kolla maps the deployed directory ({{ node_config_directory }}/glance-api) onto the container's
/etc/glance, so the same two names next to the deployed files count too.
"""
from __future__ import annotations

import difflib
import posixpath
from dataclasses import dataclass
from typing import Iterable, Mapping

from .. import ini
from ..render.masking import mask_line

OVERRIDE_DIRECTORY_NAMES = ("glance.conf.d", "glance-api.conf.d")  # oslo.config: <project>, <prog>
OSLO_SYSTEM_DIRECTORIES = ("/etc/glance", "/etc")


def drift_diff(rendered: str, deployed: str, rendered_name: str, deployed_name: str,
               secrets: Iterable[str] = ()) -> str:
    """A unified diff from what render produces to what is deployed, with render's own secret masking."""
    lines = []
    for line in difflib.unified_diff(rendered.splitlines(keepends=True), deployed.splitlines(keepends=True),
                                     rendered_name, deployed_name):
        lines.append(mask_line(line.rstrip("\n"), secrets))
        if not line.endswith("\n"):
            lines.append("\\ No newline at end of file")
    return "\n".join(lines)


def oslo_search_directories(home: str | None) -> list[str]:
    """Where oslo.config looks for the override directories, in its order; ~ is the Glance user's home."""
    return ([posixpath.join(home, ".glance"), home] if home else []) + list(OSLO_SYSTEM_DIRECTORIES)


def override_candidates(config_directory: str, home: str | None) -> list[str]:
    """Every directory that may matter on a host, to list in one command."""
    search = oslo_search_directories(home)
    candidates = [posixpath.join(config_directory, name) for name in OVERRIDE_DIRECTORY_NAMES]
    candidates += [posixpath.join(directory, name) for name in OVERRIDE_DIRECTORY_NAMES for directory in search]
    return list(dict.fromkeys(candidates))


@dataclass(frozen=True)
class OverrideListing:
    """What a host has of the candidate directories: those that exist, and the *.conf entries in them."""

    directories: frozenset[str]
    files: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_found(cls, directories: Iterable[str], files: Iterable[str]) -> "OverrideListing":
        by_directory: dict[str, list[str]] = {}
        for path in files:
            by_directory.setdefault(posixpath.dirname(path), []).append(path)
        return cls(frozenset(directories), {d: tuple(sorted(paths)) for d, paths in by_directory.items()})


def directories_glance_reads(config_directory: str, home: str | None, listing: OverrideListing) -> list[str]:
    """The override directories that apply: both next to the deployed files, plus oslo.config's first hits."""
    read = [posixpath.join(config_directory, name) for name in OVERRIDE_DIRECTORY_NAMES]
    search = oslo_search_directories(home)
    for name in OVERRIDE_DIRECTORY_NAMES:
        first = next((posixpath.join(d, name) for d in search if posixpath.join(d, name) in listing.directories), None)
        if first:
            read.append(first)
    return [directory for directory in dict.fromkeys(read) if directory in listing.directories]


def stray_override_files(directories: Iterable[str], listing: OverrideListing) -> list[str]:
    return [path for directory in directories for path in listing.files.get(directory, ())]


# kolla's glance-api.json.j2: where kolla_set_configs puts glance-image-import.conf in the container.
IMPORT_CONF_IN_CONTAINER = "/etc/glance/glance.conf.d/glance-image-import.conf"


def effective(api: ini.Document, image_import: ini.Document | None) -> dict[tuple[str, str], str]:
    """(section, option) -> value as Glance in kolla's container reads them: glance.conf.d after glance-api.conf."""
    values = {(section, key): setting.value for section, key, setting in api.items()}
    if image_import is not None:
        values.update({(section, key): setting.value for section, key, setting in image_import.items()})
    return values


def maps_import_conf(config_json: Mapping) -> bool:
    """Whether kolla's config.json copies glance-image-import.conf to where Glance reads it last."""
    return any(entry.get("dest") == IMPORT_CONF_IN_CONTAINER and str(entry.get("source", "")).endswith(
        "/glance-image-import.conf") for entry in config_json.get("config_files", ()))
