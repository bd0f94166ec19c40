"""Machine-readable JSON: {"findings": [...], "summary": {...}, "errors": [...]} (contract in the README)."""
from __future__ import annotations

import json

from ..findings import Finding
from .base import Report


def render(report: Report) -> str:
    entries = [(finding, False) for finding in report.findings] + [(finding, True) for finding in report.suppressed]
    entries.sort(key=lambda entry: Finding.sort_key(entry[0]))
    document = {
        "findings": [{**finding.as_dict(), "suppressed": suppressed} for finding, suppressed in entries],
        "summary": {**report.counts(), "suppressed": len(report.suppressed), "files": list(report.files)},
        "errors": list(report.errors),
    }
    return json.dumps(document, indent=2) + "\n"
