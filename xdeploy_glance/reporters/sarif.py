"""SARIF 2.1.0 for code-scanning dashboards; validated against the official schema in the tests.

Locations are relative to the report's base directory (`%SRCROOT%`, the repository a scanner
uploads from), so an absolute `-c /path` still lands on the file in the repository.
"""
from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from .base import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_BASE = "SRCROOT"
# Versioned: a change to what the hash covers must not silently re-open every dismissed alert.
_FINGERPRINT = "xdeployGlanceFinding/v1"


def _documentation_url() -> str | None:
    """The package metadata's documentation URL; no rule gets a helpUri without one."""
    try:
        urls = metadata.metadata("xdeploy-glance").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    return next((url.split(",", 1)[1].strip() for url in urls
                 if url.split(",", 1)[0].strip().lower() == "documentation"), None)


def _artifact_location(path: str, base: Path) -> dict:
    absolute = Path(os.path.abspath(path))
    if absolute.is_relative_to(base):
        return {"uri": quote(absolute.relative_to(base).as_posix()), "uriBaseId": _BASE}
    return {"uri": absolute.as_uri()}


def _rule(rule: str, report: Report, help_uri: str | None) -> dict:
    doc = report.docs.get(rule)
    text = doc.doc if doc else rule
    described = {
        "id": rule,
        "shortDescription": {"text": text.split("\n\n", 1)[0]},
        "fullDescription": {"text": text},
        "help": {"text": text, "markdown": text},
        "defaultConfiguration": {"level": _LEVEL[str(doc.severity)] if doc else "warning"},
    }
    if help_uri:
        described["helpUri"] = help_uri
    return described


def _result(finding, suppressed: bool, rule_index: dict[str, int], base: Path) -> dict:
    result = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index[finding.rule],
        "level": _LEVEL[str(finding.severity)],
        "message": {"text": finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")},
    }
    uri = ""
    if finding.file:
        physical = {"artifactLocation": _artifact_location(finding.file, base)}
        uri = physical["artifactLocation"]["uri"]
        if finding.line:
            physical["region"] = {"startLine": finding.line}
            if finding.column:
                physical["region"]["startColumn"] = finding.column
        result["locations"] = [{"physicalLocation": physical}]
    # Not the line: a finding that moves when lines are added above it is the same alert.
    identity = "\0".join((finding.rule, uri, finding.variable or "", finding.host or "", finding.message))
    result["partialFingerprints"] = {_FINGERPRINT: hashlib.sha256(identity.encode()).hexdigest()}
    properties = {key: value for key, value in (("variable", finding.variable), ("host", finding.host)) if value}
    if properties:
        result["properties"] = properties
    if suppressed:
        result["suppressions"] = [{"kind": "external", "justification": "accepted in the xdeploy-glance "
                                   "configuration (--skip, .xdeploy-glance.yml or an inline comment)"}]
    return result


def render(report: Report) -> str:
    base = Path(os.path.abspath(report.base_dir))
    entries = [(f, False) for f in report.findings] + [(f, True) for f in report.suppressed]
    used = sorted({finding.rule for finding, _ in entries})
    rule_index = {rule: index for index, rule in enumerate(used)}
    help_uri = _documentation_url()
    invocation = {"executionSuccessful": not report.errors}
    if report.errors:
        invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": error}}
                                                    for error in report.errors]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "xdeploy-glance", "version": report.tool_version,
                                "rules": [_rule(rule, report, help_uri) for rule in used]}},
            "originalUriBaseIds": {_BASE: {"uri": base.as_uri().rstrip("/") + "/"}},
            "invocations": [invocation],
            "artifacts": [{"location": _artifact_location(path, base)} for path in report.files],
            "results": [_result(finding, suppressed, rule_index, base) for finding, suppressed in entries],
        }],
    }
    return json.dumps(document, indent=2) + "\n"
