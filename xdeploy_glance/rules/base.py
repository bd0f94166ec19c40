"""What a rule module receives and the helpers rules share.

A rule module has a docstring (its documentation, shown by `xdeploy-glance explain ID`),
`ID`, `SEVERITY`, `VARIABLES` (the variables it reads; the rule is skipped when one of them is
invalid or only known at deploy time) and `check(context)` yielding `Problem`s. The checker turns
a problem into a `Finding` with the module's id and severity and the variable's location, so a
rule cannot mislabel what it reports. Rules read the context and never change it.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from ..findings import Location, Severity
from ..settings import Settings


@dataclass(frozen=True)
class HostVars:
    """One host of the inventory's glance-api group and the glance_* variables it sets itself."""

    name: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    # where the inventory sets each of `variables` (file and line, where Ansible's inventory gives one)
    locations: Mapping[str, Location] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleContext:
    settings: Settings
    raw_names: Mapping[str, Location] = field(default_factory=lambda: MappingProxyType({}))
    hosts: tuple[HostVars, ...] | None = None  # None without an inventory
    inventory: str | None = None

    def locate(self, variable: str | None) -> Location | None:
        if variable in self.settings:
            return self.settings.location(variable)
        return self.raw_names.get(variable)


@dataclass(frozen=True)
class Problem:
    """What a rule found: the variable it is about, what is wrong, and how to fix it."""

    variable: str | None
    message: str
    hint: str
    host: str | None = None
    location: Location | None = None  # where to point instead of the variable (e.g. the inventory)


def unknown_choices(context: "RuleContext", name: str):
    """(item, '; did you mean X?' or '', choices) for each item of list variable `name` that the schema's
    x-choices do not know."""
    from .. import schema

    choices = schema.variables()[name].choices
    for item in context.settings.value(name):
        if item not in choices:
            yield item, schema.did_you_mean(str(item), choices), choices


# kolla-ansible's glance_file_datadir_volume default: a named volume, local to each host.
NAMED_GLANCE_VOLUME = "glance"


def kolla_api_hosts(context: "RuleContext") -> tuple[HostVars, ...]:
    """The glance-api hosts on which kolla runs glance-api (kolla's glance_api_hosts, group_vars/all/glance.yml):
    only the first with the file store on the named volume `glance`, else all of them."""
    hosts = context.hosts or ()
    if runs_on_first_host_only(context.settings):
        return hosts[:1]
    return hosts


def runs_on_first_host_only(settings: Settings) -> bool:
    """kolla's condition for glance_api_hosts = [first glance-api host]."""
    return bool(settings.value("glance_backend_file")) and settings.value("glance_file_datadir_volume") == NAMED_GLANCE_VOLUME


def deciding_location(context: "RuleContext", names) -> Location | None:
    """The location of the first of `names` the operator set, else the inventory's."""
    for name in names:
        location = context.locate(name)
        if location is not None:
            return location
    return Location(context.inventory) if context.inventory else None


def is_within(path: str, other: str) -> bool:
    """True when `path` equals `other` or lies below it (both absolute, normalized)."""
    path, other = posixpath.normpath(path), posixpath.normpath(other)
    return path == other or path.startswith(other.rstrip("/") + "/")


__all__ = ["RuleContext", "HostVars", "Problem", "Severity", "deciding_location", "is_within", "kolla_api_hosts",
           "runs_on_first_host_only", "unknown_choices"]
