"""A variable Glance needs a value for is set to an empty string.

These variables are written into glance-api.conf on every render (the schema marks them
`x-nonempty`): an empty one leaves, for example, `lock_path =` or `flavor =`, which Glance reads
as an empty path or pipeline name and fails on at run time. Leave the variable out to get its
default instead.
"""
from .base import Problem, RuleContext, Severity
from .. import schema

ID = "value-empty"
SEVERITY = Severity.ERROR
VARIABLES = tuple(name for name, prop in schema.schema_document()["properties"].items() if prop.get("x-nonempty"))


def check(context: RuleContext):
    for name in VARIABLES:
        value = context.settings.value(name)
        if value is None or not str(value).strip():
            default = schema.variables()[name].default
            yield Problem(name, "is empty, but Glance needs a value here",
                          f"remove the line to get the default ({default})")
