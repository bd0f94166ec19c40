"""The default human format: `file:line:col: severity [rule] message`, then the hint."""
from __future__ import annotations

from .base import Report, printable


def render(report: Report) -> str:
    lines = [f"error: {printable(error)}" for error in report.errors]
    for finding in report.findings:
        where = str(finding.location) if finding.location else "<globals>"
        host = f" (host {finding.host})" if finding.host else ""
        variable = f" {finding.variable}:" if finding.variable else ""
        lines.append(printable(f"{where}: {finding.severity} [{finding.rule}]{variable} {finding.message}{host}"))
        if finding.hint:
            lines.append(f"  hint: {printable(finding.hint)}")
    counts = report.counts()
    summary = ", ".join(f"{count} {name}{'s' if count != 1 else ''}" for name, count in counts.items())
    if report.suppressed:
        summary += f", {len(report.suppressed)} suppressed"
    lines.append(f"{len(report.files)} file{'s' if len(report.files) != 1 else ''} checked: {summary}")
    return "\n".join(lines) + "\n"
