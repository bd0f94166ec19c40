"""Output formats, by name. Each reporter turns a finished run into text; none decides anything."""
from __future__ import annotations

import importlib
from typing import Callable

from .base import Report


def _imported_on_use(module: str) -> Callable[[Report], str]:
    """A format's render function, importing its module only when used (junit alone pulls in XML)."""
    def render(report: Report) -> str:
        return importlib.import_module(f".{module}", __package__).render(report)
    return render


REPORTERS: dict[str, Callable[[Report], str]] = {
    "text": _imported_on_use("text"),
    "json": _imported_on_use("json_"),
    "sarif": _imported_on_use("sarif"),
    "junit": _imported_on_use("junit"),
    "github": _imported_on_use("github"),
}

__all__ = ["REPORTERS", "Report"]
