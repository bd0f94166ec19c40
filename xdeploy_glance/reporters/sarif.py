"""SARIF 2.1.0 for code-scanning dashboards; validated against the official schema in the tests."""
from __future__ import annotations

import json

from ..rules import all_docs
from .base import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(report: Report) -> str:
    docs = all_docs()
    used = sorted({finding.rule for finding in report.findings})
    rule_index = {rule: index for index, rule in enumerate(used)}
    rules = []
    for rule in used:
        doc = docs.get(rule)
        summary = doc.doc.split("\n\n", 1)[0] if doc else rule
        rules.append({
            "id": rule,
            "shortDescription": {"text": summary},
            "fullDescription": {"text": doc.doc if doc else rule},
            "defaultConfiguration": {"level": _LEVEL[str(doc.severity)] if doc else "warning"},
        })
    results = []
    for finding in report.findings:
        result = {
            "ruleId": finding.rule,
            "ruleIndex": rule_index[finding.rule],
            "level": _LEVEL[str(finding.severity)],
            "message": {"text": finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")},
        }
        if finding.file:
            region = {"startLine": finding.line, "startColumn": finding.column} if finding.line else None
            physical = {"artifactLocation": {"uri": finding.file}}
            if region and finding.column:
                physical["region"] = region
            elif finding.line:
                physical["region"] = {"startLine": finding.line}
            result["locations"] = [{"physicalLocation": physical}]
        properties = {key: value for key, value in (("variable", finding.variable), ("host", finding.host)) if value}
        if properties:
            result["properties"] = properties
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "xdeploy-glance", "version": report.tool_version,
                                "informationUri": "https://xdeploy.invalid/xdeploy-glance", "rules": rules}},
            "artifacts": [{"location": {"uri": path}} for path in report.files],
            "results": results,
        }],
    }
    return json.dumps(document, indent=2) + "\n"
