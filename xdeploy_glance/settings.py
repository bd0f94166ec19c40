"""Normalized, read-only view of the globals: what Glance will be configured with.

Raw globals accept kolla's spellings (CSV strings or lists, "yes"/"no", "20GiB"); rules and
templates only ever see the normalized value, so each spelling is handled in exactly one place.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from . import schema
from .findings import Location
from .loading import UnsafeText, VaultedText
from .units import parse_size

# Jinja's expression, statement and comment delimiters: any of them makes Ansible template the value.
JINJA_OPENINGS = ("{{", "{%", "{#")
# What Ansible's `bool` filter reads as true (ansible.module_utils.parsing.convert_bool.BOOLEANS_TRUE);
# which words are accepted at all is the schema's kolla-boolean definition.
_ANSIBLE_TRUE = frozenset({"y", "yes", "on", "1", "true", "t"})


def is_templated(value: Any) -> bool:
    """True when only Ansible knows the value: Jinja it resolves at deploy time, or a `!vault` value it decrypts.

    A `!unsafe` string is never templated, whatever it holds.
    """
    if isinstance(value, VaultedText):
        return True
    if isinstance(value, UnsafeText):
        return False
    if isinstance(value, str):
        return any(opening in value for opening in JINJA_OPENINGS)
    if isinstance(value, dict):
        return any(is_templated(k) or is_templated(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(is_templated(item) for item in value)
    return False


class StagingUriError(ValueError):
    """glance_staging_store_uri is not file:///absolute/path; `hint` says how to write it."""

    def __init__(self, message: str, hint: str):
        super().__init__(f"glance_staging_store_uri must be file:///absolute/path: {message}")
        self.problem = message
        self.hint = hint


def staging_path_from_uri(uri: str) -> str:
    """The directory of a file:///absolute/path URI; anything else is a StagingUriError."""
    uri = str(uri)
    try:
        parts = urlsplit(uri)
    except ValueError as error:  # e.g. an unclosed IPv6 bracket
        raise StagingUriError(f"{uri!r} is not a URI ({error})", "write file:///absolute/path") from None
    if parts.scheme != "file":
        raise StagingUriError(f"{uri!r} does not start with file://; Glance stages only on a local path",
                              "write file:///absolute/path, e.g. file:///var/lib/glance/staging")
    if parts.netloc:
        raise StagingUriError(f"{uri!r} names a host {parts.netloc!r}: with two slashes after file: the first path "
                              "segment is read as a host name", f"use three slashes: file:///{parts.netloc}{parts.path}")
    if not parts.path.startswith("/"):
        raise StagingUriError(f"{uri!r} has no absolute path", "write file:///absolute/path")
    if ".." in parts.path.split("/"):
        raise StagingUriError(f"{uri!r} contains '..'", "write the path without '..' segments")
    if parts.query or parts.fragment:
        raise StagingUriError(f"{uri!r} has a query or fragment, which would become part of the directory name",
                              "remove everything from '?' or '#'")
    if "$" in parts.path:  # issue 16 #5: the role's file module would expand it, Glance would not
        raise StagingUriError(f"{uri!r} holds '$': Ansible's file module expands it from the environment, but "
                              "Glance takes it literally, so the two would use different directories",
                              "write the path without '$', e.g. file:///var/lib/glance/staging")
    return posixpath.normpath("/" + parts.path.lstrip("/"))  # normpath keeps a leading "//" (POSIX allows it)


def to_list(value: Any) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(item.strip() if isinstance(item, str) else item for item in value)


def to_bool(value: Any) -> bool:
    """Ansible's `| bool` of a kolla boolean: kolla writes "yes"/"no" as often as true/false."""
    if isinstance(value, bool):
        return value
    if value in _kolla_boolean_words():
        return value.lower() in _ANSIBLE_TRUE
    raise ValueError(f"{value!r} is not a boolean")


@lru_cache(maxsize=1)
def _kolla_boolean_words() -> frozenset[str]:
    return frozenset(word for sub in schema.definition("kolla-boolean")["anyOf"] for word in sub.get("enum", ()))


def _normalize(spec: schema.VariableSpec, raw: Any) -> Any:
    if raw is None:
        return None
    if spec.kind == "list":
        items = to_list(raw)
        return tuple(int(i) for i in items) if spec.item == "port" and all(str(i).isdigit() for i in items) else items
    if spec.kind == "bool":
        return to_bool(raw)
    if spec.kind == "size":
        return parse_size(raw)
    if spec.kind == "mapping":
        return MappingProxyType({str(k): ("" if v is None else str(v)) for k, v in raw.items()})
    if spec.kind == "integer":
        return int(raw)
    return str(raw)


@dataclass(frozen=True)
class Variable:
    name: str
    value: Any
    raw: Any
    location: Location | None  # the key in the file that set it; None for a default or a value without a file
    is_set: bool  # given by the globals or the host, not the schema default (Ansible's values have no location)


class Settings(Mapping[str, Variable]):
    """Every schema variable, normalized, with where it was set. Read-only."""

    def __init__(self, variables: Mapping[str, Variable]):
        self._variables = MappingProxyType(dict(variables))

    @classmethod
    def build(cls, raw_values: Mapping[str, Any], locations: Mapping[str, Location],
              skip: Iterable[str] = ()) -> "Settings":
        """Normalize raw values over the schema defaults; names in `skip` (invalid or templated) keep the default."""
        skipped = set(skip)
        variables = {}
        for name, spec in schema.variables().items():
            is_set = name in raw_values and name not in skipped
            raw, location = (raw_values[name], locations.get(name)) if is_set else (spec.default, None)
            variables[name] = Variable(name, _normalize(spec, raw), raw, location, is_set)
        settings = cls(variables)
        return settings._with_derived()

    def with_values(self, raw_values: Mapping[str, Any], locations: Mapping[str, Location],
                    skip: Iterable[str] = ()) -> "Settings":
        """These settings with `raw_values` normalized over them, as build() over all the values would give.

        Only the given variables are normalized again: a host that sets one variable of its own costs
        one normalization, not one per schema variable.
        """
        skipped = set(skip)
        specs = schema.variables()
        variables = dict(self._variables)
        for name, raw in raw_values.items():
            is_set = name not in skipped
            raw, location = (raw, locations.get(name)) if is_set else (specs[name].default, None)
            variables[name] = Variable(name, _normalize(specs[name], raw), raw, location, is_set)
        return Settings(variables)._with_derived()

    def _with_derived(self) -> "Settings":
        """Settings whose glance_backend_file, when no value gave it, follows the other backends (again)."""
        file_store = self._variables["glance_backend_file"]
        if file_store.raw is None:  # kolla: the file store is on unless ceph or s3 is
            derived = not (self.value("glance_backend_ceph") or self.value("glance_backend_s3"))
            variables = dict(self._variables)
            variables["glance_backend_file"] = Variable("glance_backend_file", derived, None, None, False)
            return Settings(variables)
        return self

    def value(self, name: str) -> Any:
        return self._variables[name].value

    def location(self, name: str) -> Location | None:
        return self._variables[name].location

    def __getitem__(self, name: str) -> Variable:
        return self._variables[name]

    def __iter__(self):
        return iter(self._variables)

    def __len__(self) -> int:
        return len(self._variables)

    # Facts derived from several variables, shared by rules and templates.

    @property
    def staging_path(self) -> str | None:
        """The staging directory when the URI has the file:///absolute/path form, else None."""
        try:
            return staging_path_from_uri(self.value("glance_staging_store_uri"))
        except ValueError:
            return None

    @property
    def stores(self) -> tuple["Store", ...]:
        """Every enabled store, in the order kolla-ansible writes enabled_backends (extra file stores after file)."""
        stores = []
        if self.value("glance_backend_s3"):
            stores.append(Store("s3", "s3"))
        if self.value("glance_backend_file"):
            stores.append(Store("file", "file", self.value("glance_file_datadir")))
        for store_id, datadir in (self.value("glance_extra_file_stores") or {}).items():
            stores.append(Store(store_id, "file", datadir))
        for variable, store_id in (("glance_backend_http", "http"), ("glance_backend_vmware", "vmware"),
                                   ("glance_backend_swift", "swift"), ("glance_backend_ceph", "rbd")):
            if self.value(variable):
                stores.append(Store(store_id, store_id))
        return tuple(stores)

    @property
    def writable_stores(self) -> tuple[str, ...]:
        """Ids of the stores images can be written to; the http store is read-only and not listed."""
        return tuple(store.id for store in self.stores if store.type != "http")

    @property
    def default_backend(self) -> str | None:
        """glance_default_backend, else kolla-ansible's choice among the enabled writable stores."""
        chosen = self.value("glance_default_backend")
        if chosen:
            return chosen
        writable = self.writable_stores
        for store_id in ("vmware", "rbd", "swift", "s3", "file"):
            if store_id in writable:
                return store_id
        return writable[0] if writable else None


@dataclass(frozen=True)
class Store:
    """One entry of enabled_backends: its id (also its section name), its driver, and a file store's directory."""

    id: str
    type: str
    datadir: str | None = None
