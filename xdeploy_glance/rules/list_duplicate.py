"""A list variable names the same entry twice.

Glance accepts duplicates, but they are always a slip: a plugin listed twice runs twice on every
import, and a repeated method or host usually hides the one that was meant.
"""
from collections import Counter

from .base import Problem, RuleContext, Severity
from .. import schema

ID = "list-duplicate"
SEVERITY = Severity.WARNING
VARIABLES = tuple(name for name, spec in schema.variables().items() if spec.kind == "list")


def check(context: RuleContext):
    for name in VARIABLES:
        counts = Counter(context.settings.value(name))
        for item, count in counts.items():
            if count > 1:
                yield Problem(name, f"{item!r} is listed {count} times", "list each entry once")
