"""A JSON Schema (draft 2020-12) validator for exactly the keywords our globals schema uses.

Why not jsonschema at run time: importing it and building a validator costs more than the rest
of `validate` together (~50 ms of a ~130 ms run), and pre-deploy lint must cost less than the
linters next to it. jsonschema stays the reference: tests/test_jsonschema_subset.py proves that
both give the same errors over every case folder and over generated values, and fails as soon as
the schema uses a keyword this module does not implement (`unsupported_keywords`).

Each keyword behaves as in jsonschema's draft 2020-12 validator, including its type rules (a bool
is not a number; a float with no fraction is an integer) and its enum equality (True != 1).
Keywords of one schema are applied in the schema's own order, so errors come in jsonschema's order.
`$ref` resolves only local references into the document (`#/$defs/name`), which is all a schema
shipped as one file needs; like jsonschema, it reports the referenced schema's own errors.
"""
from __future__ import annotations

import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Iterator

# Keywords that only describe (or are our x- extensions): they never produce an error.
ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples",
                         "deprecated", "readOnly", "writeOnly"})


@dataclass(frozen=True)
class SchemaError:
    """One failed keyword: where in the instance, which keyword and its value, the failing value."""

    path: tuple  # keys and list indexes from the top of the instance
    validator: str | None  # the keyword, named as in jsonschema's ValidationError (None: the schema `false`)
    validator_value: Any
    instance: Any


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


_TYPES = {
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "integer": _is_integer,
    "null": lambda value: value is None,
    "number": _is_number,
    "object": lambda value: isinstance(value, dict),
    "string": lambda value: isinstance(value, str),
}


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's enum equality: like ==, except that True/False never equal 1/0."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return one.keys() == two.keys() and all(_equal(one[key], two[key]) for key in one)
    if isinstance(one, bool) or isinstance(two, bool):
        return type(one) is type(two) and one == two
    return one == two


def _type(expected, instance, schema, path, root):
    names = expected if isinstance(expected, list) else [expected]
    if not any(_TYPES[name](instance) for name in names):
        yield SchemaError(path, "type", expected, instance)


def _enum(values, instance, schema, path, root):
    if not any(_equal(value, instance) for value in values):
        yield SchemaError(path, "enum", values, instance)


def _pattern(regex, instance, schema, path, root):
    if isinstance(instance, str) and not re.search(regex, instance):
        yield SchemaError(path, "pattern", regex, instance)


def _minimum(limit, instance, schema, path, root):
    if _is_number(instance) and instance < limit:
        yield SchemaError(path, "minimum", limit, instance)


def _maximum(limit, instance, schema, path, root):
    if _is_number(instance) and instance > limit:
        yield SchemaError(path, "maximum", limit, instance)


def _any_of(subschemas, instance, schema, path, root):
    for subschema in subschemas:
        if next(iter_errors(subschema, instance, path, root), None) is None:
            return
    yield SchemaError(path, "anyOf", subschemas, instance)


def _items(subschema, instance, schema, path, root):
    if isinstance(instance, list):
        for index, item in enumerate(instance):
            yield from iter_errors(subschema, item, path + (index,), root)


def _properties(subschemas, instance, schema, path, root):
    if isinstance(instance, dict):
        for name, subschema in subschemas.items():
            if name in instance:
                yield from iter_errors(subschema, instance[name], path + (name,), root)


def _additional_properties(subschema, instance, schema, path, root):
    if isinstance(instance, dict):
        known = schema.get("properties", {})
        for name, value in instance.items():
            if name not in known:
                yield from iter_errors(subschema, value, path + (name,), root)


def _ref(reference, instance, schema, path, root):
    yield from iter_errors(resolve(root, reference), instance, path, root)


def resolve(root: Mapping[str, Any], reference: str) -> Any:
    """The subschema a local `$ref` (a JSON pointer after `#`) names; LookupError when there is none."""
    if not reference.startswith("#"):
        raise LookupError(f"$ref {reference!r} is not local to the schema")
    target: Any = root
    for token in filter(None, reference[1:].split("/")):
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, Mapping) or token not in target:
            raise LookupError(f"$ref {reference!r} names nothing in the schema")
        target = target[token]
    return target


_KEYWORDS = {
    "$ref": _ref,
    "type": _type,
    "enum": _enum,
    "pattern": _pattern,
    "minimum": _minimum,
    "maximum": _maximum,
    "anyOf": _any_of,
    "items": _items,
    "properties": _properties,
    "additionalProperties": _additional_properties,
}


def iter_errors(schema: Mapping[str, Any] | bool, instance: Any, path: tuple = (),
                root: Mapping[str, Any] | None = None) -> Iterator[SchemaError]:
    """Every error of `instance` against `schema`, in the order jsonschema reports them.

    `root` is the whole document `$ref`s point into; by default `schema` itself.
    """
    if schema is True:  # the schema that accepts everything
        return
    if schema is False:  # ...and the one that accepts nothing: no keyword, as in jsonschema, which however
        # drops the path of this error; it is kept here, so that a finding can name the variable
        yield SchemaError(path, None, None, instance)
        return
    root = schema if root is None else root
    for keyword, value in schema.items():
        check = _KEYWORDS.get(keyword)
        if check is not None:
            yield from check(value, instance, schema, path, root)


def unsupported_keywords(schema: Any, root: Any = None) -> set[str]:
    """Keywords anywhere in `schema` that this module would silently ignore (empty when all is covered),
    and `$ref`s it cannot resolve."""
    if isinstance(schema, bool):
        return set()
    if not isinstance(schema, dict):
        return {f"<a {type(schema).__name__} where a schema belongs>"}
    root = schema if root is None else root
    found = {keyword for keyword in schema
             if keyword not in _KEYWORDS and keyword not in ANNOTATIONS and not keyword.startswith("x-")}
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        found |= {f"type {name!r}" for name in names if name not in _TYPES}
    if "$ref" in schema:
        try:
            resolve(root, schema["$ref"])
        except LookupError as error:
            found.add(str(error))
    for subschema in schema.get("anyOf", []):
        found |= unsupported_keywords(subschema, root)
    for keyword in ("properties", "$defs"):
        for subschema in schema.get(keyword, {}).values():
            found |= unsupported_keywords(subschema, root)
    for keyword in ("items", "additionalProperties"):
        if keyword in schema:
            found |= unsupported_keywords(schema[keyword], root)
    return found
