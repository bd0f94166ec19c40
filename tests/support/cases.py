"""Validator case folders, yamllint-style: expected findings are written inline in the case file.

A line of a case's globals.yml may end with `# expect: RULE` or `# expect: RULE VARIABLE`
(several separated by `;`; VARIABLE `-` means none). The finding must be on that line, unless
`line=N` follows (N=0: the finding points at no line of the globals, e.g. at the inventory);
its variable defaults to the key written at the start of that line. A case passes when the findings (errors and warnings, plus
any info a case expects) are exactly the expected ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CASES = Path(__file__).resolve().parent.parent / "cases"
_EXPECT = re.compile(r"#\s*expect:\s*(?P<specs>.+)$")
_KEY = re.compile(r"^\s*(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*:")


@dataclass(frozen=True, order=True)
class Expected:
    line: int
    rule: str
    variable: str | None


def case_dirs(kind: str) -> list[Path]:
    return sorted(p for p in (CASES / kind).iterdir() if p.is_dir())


def expected_findings(globals_file: Path) -> set[Expected]:
    expected = set()
    for number, line in enumerate(globals_file.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        match = _EXPECT.search(line)
        if not match:
            continue
        key = _KEY.match(line)
        for spec in match["specs"].split(";"):
            words = [w for w in spec.split() if not w.startswith("line=")]
            lines = [int(w[5:]) for w in spec.split() if w.startswith("line=")]
            variable = words[1] if len(words) > 1 else (key["key"] if key else None)
            expected.add(Expected(lines[0] if lines else number, words[0], None if variable == "-" else variable))
    return expected


def actual_findings(findings, include_info_rules: set[str]) -> set[Expected]:
    return {Expected(f.line, f.rule, f.variable) for f in findings
            if str(f.severity) != "info" or f.rule in include_info_rules}
