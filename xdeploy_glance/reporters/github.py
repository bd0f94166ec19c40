"""GitHub Actions workflow commands: annotations on the changed lines of a pull request."""
from __future__ import annotations

from .base import Report, printable

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    # %, CR and LF first: they are the workflow-command syntax; any other control is then escaped.
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = [f"::error title=xdeploy-glance::{_escape_data(error)}" for error in report.errors]
    for finding in report.findings:
        properties = []
        if finding.file:
            properties.append(f"file={_escape_property(finding.file)}")
            if finding.line:
                properties.append(f"line={finding.line}")
            if finding.column:
                properties.append(f"col={finding.column}")
        properties.append(f"title={_escape_property(finding.rule)}")
        message = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
        lines.append(f"::{_COMMAND[str(finding.severity)]} {','.join(properties)}::{_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
