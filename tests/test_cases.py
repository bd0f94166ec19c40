"""One parametrized test over the validator case folders (tests/cases/{positive,negative}/<case>)."""
from __future__ import annotations

import pytest

from tests.support.cases import actual_findings, case_dirs, expected_findings
from xdeploy_glance import checker
from xdeploy_glance.commands.common import load_hosts


def _run(case):
    inventory = case / "inventory.ini"
    hosts = load_hosts(str(inventory)) if inventory.exists() else None  # as validate -i loads it
    return checker.run([str(case / "globals.yml")], hosts, str(inventory) if hosts is not None else None)


@pytest.mark.parametrize("case", case_dirs("positive"), ids=lambda p: p.name)
def test_positive_case_has_no_errors_or_warnings(case):
    result = _run(case)
    assert [f for f in result.findings if str(f.severity) != "info"] == []


@pytest.mark.parametrize("case", case_dirs("negative"), ids=lambda p: p.name)
def test_negative_case_reports_exactly_the_expected_findings(case):
    expected = expected_findings(case / "globals.yml")
    assert expected, f"{case.name} states no expected finding"
    result = _run(case)
    info_rules = {e.rule for e in expected}
    assert sorted(actual_findings(result.findings, info_rules)) == sorted(expected)


def test_every_rule_has_a_negative_case():
    from xdeploy_glance.rules import validator_docs

    covered = {e.rule for case in case_dirs("negative") for e in expected_findings(case / "globals.yml")}
    assert set(validator_docs()) - covered == set()
