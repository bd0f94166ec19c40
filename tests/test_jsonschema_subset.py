"""The run-time schema validator (xdeploy_glance.jsonschema_subset) against jsonschema, the reference.

`validate` does not import jsonschema (too slow to start for a pre-deploy linter); these tests
prove that nothing changes for the user: the same errors, so the same variables flagged with the
same messages, over every case folder and over generated values, and that the schema uses no
keyword the fast validator would silently ignore.
"""
from __future__ import annotations

import datetime
import json
import math

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st

from tests.support.cases import CASES, case_dirs
from xdeploy_glance import checker, jsonschema_subset, schema
from xdeploy_glance.findings import Location
from xdeploy_glance.jsonschema_subset import SchemaError

# Cases whose file does not load (YAML errors) give the schema no values to judge.
CASE_DIRS = [case for case in case_dirs("positive") + case_dirs("negative")
             if checker.load_globals([str(case / "globals.yml")])[0] is not None]


def reference_errors(values: dict) -> list[SchemaError]:
    validator = jsonschema.Draft202012Validator(schema.schema_document())
    return [SchemaError(tuple(error.absolute_path), error.validator, error.validator_value, error.instance)
            for error in validator.iter_errors(values)]


def in_path_order(errors) -> list[SchemaError]:
    # jsonschema walks additionalProperties in set order; everything else comes in schema order
    return sorted(errors, key=lambda error: list(map(str, error.path)))


def locate(name: str, subpath: tuple = ()) -> Location:
    return Location("globals.yml", len(name), len(subpath))


def assert_same_verdicts(values: dict, locate=locate) -> list:
    reference = reference_errors(values)
    fast = list(jsonschema_subset.iter_errors(schema.schema_document(), values))
    assert in_path_order(fast) == in_path_order(reference)
    findings = list(schema.validate(values, locate))
    assert findings == list(schema.findings_for_errors(reference, locate))
    return findings


def test_the_schema_uses_only_keywords_the_fast_validator_implements():
    assert jsonschema_subset.unsupported_keywords(schema.schema_document()) == set()


@pytest.mark.parametrize(("fragment", "unsupported"), [
    ({"oneOf": [{"type": "string"}]}, {"oneOf"}),
    ({"properties": {"glance_x": {"type": "string", "format": "uri"}}}, {"format"}),
    ({"anyOf": [{"type": "array", "items": {"uniqueItems": True}}]}, {"uniqueItems"}),
    ({"additionalProperties": {"patternProperties": {}}}, {"patternProperties"}),
    ({"additionalProperties": False}, set()),
    ({"additionalProperties": 1}, {"<a int where a schema belongs>"}),
    ({"$defs": {"a": {"not": {}}}, "$ref": "#/$defs/a"}, {"not"}),
    ({"$ref": "#/$defs/missing"}, {"$ref '#/$defs/missing' names nothing in the schema"}),
    ({"$ref": "other.json#/x"}, {"$ref 'other.json#/x' is not local to the schema"}),
    ({"type": ["string", "date"]}, {"type 'date'"}),
    ({"type": "string", "description": "d", "default": "", "x-kind": "string"}, set()),
])
def test_a_keyword_outside_the_subset_is_reported(fragment, unsupported):
    assert jsonschema_subset.unsupported_keywords(fragment) == unsupported


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_case_folder_gets_jsonschemas_verdict(case):
    merged, _ = checker.load_globals([str(case / "globals.yml")])
    assert_same_verdicts(dict(merged.values), merged.locate)


def test_the_case_folders_exercise_schema_errors():
    # guards the test above against passing vacuously
    merged, _ = checker.load_globals([str(CASES / "negative" / "schema-types" / "globals.yml")])
    findings = assert_same_verdicts(dict(merged.values), merged.locate)
    assert {finding.variable for finding in findings} == {
        "glance_staging_mode", "glance_staging_concurrent_imports", "glance_image_conversion_output_format",
        "glance_staging_max_image_size", "glance_backend_ceph", "glance_inject_image_metadata",
        "glance_staging_rotational_policy"}


@pytest.mark.parametrize(("values", "message"), [
    ({"glance_staging_concurrent_imports": 2.0}, None),  # a float with no fraction is an integer
    ({"glance_staging_concurrent_imports": True}, "True is not a whole number"),  # a bool is not
    ({"glance_backend_ceph": 1}, "1 is not a boolean (true, false, \"yes\" or \"no\")"),  # 1 is not in the enum
    ({"glance_staging_headroom_percent": 1001.0}, "1001.0 must be at most 1000"),  # an integer, too big
    ({"glance_inject_image_metadata": {"a": "x", "b": [1]}}, "[1] is not a mapping of names to plain values"),
    ({"glance_web_download_allowed_ports": [80, 4.5]}, "[80, 4.5] is not a comma-separated string or a YAML list"),
])
def test_type_rules_follow_jsonschema(values, message):
    findings = assert_same_verdicts(values)
    assert [finding.message for finding in findings] == ([message] if message else [])


_SAMPLE_STRINGS = ["", "yes", "no", "True", "on", "1", "0", "maybe", "raw", "qcow2", "qcow3", "warn", "fial",
                   "20GiB", "500M", "20 gigs", "1.5 T", "0750", "750", "0999", "web-download,glance-direct",
                   "file:///var/lib/glance/staging", "{{ x }}", "a\nb", "http://x:9292"]


def _limits(node) -> set:
    """Every minimum and maximum in the schema: the values next to them are where bugs hide."""
    if isinstance(node, dict):
        found = {node[key] for key in ("minimum", "maximum") if key in node}
        return found.union(*(_limits(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_limits(item) for item in node))
    return set()


_BOUNDARIES = sorted({limit + step for limit in _limits(schema.schema_document()) for step in (-1, 0, 1)})
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.sampled_from(_BOUNDARIES), st.sampled_from([float(n) for n in _BOUNDARIES]),
    st.integers(min_value=-3, max_value=3), st.integers(min_value=-2**70, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 1.0, 2.0, 1000.0, 1000.5, -1.0, math.inf]),
    st.sampled_from(_SAMPLE_STRINGS), st.text(max_size=12),
    st.dates(), st.binary(max_size=4),
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.text(max_size=6), inner, max_size=4),
    st.tuples(inner, inner),
), max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(schema.variables()) + ["other_key", "glance_unknown"]),
                       _VALUES, max_size=8))
def test_generated_values_get_jsonschemas_verdict(values):
    assert_same_verdicts(values)


def test_every_variable_at_every_limit_gets_jsonschemas_verdict():
    for name in schema.variables():
        for value in _BOUNDARIES + [float(n) for n in _BOUNDARIES] + [str(n) for n in _BOUNDARIES]:
            assert_same_verdicts({name: value})


def test_dates_are_no_json_type():
    findings = assert_same_verdicts({"glance_staging_owner": datetime.date(2024, 1, 2)})
    assert [finding.variable for finding in findings] == ["glance_staging_owner"]



REFERENCING = {
    "$defs": {"small": {"type": "integer", "maximum": 3}, "a/b": {"type": "string"}},
    "properties": {"n": {"$ref": "#/$defs/small"}, "s": {"$ref": "#/$defs/a~1b"},
                   "list": {"type": "array", "items": {"$ref": "#/$defs/small"}}},
    "additionalProperties": {"anyOf": [{"$ref": "#/$defs/small"}, {"type": "null"}]},
}


@pytest.mark.parametrize("instance", [
    {"n": 2, "s": "x", "list": [1, 2]}, {"n": 4}, {"n": "x"}, {"s": 1}, {"list": [1, 9, "a"]},
    {"other": 1}, {"other": 9}, {"other": None},
])
def test_local_references_and_the_false_schema_give_jsonschemas_errors(instance):
    """Issue 15 item 5: $ref/$defs and `false`, proved against jsonschema as the rest of the subset."""
    validator = jsonschema.Draft202012Validator(REFERENCING)
    reference = [SchemaError(tuple(error.absolute_path), error.validator, error.validator_value, error.instance)
                 for error in validator.iter_errors(instance)]
    assert in_path_order(jsonschema_subset.iter_errors(REFERENCING, instance)) == in_path_order(reference)


def test_the_false_schema_refuses_everything_and_keeps_the_path():
    """jsonschema reports a `false` subschema's error without its path (so no variable could be
    named); this module keeps the path, and is otherwise the same: no keyword, the instance."""
    assert list(jsonschema_subset.iter_errors({"properties": {"never": False}}, {"never": None, "other": 1})) == [
        SchemaError(("never",), None, None, None)]
    assert list(jsonschema_subset.iter_errors(False, 1)) == [SchemaError((), None, None, 1)]
    assert [(e.validator, e.instance) for e in jsonschema.Draft202012Validator(False).iter_errors(1)] == [(None, 1)]


def test_shared_definitions_are_referenced_not_repeated():
    """Issue 15 item 5: the kolla boolean, list and size sub-schemas are written once."""
    text = json.dumps(schema.schema_document()["properties"])
    assert '"enum": ["yes"' not in text and "KkMmGgTtPp" not in text
    assert text.count('"$ref": "#/$defs/kolla-boolean"') >= 8 and text.count('"$ref": "#/$defs/csv-or-list"') >= 8


@pytest.mark.parametrize("size", ["20GIB", "20gib", "1.5 TiB", "500M", "7 b", "3KB"])
def test_sizes_the_parser_reads_are_the_sizes_the_schema_accepts(size):
    """Issue 15, one fact, two policies: `GIB` was parsed by units.py but refused by the schema."""
    from xdeploy_glance.units import parse_size

    assert parse_size(size) > 0
    assert list(jsonschema.Draft202012Validator(schema.schema_document()).iter_errors(
        {"glance_staging_max_image_size": size})) == []


def test_kolla_booleans_the_settings_read_are_the_ones_the_schema_accepts():
    from xdeploy_glance.settings import to_bool

    words = [word for sub in schema.definition("kolla-boolean")["anyOf"] for word in sub.get("enum", ())]
    assert {word: to_bool(word) for word in words} == {
        "yes": True, "no": False, "true": True, "false": False, "True": True, "False": False, "on": True,
        "off": False, "1": True, "0": False}
    with pytest.raises(ValueError):
        to_bool("maybe")
