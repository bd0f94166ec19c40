"""The validation pipeline: load files -> merge -> schema -> rules -> findings.

Each stage only reads what the previous one produced; nothing here formats output.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from . import schema
from .findings import Finding, Location, Severity
from .loading import GlobalsDocument, expand_sources, load_file
from .rules import RULES
from .rules.base import HostVars, RuleContext
from .settings import Settings, is_templated


@dataclass(frozen=True)
class MergedGlobals:
    """The globals after kolla-style merging: later files replace a variable set by earlier ones."""

    values: dict[str, Any]
    key_locations: dict[str, Location]
    documents: tuple[GlobalsDocument, ...]

    def locate(self, name: str, subpath: tuple = ()) -> Location | None:
        for document in reversed(self.documents):
            if (name,) in document.key_locations:
                return document.value_locations.get((name,) + subpath) or document.value_locations.get((name,))
        return None


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    settings: Settings | None  # None when a file could not be loaded
    merged: MergedGlobals | None


def load_globals(paths: Iterable[str]) -> tuple[MergedGlobals | None, list[Finding]]:
    """Load and merge globals files; raises loading.InputError for input that cannot be read at all."""
    documents: list[GlobalsDocument] = []
    findings: list[Finding] = []
    for path in expand_sources(paths):
        document, file_findings = load_file(path)
        findings.extend(file_findings)
        if document is not None:
            documents.append(document)
    if any(f.severity is Severity.ERROR for f in findings):
        return None, findings
    values: dict[str, Any] = {}
    key_locations: dict[str, Location] = {}
    for document in documents:
        for name, value in document.data.items():
            values[name] = value
            key_locations[name] = document.key_locations.get((name,), Location(document.path))
    return MergedGlobals(values, key_locations, tuple(documents)), findings


def check_globals(merged: MergedGlobals, hosts: Sequence[HostVars] | None = None,
                  inventory: str | None = None) -> CheckResult:
    findings: list[Finding] = []
    known = schema.variables()
    ours = {name: value for name, value in merged.values.items() if name in known}
    templated = sorted(name for name, value in ours.items() if is_templated(value))
    for name in templated:
        findings.append(Finding("templated-value", Severity.INFO,
                                "the value is a Jinja expression, so it is checked at deploy time, not now",
                                "nothing to do, or write the literal value to have it checked before deploy",
                                variable=name, location=merged.locate(name)))
    checkable = {name: value for name, value in ours.items() if name not in templated}
    schema_findings = list(schema.validate(checkable, merged.locate))
    findings.extend(schema_findings)
    unusable = set(templated) | {f.variable for f in schema_findings}
    value_locations = {name: merged.locate(name) for name in ours}
    settings = Settings.build(checkable, value_locations, skip=unusable)
    context = RuleContext(settings=settings, raw_names=merged.key_locations,
                          hosts=tuple(hosts) if hosts is not None else None, inventory=inventory)
    for rule in RULES:
        if unusable.intersection(rule.VARIABLES):
            continue
        for problem in rule.check(context):
            findings.append(Finding(rule=rule.ID, severity=rule.SEVERITY, message=problem.message,
                                    hint=problem.hint, variable=problem.variable,
                                    location=problem.location or _locate(context, problem.variable, rule.VARIABLES),
                                    host=problem.host))
    return CheckResult(tuple(sorted(findings, key=Finding.sort_key)), settings, merged)


def _locate(context: RuleContext, variable: str | None, read: Sequence[str]) -> Location | None:
    """The variable's own location; for a default, the first variable the rule read that the operator set."""
    return context.locate(variable) or next(
        (location for location in map(context.locate, read) if location is not None), None)


def run(paths: Iterable[str], hosts: Sequence[HostVars] | None = None, inventory: str | None = None) -> CheckResult:
    """The whole pipeline for the CLI: findings from loading plus findings from checking."""
    merged, load_findings = load_globals(paths)
    if merged is None:
        return CheckResult(tuple(sorted(load_findings, key=Finding.sort_key)), None, None)
    result = check_globals(merged, hosts, inventory)
    findings = tuple(sorted(load_findings + list(result.findings), key=Finding.sort_key))
    return CheckResult(findings, result.settings, merged)
