"""Secrets for rendering: kolla-ansible's passwords.yml, over the globals (kolla passes both as extra vars)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..findings import Finding
from ..loading import load_file
from .values import SECRET_NAMES


def load(path: str | None, globals_values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    """The secrets the templates use; loading.InputError when the file cannot be read at all."""
    secrets = {name: globals_values[name] for name in SECRET_NAMES if name in globals_values}
    if path is None:
        return secrets, []
    document, findings = load_file(Path(path))
    if document is not None:
        secrets.update({name: document.data[name] for name in SECRET_NAMES if name in document.data})
    return secrets, findings
