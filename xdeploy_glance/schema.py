"""The JSON Schema in schemas/ is the one source of truth for variable names, types, defaults and docs.

Besides standard JSON Schema, each variable carries `x-kind` (how its value is normalized:
list, bool, size, mapping, string, integer), and lists may carry `x-choices` (the values Glance
knows; checked by rules that can suggest a fix) and `x-item: port`.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping

from . import jsonschema_subset, resources
from .findings import Finding, Severity
from .jsonschema_subset import SchemaError

SCHEMA_RULE = "schema"

_EXPECTED_BY_KIND = {
    "list": "a comma-separated string or a YAML list",
    "bool": "a boolean (true, false, \"yes\" or \"no\")",
    "size": "a size in bytes or with a unit, such as 20GiB or 500M",
    "mapping": "a mapping of names to plain values",
    "string": "a string",
    "integer": "a whole number",
}


@dataclass(frozen=True)
class VariableSpec:
    name: str
    kind: str
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    item: str | None = None


@lru_cache(maxsize=1)
def schema_document() -> dict:
    return json.loads(resources.schema_text())


def definition(name: str) -> dict:
    """A shared sub-schema of `$defs` (kolla-boolean, size, ...): the code that parses such values reads it too."""
    return schema_document()["$defs"][name]


@lru_cache(maxsize=1)
def variables() -> Mapping[str, VariableSpec]:
    specs = {}
    for name, prop in schema_document()["properties"].items():
        specs[name] = VariableSpec(name=name, kind=prop["x-kind"], default=prop.get("default"),
                                   description=prop.get("description", ""),
                                   choices=tuple(prop.get("x-choices", ())), item=prop.get("x-item"))
    return specs


def validate(values: Mapping[str, Any], locate) -> Iterator[Finding]:
    """Schema findings for the given raw values; `locate(name, subpath)` gives a Location or None."""
    yield from findings_for_errors(jsonschema_subset.iter_errors(schema_document(), dict(values)), locate)


def findings_for_errors(errors: Iterable[SchemaError], locate) -> Iterator[Finding]:
    """One finding per variable from schema errors in jsonschema's order (tests feed jsonschema's own)."""
    reported: set[str] = set()
    for error in sorted(errors, key=lambda e: list(map(str, e.path))):
        path = list(error.path)
        if not path:
            continue
        name = str(path[0])
        if name in reported:  # one finding per variable: the first problem is the one to fix
            continue
        reported.add(name)
        spec = variables()[name]
        yield Finding(rule=SCHEMA_RULE, severity=Severity.ERROR, message=_message(spec, error),
                      hint=f"{name} takes {_EXPECTED_BY_KIND[spec.kind]}; see `xdeploy-glance schema`",
                      variable=name, location=locate(name, tuple(path[1:])))


def _message(spec: VariableSpec, error: SchemaError) -> str:
    instance = error.instance
    if spec.name.endswith("_mode") and isinstance(instance, int):
        return f"{instance} is a number: YAML 1.1 reads an unquoted mode such as 0750 as an octal number ({instance})"
    if error.validator == "enum":
        suggestion = did_you_mean(str(instance), [str(v) for v in error.validator_value])
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{instance!r} is not one of {allowed}{suggestion}"
    if error.validator in ("minimum", "maximum"):
        word = "at least" if error.validator == "minimum" else "at most"
        return f"{instance!r} must be {word} {error.validator_value}"
    if error.validator == "pattern" and spec.kind == "size":
        return f"{instance!r} is not a size"
    if error.validator == "pattern":
        return f"{instance!r} does not match the expected form {error.validator_value}"
    return f"{_short(instance)} is not {_EXPECTED_BY_KIND[spec.kind]}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def did_you_mean(word: str, candidates) -> str:
    """A '; did you mean X?' suffix when one candidate is close, else ''."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""

