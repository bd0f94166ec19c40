"""What every reporter receives."""
from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding, Severity


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files: tuple[str, ...]  # every file that was checked, with or without findings
    tool_version: str

    def counts(self) -> dict[str, int]:
        return {str(level): sum(1 for f in self.findings if f.severity is level) for level in reversed(Severity)}
