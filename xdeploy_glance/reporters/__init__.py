"""Output formats, by name. Each reporter turns a finished run into text; none decides anything."""
from __future__ import annotations

from typing import Callable

from . import github, json_, junit, sarif, text
from .base import Report

REPORTERS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
}

__all__ = ["REPORTERS", "Report"]
