"""What the checks compare the hosts with: globals, secrets, overrides, the leftovers age.

`xdeploy-glance verify` loads them before pytest starts (while reconfigure's play still runs) and
hands them to the plugin as a VerifyInputs plugin object; a plain pytest run loads them from the
plugin's --glance-* options. Loading errors are ValueError with the message to show.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pytest

STASH_KEY = pytest.StashKey["VerifyInputs"]()


@dataclass(frozen=True)
class VerifyInputs:
    merged_globals: Any  # xdeploy_glance.checker.MergedGlobals
    secrets: Mapping[str, Any]  # kolla passwords.yml names -> values, for render
    overrides_dir: Path | None  # kolla's node_custom_config, for render
    leftover_age: tuple[int, str] | None  # (minutes, as the user wrote it); None: that check does not run
    extra_vars: Mapping[str, Any] = field(default_factory=dict)  # -e, as ansible-playbook takes them

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        """Registered as a plugin (pytest.main(plugins=[inputs])), it hands itself to the Glance plugin."""
        config.stash[STASH_KEY] = self


def load_globals(paths: list[str]):
    from .expected import ExpectationError, load_globals as load

    try:
        return load(paths)
    except ExpectationError as error:
        raise ValueError(str(error)) from None


def load_secrets(path: str | None, globals_values: Mapping[str, Any]) -> dict:
    from ..findings import Severity
    from ..loading import InputError
    from ..render import passwords

    try:
        secrets, findings = passwords.load(path, globals_values)
    except InputError as error:
        raise ValueError(str(error)) from None
    errors = [finding.message for finding in findings if finding.severity is Severity.ERROR]
    if errors:
        raise ValueError(f"{path}: {'; '.join(errors)}")
    return secrets


def overrides_dir(directory: str | None) -> Path | None:
    if directory is None:
        return None
    if not Path(directory).is_dir():
        raise ValueError(f"{directory}: the overrides directory does not exist")
    return Path(directory)


def leftover_age(age: str | None) -> tuple[int, str] | None:
    from .leftovers import parse_age

    return None if age is None else (parse_age(age), age)


def load_extra_vars(values: list[str]) -> dict:
    """`-e` values as ansible-playbook reads them: key=value pairs, @FILE (YAML or JSON), or a JSON/YAML mapping."""
    import shlex

    import yaml

    merged: dict = {}
    for value in values:
        if value.startswith("@"):
            try:
                loaded = yaml.safe_load(Path(value[1:]).read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError) as error:
                raise ValueError(f"-e {value}: {error}") from None
        elif value.lstrip().startswith("{"):
            try:
                loaded = yaml.safe_load(value)
            except yaml.YAMLError as error:
                raise ValueError(f"-e {value!r}: {error}") from None
        else:
            loaded = {}
            for pair in shlex.split(value):
                key, equals, text = pair.partition("=")
                if not equals:
                    raise ValueError(f"-e {value!r}: {pair!r} is not key=value")
                loaded[key] = text
        if not isinstance(loaded, dict):
            raise ValueError(f"-e {value!r}: not a mapping of variables")
        merged.update(loaded)
    return merged
