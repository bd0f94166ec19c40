"""What one host should look like: the globals merged with that host's inventory variables.

Precedence is Ansible's as kolla runs it: globals files are extra-vars (`-e @globals.yml`), so a
variable set there wins over the inventory; a variable set in neither has the schema default
(which is also the role default). Values that are Jinja expressions are only known to Ansible at
deploy time; a check that needs one fails and says so instead of comparing against a default.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any, Mapping

from .. import checker, schema, volumes
from ..capacity import StagingRequirement, required_staging_bytes
from ..checker import MergedGlobals
from ..findings import Severity
from ..loading import InputError, expand_sources
from ..settings import Settings, is_templated
from ..settings import staging_path_from_uri

NODE_CONFIG_DIRECTORY = "node_config_directory"
SERVICE_CONFIG_DIRECTORY = "glance-api"


class ExpectationError(Exception):
    """The expected state of a host cannot be known (invalid or templated values)."""


@dataclass(frozen=True)
class HostExpectations:
    host: str
    settings: Settings
    templated: Mapping[str, Any]  # variable -> the Jinja expression Ansible would resolve
    node_config_directory: str

    def value(self, name: str) -> Any:
        """The normalized value of a variable; ExpectationError when only Ansible can resolve it."""
        self._require_literal(name)
        return self.settings.value(name)

    def _require_literal(self, name: str) -> None:
        if name in self.templated:
            raise ExpectationError(f"{name} is the Jinja expression {self.templated[name]!r} for {self.host}, which "
                                   "only Ansible resolves; verify compares literal values, so set a literal value "
                                   "in the globals or the inventory")

    @property
    def staging_path(self) -> str:
        try:
            return staging_path_from_uri(self.value("glance_staging_store_uri"))
        except ValueError as error:
            raise ExpectationError(str(error)) from None

    def glance_api_volumes(self) -> list[str]:
        """kolla's volumes of the glance_api container on this host, as the staging role passes them to its probe:
        glance_api_default_volumes rebuilt from glance_file_datadir_volume and node_config_directory, then
        glance_extra_volumes (xdeploy_glance.volumes)."""
        self._require_literal(NODE_CONFIG_DIRECTORY)
        return [*volumes.kolla_default_volumes(self.value("glance_file_datadir_volume"), self.node_config_directory),
                *self.value("glance_extra_volumes")]

    @property
    def config_directory(self) -> str:
        """Where the config role deploys the rendered files: {{ node_config_directory }}/glance-api."""
        self._require_literal(NODE_CONFIG_DIRECTORY)
        return posixpath.join(self.node_config_directory, SERVICE_CONFIG_DIRECTORY)

    @property
    def staging_mode(self) -> int:
        return int(self.value("glance_staging_mode"), 8)

    def staging_requirement(self) -> StagingRequirement:
        """The same call the role's capacity filter makes, on this host's values."""
        return required_staging_bytes(
            self.value("glance_staging_max_image_size"), self.value("glance_staging_max_virtual_size"),
            self.value("glance_staging_concurrent_imports"), self.value("glance_staging_headroom_percent"),
            self.value("glance_image_import_plugins"), self.value("glance_image_conversion_output_format"))


def expectations_for(host: str, host_vars: Mapping[str, Any], globals_values: Mapping[str, Any],
                     extra_vars: Mapping[str, Any] | None = None) -> HostExpectations:
    """Merge one host's inventory variables under the globals and check them as `render` and the roles do.

    A value that holds Jinja is resolved as Ansible resolves it for the play: with the host's
    variables, the globals and `extra_vars` (-e), in Ansible's precedence. One that cannot be
    resolved with those (a kolla group_vars variable, say) stays templated, and the checks that need
    it say so.
    """
    known = schema.variables()
    extra_vars = dict(extra_vars or {})
    raw = {name: value for name, value in host_vars.items() if name in known}
    raw.update({name: value for name, value in globals_values.items() if name in known})
    raw.update({name: value for name, value in extra_vars.items() if name in known})
    if any(is_templated(value) for value in raw.values()):
        raw = _resolved(raw, {**host_vars, **globals_values, **extra_vars})
    result = checker.check_globals(MergedGlobals(raw, {}, ()))
    errors = [f"{finding.variable}: {finding.message}" if finding.variable else finding.message
              for finding in result.findings if finding.severity is Severity.ERROR]
    if errors:
        raise ExpectationError(f"invalid values for {host} (globals merged with its inventory variables): "
                               + "; ".join(errors))
    templated = {name: value for name, value in raw.items() if is_templated(value)}
    config_directory = globals_values.get(NODE_CONFIG_DIRECTORY, host_vars.get(
        NODE_CONFIG_DIRECTORY, schema.variables()[NODE_CONFIG_DIRECTORY].default))
    if is_templated(config_directory):
        templated[NODE_CONFIG_DIRECTORY] = config_directory
    elif not isinstance(config_directory, str) or not config_directory.startswith("/"):
        raise ExpectationError(f"{NODE_CONFIG_DIRECTORY} must be an absolute path for {host}, "
                               f"got {config_directory!r}")
    return HostExpectations(host, result.settings, templated, str(config_directory))


def _resolved(raw: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
    """`raw` with each Jinja value resolved by Ansible's templar over `variables`; unresolvable ones kept."""
    import json

    from ansible.errors import AnsibleError
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template

    templar = Templar(loader=DataLoader(), variables={name: trust_as_template(value) if isinstance(value, str) else value
                                                     for name, value in variables.items()})
    resolved = {}
    for name, value in raw.items():
        if not is_templated(value):
            resolved[name] = value
            continue
        try:
            text = value if isinstance(value, str) else json.dumps(value)
            resolved[name] = json.loads(json.dumps(templar.template(trust_as_template(text))))
        except (AnsibleError, TypeError, ValueError):
            resolved[name] = value  # its checks report it as a value only Ansible resolves
    return resolved


def load_globals(paths: list[str]) -> MergedGlobals:
    """The merged globals files; ExpectationError when they are missing or have errors (nothing to verify against)."""
    try:
        files = [str(path) for path in expand_sources(paths)]
    except InputError as error:
        raise ExpectationError(str(error)) from None
    if not files:
        raise ExpectationError(f"no globals files found in {', '.join(paths)}")
    result = checker.run(files)
    errors = [finding for finding in result.findings if finding.severity is Severity.ERROR]
    if errors:
        shown = "; ".join(": ".join(str(part) for part in (finding.location, finding.variable, finding.message) if part)
                          for finding in errors[:5])
        raise ExpectationError(f"the globals have {len(errors)} error(s), so there is nothing sound to verify "
                               f"against (`xdeploy-glance validate` lists them): {shown}")
    return result.merged
