"""JUnit XML, in the shape Jenkins' junit-10 schema and GitLab read (validated in the tests).

One test suite per checked file and one test case per finding, so `failures` counts what fails
the run: each error, and each warning under --strict. A file without findings is one passing
case; a suppressed finding is a skipped case; input that could not be read is an <error>.
"""
from __future__ import annotations

from xml.etree import ElementTree

from .base import Report, printable

_NO_FILE = "<globals>"


def _line(finding) -> str:
    return printable(f"{finding.location or _NO_FILE}: {finding.severity} [{finding.rule}] {finding.message}" + (
        f" (hint: {finding.hint})" if finding.hint else ""))


def _case_name(finding) -> str:
    name = " ".join(part for part in (finding.rule, finding.variable) if part)
    where = f"line {finding.line}" if finding.line else ""
    host = f"host {finding.host}" if finding.host else ""
    details = ", ".join(part for part in (where, host) if part)
    return printable(f"{name} ({details})" if details else name)


def _suite(parent: ElementTree.Element, name: str) -> ElementTree.Element:
    return ElementTree.SubElement(parent, "testsuite", name=printable(name))


def render(report: Report) -> str:
    by_file: dict[str, list] = {path: [] for path in report.files}
    for finding, suppressed in [(f, False) for f in report.findings] + [(f, True) for f in report.suppressed]:
        by_file.setdefault(finding.file or _NO_FILE, []).append((finding, suppressed))
    suites = ElementTree.Element("testsuites", name="xdeploy-glance")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for path, findings in by_file.items():
        suite = _suite(suites, path)
        counts = {"tests": max(len(findings), 1), "failures": 0, "errors": 0, "skipped": 0}
        if not findings:
            ElementTree.SubElement(suite, "testcase", classname=printable(path), name=printable(path))
        for finding, suppressed in findings:
            case = ElementTree.SubElement(suite, "testcase", classname=printable(path), name=_case_name(finding))
            if suppressed:
                counts["skipped"] += 1
                ElementTree.SubElement(case, "skipped", message=f"suppressed: {_line(finding)}")
            elif report.fails(finding):
                counts["failures"] += 1
                ElementTree.SubElement(case, "failure", type=finding.rule,
                                       message=printable(finding.message)).text = _line(finding)
            else:
                ElementTree.SubElement(case, "system-out").text = _line(finding)
        _count(suite, counts, totals)
    if report.errors:
        suite = _suite(suites, "xdeploy-glance")
        for error in report.errors:
            case = ElementTree.SubElement(suite, "testcase", classname="xdeploy-glance", name="input")
            ElementTree.SubElement(case, "error", type="input", message=printable(error))
        _count(suite, {"tests": len(report.errors), "failures": 0, "errors": len(report.errors), "skipped": 0},
               totals)
    for key in ("tests", "failures", "errors"):  # junit-10 has no `skipped` on <testsuites>
        suites.set(key, str(totals[key]))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


def _count(suite: ElementTree.Element, counts: dict[str, int], totals: dict[str, int]) -> None:
    for key, value in counts.items():
        suite.set(key, str(value))
        totals[key] += value
