"""What the checks compare the hosts with: globals, secrets, overrides, the leftovers age.

`xdeploy-glance verify` loads them before pytest starts (while reconfigure's play still runs) and
hands them to the plugin as a VerifyInputs plugin object; a plain pytest run loads them from the
plugin's --glance-* options. Loading errors are ValueError with the message to show.
"""
from __future__ import annotations

from dataclasses import dataclass
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
