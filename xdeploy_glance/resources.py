"""Where the data shipped with the package lives (schemas/, templates/, roles/).

In a wheel they are installed inside the package directory (data packages xdeploy_glance.schemas,
.templates and .roles); in a source checkout or an editable install they sit at the repository
top, next to the package. Ansible needs them as real directories, so zip imports are not supported.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SCHEMA_NAME = "xdeploy-glance-globals.schema.json"
_PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """The directory of a data package: "schemas", "templates" or "roles"."""
    installed = _PACKAGE_DIR / name
    return installed if installed.is_dir() else _PACKAGE_DIR.parent / name


def schema_path() -> Path:
    return data_dir("schemas") / SCHEMA_NAME


def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")
