"""What every reporter receives, and the escaping every text format shares."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from ..findings import Finding, RuleDoc, Severity

# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a terminal shows: a
# value holding them would drive the terminal (or break the XML) instead of being read.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]  # the ones that count, at their configured level
    files: tuple[str, ...]  # every file that was checked, with or without findings
    tool_version: str
    suppressed: tuple[Finding, ...] = ()  # accepted by --skip, the config file or an inline comment
    docs: Mapping[str, RuleDoc] = field(default_factory=dict)  # every finding id's documentation
    strict: bool = False  # warnings fail the run
    base_dir: str = "."  # what SARIF URIs are relative to
    errors: tuple[str, ...] = ()  # why the input could not be checked at all (then there are no findings)

    def counts(self) -> dict[str, int]:
        return {str(level): sum(1 for f in self.findings if f.severity is level) for level in reversed(Severity)}

    def fails(self, finding: Finding) -> bool:
        """Whether the finding fails the run: an error, or a warning under --strict."""
        return finding.severity >= (Severity.WARNING if self.strict else Severity.ERROR)


def printable(text: str) -> str:
    """`text` with every control character written as a Python escape (\\x1b, \\x00, \\u202e)."""
    return _UNPRINTABLE.sub(lambda match: ascii(match[0])[1:-1], text)
