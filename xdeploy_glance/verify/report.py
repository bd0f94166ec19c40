"""verify's reports: text for operators, JSON (the contract in the README), JUnit XML for CI.

Each takes the outcomes the plugin collected (plugin.CheckOutcome: one per host and check, an
unreachable host once as host-reachable). Control characters in hosts, ids and messages are shown
escaped (\\x1b, \\n) in text and XML: a staged file's name cannot forge a line of the report.
"""
from __future__ import annotations

import json
from xml.etree import ElementTree

from ..reporters.base import printable
from .catalogue import HOST_REACHABLE

STATUSES = ("passed", "failed", "error", "skipped")
TITLE = "Glance host verification"
WIDTH = 80


def summary(results) -> dict:
    counts = {status: sum(1 for result in results if result.status == status) for status in STATUSES}
    return {**counts, "hosts": len({result.host for result in results}),
            "unreachable": sorted(result.host for result in results if result.check == HOST_REACHABLE)}


def _sep(text: str) -> str:
    fill = max(WIDTH - len(text) - 2, 6)
    return f"{'=' * (fill // 2)} {text} {'=' * (fill - fill // 2)}"


def summary_line(results) -> str:
    counts = summary(results)
    words = [f"{counts[status]} {status}" for status in STATUSES if counts[status]]
    if counts["unreachable"]:
        words.append(f"{len(counts['unreachable'])} host(s) not reachable: "
                     + ", ".join(map(printable, counts["unreachable"])))
    hosts = counts["hosts"]
    return f"{', '.join(words) or 'nothing checked'} ({hosts} host{'' if hosts == 1 else 's'})"


def text(results) -> str:
    from .plugin import table

    return "\n".join([_sep(TITLE), *table(results), _sep(summary_line(results))]) + "\n"


def as_json(results) -> str:
    return json.dumps({"results": [{"host": result.host, "check": result.check, "status": result.status,
                                    "message": result.message or result.warning} for result in results],
                       "summary": summary(results)}, indent=2) + "\n"


def junit(results) -> str:
    """One test suite per host, one test case per check (classname the host, name the check id)."""
    suites = ElementTree.Element("testsuites", name="xdeploy-glance-verify")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for host in dict.fromkeys(result.host for result in results):
        suite = ElementTree.SubElement(suites, "testsuite", name=printable(host))
        counts = dict.fromkeys(totals, 0)
        for result in (result for result in results if result.host == host):
            counts["tests"] += 1
            case = ElementTree.SubElement(suite, "testcase", classname=printable(host), name=result.check)
            line = printable(f"{host}: {result.check}: {result.message or result.warning}")
            if result.status == "failed":
                counts["failures"] += 1
                ElementTree.SubElement(case, "failure", type=result.check, message=printable(result.message)).text = line
            elif result.status == "error":
                counts["errors"] += 1
                ElementTree.SubElement(case, "error", type=result.check, message=printable(result.message)).text = line
            elif result.status == "skipped":
                counts["skipped"] += 1
                ElementTree.SubElement(case, "skipped", message=printable(result.message))
            elif result.warning:
                ElementTree.SubElement(case, "system-out").text = printable(f"warning: {result.warning}")
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


RENDERERS = {"text": text, "json": as_json, "junit": junit}


def render(format_name: str, results) -> str:
    return RENDERERS[format_name](results)
