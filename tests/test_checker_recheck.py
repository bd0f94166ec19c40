"""checker.recheck (one host's own variables over checked globals) finds what a full check finds about them."""
from __future__ import annotations

from pathlib import Path

import pytest

from xdeploy_glance import checker, schema
from xdeploy_glance.checker import MergedGlobals

CASES = Path(__file__).parent / "cases"
BASES = [CASES / "positive" / name / "globals.yml" for name in ("readme-example", "defaults-only",
                                                                "templated-values-are-deferred")]


def own_values(globals_file: Path) -> dict:
    """A case's variables, used as one host's own variables."""
    merged, _ = checker.load_globals([str(globals_file)])
    return {name: value for name, value in merged.values.items() if name in schema.variables()}


# Every case that sets a Glance variable (the others cannot load or set none) plays one host's own variables.
CASE_GLOBALS = [path for path in sorted(CASES.glob("*/*/globals.yml")) if checker.load_globals([str(path)])[0]
                and own_values(path)]


def about(findings, names) -> list:
    return sorted((f for f in findings if f.variable in names), key=lambda f: f.sort_key())


@pytest.mark.parametrize("base", BASES, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("case", CASE_GLOBALS, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_recheck_agrees_with_a_full_check_about_the_host_variables(base, case):
    merged, _ = checker.load_globals([str(base)])
    own = own_values(case)
    full = checker.check_globals(MergedGlobals({**merged.values, **own}, merged.key_locations, merged.documents))

    rechecked = checker.recheck(checker.check_globals(merged), own)

    assert about(rechecked.findings, own) == about(full.findings, own)
    assert dict(rechecked.settings) == dict(full.settings)


def test_recheck_finds_an_invalid_host_value_and_keeps_the_default():
    merged, _ = checker.load_globals([str(BASES[0])])
    result = checker.check_globals(merged)
    rechecked = checker.recheck(result, {"glance_staging_max_image_size": "lots"})
    assert [(f.rule, f.variable, f.message) for f in rechecked.findings] == [
        ("schema", "glance_staging_max_image_size", "'lots' is not a size in bytes or with a unit, such as 20GiB or 500M")]
    assert rechecked.settings["glance_staging_max_image_size"] == result.settings["glance_staging_max_image_size"]
