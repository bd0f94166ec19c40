"""Machine-readable JSON: {"findings": [...], "summary": {...}} (contract in the README)."""
from __future__ import annotations

import json

from .base import Report


def render(report: Report) -> str:
    document = {
        "findings": [finding.as_dict() for finding in report.findings],
        "summary": {**report.counts(), "files": list(report.files)},
    }
    return json.dumps(document, indent=2) + "\n"
