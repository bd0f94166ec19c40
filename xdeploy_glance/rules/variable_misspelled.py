"""A `glance_*` variable is not one this tool knows, but looks like one that is.

Ansible accepts any variable name, so `glance_enable_import_methods` is silently ignored and
Glance keeps its default. Unknown names that resemble no known variable are left alone: kolla
has many other glance_* variables.
"""
import difflib

from .base import Problem, RuleContext, Severity
from .. import schema

ID = "variable-misspelled"
SEVERITY = Severity.WARNING
VARIABLES = ()


def check(context: RuleContext):
    known = list(schema.variables())
    for name in context.raw_names:
        if not isinstance(name, str) or not name.startswith("glance_") or name in schema.variables():
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.88)
        if close:
            yield Problem(name, f"unknown variable {name!r}; did you mean {close[0]!r}?",
                          f"rename it to {close[0]}; as written, Ansible ignores it")
