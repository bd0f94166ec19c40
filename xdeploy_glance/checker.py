"""The validation pipeline: load files -> merge -> schema -> rules -> findings.

Each stage only reads what the previous one produced; nothing here formats output.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator, Mapping, Sequence

from . import schema
from .findings import Finding, Location, Severity, has_errors
from .loading import GlobalsDocument, VaultedText, expand_sources, load_file
from .rules import RULES
from .rules.base import HostVars, RuleContext
from .settings import Settings, is_templated

TEMPLATED = "templated-value"


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
    if has_errors(findings):
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
    known = schema.variables()
    ours = {name: value for name, value in merged.values.items() if name in known}
    findings, unusable = _check_values(ours, merged)
    settings = _settings(merged, ours, unusable)
    context = RuleContext(settings=settings, raw_names=merged.key_locations,
                          hosts=tuple(hosts) if hosts is not None else None, inventory=inventory)
    findings.extend(_rule_findings(context, RULES, unusable))
    return CheckResult(tuple(sorted(findings, key=Finding.sort_key)), settings, merged)


def recheck(result: CheckResult, values: Mapping[str, Any]) -> CheckResult:
    """check_globals for `result`'s globals with `values` (one host's own variables) set over them.

    Only what can change is checked again: the schema for these values, and the rules that read
    one of them. Its findings are those; every other finding is the same as in `result`. This is
    what makes rendering a thousand hosts that each set a variable or two cheap.
    """
    merged = result.merged
    known = schema.variables()
    changed = {name: value for name, value in values.items() if name in known}
    merged = MergedGlobals({**merged.values, **changed}, merged.key_locations, merged.documents)
    findings, unusable = _check_values(changed, merged)
    unusable |= {f.variable for f in result.findings
                 if f.rule in (TEMPLATED, schema.SCHEMA_RULE) and f.variable not in changed}
    settings = result.settings.with_values(changed, {name: merged.locate(name) for name in changed}, unusable)
    context = RuleContext(settings=settings, raw_names=merged.key_locations)
    rules = [rule for rule in RULES if not changed.keys().isdisjoint(rule.VARIABLES)]
    findings.extend(_rule_findings(context, rules, unusable))
    return CheckResult(tuple(sorted(findings, key=Finding.sort_key)), settings, merged)


def with_host(result: CheckResult, host: HostVars) -> tuple[CheckResult, list[Finding]]:
    """The check of one host: its own variables apply where the globals do not set them (Ansible's
    precedence as kolla runs it: the globals are extra vars). Returns the host's check and the
    findings it adds to the globals' own (same rule, variable and message counts as the same), with
    the host named."""
    own = {name: value for name, value in host.variables.items()
           if name in result.settings and name not in result.merged.values}
    if not own:
        return result, []
    checked = recheck(result, own)
    known = {(f.rule, f.variable, f.message) for f in result.findings}
    # a host's own value is located where the inventory sets it (HostVars.locations), when Ansible tells
    return checked, [replace(f, host=host.name, location=f.location or host.locations.get(f.variable))
                     for f in checked.findings if (f.rule, f.variable, f.message) not in known]


def _check_values(values: Mapping[str, Any], merged: MergedGlobals) -> tuple[list[Finding], set[str]]:
    """Findings about the values themselves (templated, schema) and the names no rule may read."""
    findings: list[Finding] = []
    templated = sorted(name for name, value in values.items() if is_templated(value))
    for name in templated:
        what = "vault-encrypted (!vault)" if isinstance(values[name], VaultedText) else "a Jinja expression"
        findings.append(Finding(TEMPLATED, Severity.INFO,
                                f"the value is {what}, so it is checked at deploy time, not now",
                                "nothing to do, or write the literal value to have it checked before deploy",
                                variable=name, location=merged.locate(name)))
    checkable = {name: value for name, value in values.items() if name not in templated}
    schema_findings = list(schema.validate(checkable, merged.locate))
    findings.extend(schema_findings)
    return findings, set(templated) | {f.variable for f in schema_findings}


def _settings(merged: MergedGlobals, ours: Mapping[str, Any], unusable: set[str]) -> Settings:
    value_locations = {name: merged.locate(name) for name in ours}
    return Settings.build(ours, value_locations, skip=unusable)


def _rule_findings(context: RuleContext, rules: Iterable, unusable: set[str]) -> Iterator[Finding]:
    for rule in rules:
        if unusable.intersection(rule.VARIABLES):
            continue
        for problem in rule.check(context):
            yield Finding(rule=rule.ID, severity=rule.SEVERITY, message=problem.message, hint=problem.hint,
                          variable=problem.variable,
                          location=problem.location or _locate(context, problem.variable, rule.VARIABLES),
                          host=problem.host)


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
