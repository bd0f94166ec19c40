"""The one result type every check, loader and renderer reports: a located, immutable finding."""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """One severity scale for the whole tool; higher is worse."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Location:
    """Where a value came from: a file and a 1-based line and column (0 when unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True)
class Finding:
    """A problem found in the operator's input, with a message and a hint on how to fix it."""

    rule: str
    severity: Severity
    message: str
    hint: str = ""
    variable: str | None = None
    location: Location | None = None
    host: str | None = None

    @property
    def file(self) -> str | None:
        return self.location.file if self.location else None

    @property
    def line(self) -> int:
        return self.location.line if self.location else 0

    @property
    def column(self) -> int:
        return self.location.column if self.location else 0

    def sort_key(self) -> tuple:
        return (self.file or "", self.line, self.column, self.rule, self.variable or "", self.host or "")

    def as_dict(self) -> dict:
        """The JSON contract documented in the README."""
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "hint": self.hint,
            "variable": self.variable,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "host": self.host,
        }


@dataclass(frozen=True)
class RuleDoc:
    """The documentation of a finding id: what `explain` prints and SARIF describes."""

    id: str
    severity: Severity
    doc: str


def has_errors(findings, strict: bool = False) -> bool:
    """True when the findings should fail a run: any error, or any warning with --strict."""
    threshold = Severity.WARNING if strict else Severity.ERROR
    return any(f.severity >= threshold for f in findings)
