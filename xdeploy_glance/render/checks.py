"""Mistakes in the merged files that every deployer lets through, reported as warnings.

- override-wrong-section: a known Glance option in a section where Glance never reads it, such
  as `allowed_ports` under [DEFAULT] (it belongs in [import_filtering_opts]), a misspelled
  section name, `[GLOBAL]` written for `[DEFAULT]`, or a store section that no enabled_backends
  entry names (under kolla, enabled_backends is kolla's: s3, file, http, cinder and rbd by their
  switches, unless an override sets it). Glance ignores it without a word.
- override-both-files: an option set in both glance-image-import.conf and glance-api.conf.
  Standalone (`render --standalone`), Glance reads glance-api.conf last, so the value in
  glance-image-import.conf never applies. Under kolla-ansible glance-image-import.conf sits in
  /etc/glance/glance.conf.d/, read after glance-api.conf, so an operator's value in the
  glance-api.conf chain never applies.
"""
from __future__ import annotations

import difflib
from typing import Iterator, Mapping

from .. import glance_options, ini
from ..findings import Finding, Location, Severity
from .overrides import API_CONF, IMPORT_CONF

WRONG_SECTION = "override-wrong-section"
BOTH_FILES = "override-both-files"
# Options of keystone_authtoken depend on the auth plugin chosen in it, so no catalogue lists them all.
_DYNAMIC_GROUPS = ("keystone_authtoken",)


def backends(api: ini.Document) -> dict[str, str]:
    """enabled_backends of a glance-api.conf as oslo.config's DictOpt reads it: id -> driver type."""
    setting = api.get(ini.DEFAULT, "enabled_backends")
    result = {}
    for pair in (setting.value.split(",") if setting else ()):
        store_id, _, kind = pair.partition(":")
        if store_id.strip():
            result[store_id.strip()] = kind.strip()
    return result


# Section names operators write for [DEFAULT] (oslo.config reads only DEFAULT, in capitals).
_DEFAULT_ALIASES = ("global",)
# kolla-ansible's glance_backends and glance_ceph_backends: store id, driver, and the switch that enables it
# (None: always on). Its template writes enabled_backends from these, in this order.
KOLLA_BACKENDS = (("s3", "s3", "glance_backend_s3"), ("file", "file", "glance_backend_file"), ("http", "http", None),
                  ("cinder", "cinder", "enable_cinder"), ("rbd", "rbd", "glance_backend_ceph"))


def kolla_backends(settings, api: ini.Document | None = None) -> dict[str, str]:
    """enabled_backends as kolla writes it for these settings (id -> driver), or as an override in `api` sets it."""
    overridden = backends(api) if api is not None else {}
    if overridden:
        return overridden
    return {store_id: kind for store_id, kind, switch in KOLLA_BACKENDS if switch is None or settings.value(switch)}


def _store_kinds(catalogue, key: str) -> list[str]:
    """The store drivers `key` is an option of. The catalogue is built without os_brick, so it lacks the
    cinder driver's options; all of them, and no other Glance option, start with cinder_."""
    kinds = sorted(kind for kind, options in catalogue.store_types.items() if key in options)
    return kinds + ["cinder"] if key.startswith("cinder_") and "cinder" not in kinds else kinds


def wrong_sections(document: ini.Document, file_name: str, stores: Mapping[str, str],
                   host: str | None, named_stores: Mapping[str, str] | None = None) -> Iterator[Finding]:
    """Options in sections where Glance never reads them.

    `stores` are the store sections the document's own enabled_backends names. `named_stores`, when
    given (under kolla: kolla_backends), are what Glance will really have in enabled_backends: a store
    section none of them names is reported once, at its first option.
    """
    catalogue = glance_options.load()
    unnamed: set[str] = set()
    for section, key, setting in document.items():
        if glance_options.normalize_group(section) in _DYNAMIC_GROUPS:
            continue
        valid_here = catalogue.options_of(section, stores)
        if valid_here is not None and key in valid_here:
            continue
        kinds = _store_kinds(catalogue, key) if valid_here is None and named_stores is not None else []
        if kinds and section not in named_stores and section not in unnamed:
            unnamed.add(section)
            listed = ", ".join(f"{store_id}:{kind}" for store_id, kind in named_stores.items()) or "empty"
            yield Finding(WRONG_SECTION, Severity.WARNING,
                          f"[{section}] in {file_name} is a store section ({key} is an option of the "
                          f"{'/'.join(kinds)} store), but no enabled_backends entry names it (enabled_backends: "
                          f"{listed}), so Glance never reads it",
                          f"name the section after an enabled store ({', '.join(named_stores) or 'none'}), or "
                          f"add {section}:<type> to enabled_backends in an override",
                          location=Location(setting.source, setting.line), host=host)
            continue
        if section in unnamed:
            continue
        elsewhere = catalogue.groups_with(key, stores)
        if not elsewhere:
            continue  # not an option Glance knows anywhere: oslo-config-validator's business, not ours
        where = ", ".join(f"[{group}]" for group in elsewhere)
        if valid_here is not None:
            message = f"{key} is not read in [{section}] of {file_name}: it is an option of {where}"
        elif section.lower() in _DEFAULT_ALIASES and ini.DEFAULT in elsewhere:
            message = (f"[{section}] is not a section Glance reads (global options go in [{ini.DEFAULT}]); "
                       f"{key} is an option of {where}")
        else:
            close = difflib.get_close_matches(section, list(catalogue.groups) + list(stores), n=1, cutoff=0.75)
            if not close or close[0] not in elsewhere:
                continue  # a section of some other library: not ours to judge
            message = f"[{section}] is not a section Glance reads; {key} is an option of {where}"
        yield Finding(WRONG_SECTION, Severity.WARNING, f"{message}, so Glance ignores it here",
                      f"move {key} to {where}", location=Location(setting.source, setting.line), host=host)


def both_files(api: ini.Document, image_import: ini.Document, host: str | None) -> Iterator[Finding]:
    in_api = {(glance_options.normalize_group(section), key): setting for section, key, setting in api.items()}
    for section, key, setting in image_import.items():
        winner = in_api.get((glance_options.normalize_group(section), key))
        if winner is None:
            continue
        yield Finding(BOTH_FILES, Severity.WARNING,
                      f"[{section}] {key} is set in {IMPORT_CONF} and in {API_CONF} ({winner.source}:{winner.line}); "
                      f"Glance reads {API_CONF} last, so the value here never applies",
                      f"set it in one file only: {IMPORT_CONF} for import options",
                      location=Location(setting.source, setting.line), host=host)


def overridden_by_import_conf(api_operator: ini.Document, image_import: ini.Document,
                              host: str | None) -> Iterator[Finding]:
    """Under kolla: operator settings of the glance-api.conf chain that glance-image-import.conf overrides."""
    in_import = {(glance_options.normalize_group(section), key): setting
                 for section, key, setting in image_import.items()}
    for section, key, setting in api_operator.items():
        winner = in_import.get((glance_options.normalize_group(section), key))
        if winner is None:
            continue
        yield Finding(BOTH_FILES, Severity.WARNING,
                      f"[{section}] {key} is also set in {IMPORT_CONF} ({winner.source}:{winner.line}), which "
                      f"kolla puts in /etc/glance/glance.conf.d/: Glance reads it after {API_CONF}, so the value "
                      "here never applies",
                      f"set it in glance/{IMPORT_CONF} instead (or through the XDeploy global)",
                      location=Location(setting.source, setting.line), host=host)
