"""Which options Glance 33 reads in which section: a catalogue generated from Glance itself.

The renderer uses it to tell an operator that an override put a known option into a section
where Glance never looks (e.g. `allowed_ports` under `[DEFAULT]` instead of
`[import_filtering_opts]`), without needing Glance installed. The catalogue is the JSON file next
to this module, generated from Glance's own option definitions; a test compares it with a fresh
one built from glance==33.0.0, so it cannot go stale unnoticed. Regenerate it with

    <python of a venv with glance==33.0.0> -m xdeploy_glance.glance_options > xdeploy_glance/glance_options.json

Groups are keyed by oslo.config's normalized name (lower case, except DEFAULT); options by the
name they take in a file. Store sections (named after enabled_backends ids, plus Glance's
os_glance_staging_store and os_glance_tasks_store) take the options of their driver type.
Importing this module needs only the standard library.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

CATALOGUE = Path(__file__).resolve().parent / "glance_options.json"

# What upstream's etc/oslo-config-generator/glance-api.conf lists, plus `glance` (the import
# options Glance also reads from glance-api.conf). os_brick is only present with the cinder store.
NAMESPACES = (
    "castellan.config", "glance.api", "glance", "glance.store", "os_brick", "glance.multi_store",
    "oslo.concurrency", "oslo.messaging", "oslo.db", "oslo.policy", "keystonemiddleware.auth_token",
    "oslo.limit", "oslo.log", "oslo.middleware.cors", "oslo.middleware.healthcheck",
    "oslo.middleware.http_proxy_to_wsgi", "oslo.reports",
)
MULTI_STORE_NAMESPACE = "glance.multi_store"
RESERVED_STORES = ("os_glance_staging_store", "os_glance_tasks_store")  # file stores Glance adds itself
_DRIVER_ALIAS = re.compile(r"^glance\.store\.(?P<module>\w+)\.Store$")


def driver_type(group_name: str) -> str:
    """The enabled_backends type of a glance.multi_store driver group ("glance.store.rbd.Store" -> "rbd")."""
    match = _DRIVER_ALIAS.match(group_name)
    driver = match["module"] if match else group_name
    return "vmware" if driver == "vmware_datastore" else driver


def normalize_group(name: str) -> str:
    """oslo.config's own normalization of section names."""
    return name if name == "DEFAULT" else name.lower()


@dataclass(frozen=True)
class Catalogue:
    glance_version: str
    groups: Mapping[str, frozenset[str]]
    store_types: Mapping[str, frozenset[str]]
    multi_store_glance_store: frozenset[str]  # what [glance_store] still means once enabled_backends is set

    def options_of(self, section: str, backends: Mapping[str, str]) -> frozenset[str] | None:
        """The options Glance reads in `section` (None: a section Glance does not know).

        `backends` maps enabled_backends ids to driver types: those sections are store sections.
        """
        group = normalize_group(section)
        if group == "glance_store" and backends:  # the single-store driver options there are ignored
            return self.multi_store_glance_store
        if group in RESERVED_STORES:
            return self.store_types.get("file", frozenset())
        if section in backends:
            return self.store_types.get(backends[section], frozenset())
        return self.groups.get(group)

    def groups_with(self, option: str, backends: Mapping[str, str]) -> list[str]:
        """The sections (by name as written) where `option` is valid, store sections included."""
        found = sorted(group for group, options in self.groups.items()
                       if option in options and not (group == "glance_store" and backends))
        found += [store_id for store_id, kind in backends.items() if option in self.store_types.get(kind, ())]
        return found


@lru_cache(maxsize=1)
def load() -> Catalogue:
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return Catalogue(data["glance_version"],
                     {group: frozenset(options) for group, options in data["groups"].items()},
                     {kind: frozenset(options) for kind, options in data["store_types"].items()},
                     frozenset(data["multi_store_glance_store"]))


def build() -> dict:
    """The catalogue of the Glance importable here (needs glance and its dependencies)."""
    from importlib.metadata import entry_points, version

    namespaces = {ep.name: ep for ep in entry_points(group="oslo.config.opts")}
    groups: dict[str, set[str]] = {}
    store_types: dict[str, set[str]] = {}
    multi_store_glance_store: set[str] = set()
    for namespace in NAMESPACES:
        if namespace not in namespaces:
            continue
        for group, opts in namespaces[namespace].load()():
            name = getattr(group, "name", group) or "DEFAULT"
            names = {opt.dest for opt in opts}
            if namespace == MULTI_STORE_NAMESPACE and name == "glance_store":
                multi_store_glance_store.update(names)
                groups.setdefault(name, set()).update(names)
            elif namespace == MULTI_STORE_NAMESPACE:
                store_types.setdefault(driver_type(name), set()).update(names)
            else:
                groups.setdefault(normalize_group(name), set()).update(names)
    return {"glance_version": version("glance"),
            "groups": {group: sorted(names) for group, names in sorted(groups.items())},
            "store_types": {kind: sorted(names) for kind, names in sorted(store_types.items())},
            "multi_store_glance_store": sorted(multi_store_glance_store)}


if __name__ == "__main__":  # pragma: no cover - run inside a venv with glance
    sys.stdout.write(json.dumps(build(), indent=1, sort_keys=True) + "\n")
