"""JUnit XML: one test case per checked file, failed by its errors (and listing its warnings)."""
from __future__ import annotations

from xml.etree import ElementTree

from ..findings import Severity
from .base import Report


def _line(finding) -> str:
    return f"{finding.location or '<globals>'}: {finding.severity} [{finding.rule}] {finding.message}" + (
        f" (hint: {finding.hint})" if finding.hint else "")


def render(report: Report) -> str:
    by_file: dict[str, list] = {path: [] for path in report.files}
    for finding in report.findings:
        by_file.setdefault(finding.file or "<globals>", []).append(finding)
    suite = ElementTree.Element("testsuite", name="xdeploy-glance", tests=str(len(by_file)))
    failures = 0
    for path, findings in by_file.items():
        case = ElementTree.SubElement(suite, "testcase", classname="xdeploy-glance.validate", name=path)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors:
            failures += 1
            failure = ElementTree.SubElement(case, "failure", type=errors[0].rule,
                                             message=f"{len(errors)} error{'s' if len(errors) != 1 else ''}")
            failure.text = "\n".join(_line(f) for f in errors)
        others = [f for f in findings if f.severity is not Severity.ERROR]
        if others:
            ElementTree.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    suite.set("failures", str(failures))
    suites = ElementTree.Element("testsuites")
    suites.append(suite)
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
