"""Access to the data shipped with the package (schemas/, templates/, roles/ at the repository top).

In a wheel they are the data packages xdeploy_glance.schemas, .templates and .roles; in a plain
source checkout (no install) they are read from the repository next to the package.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

SCHEMA_NAME = "xdeploy-glance-globals.schema.json"
_SOURCE_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """The directory of a data package: "schemas", "templates" or "roles"."""
    try:
        return Path(str(files(f"xdeploy_glance.{name}")))
    except ModuleNotFoundError:
        return _SOURCE_ROOT / name


def schema_path() -> Path:
    return data_dir("schemas") / SCHEMA_NAME


def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")
