"""A `glance_*` variable is not one this tool knows, but looks like one that is.

Ansible accepts any variable name, so `glance_enable_import_methods` is silently ignored and
Glance keeps its default. A name made of a known variable's words in another order
(`glance_file_backend` for `glance_backend_file`) counts as a misspelling too. Unknown names that
resemble no known variable are left alone: kolla has many other glance_* variables.
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
        close = _same_words(name, known) or difflib.get_close_matches(name, known, n=1, cutoff=0.88)
        if close:
            yield Problem(name, f"unknown variable {name!r}; did you mean {close[0]!r}?",
                          f"rename it to {close[0]}; as written, Ansible ignores it")


def _same_words(name: str, known: list[str]) -> list[str]:
    """The known variable written with the same words as `name`, in another order (at most one)."""
    words = sorted(name.split("_"))
    return [candidate for candidate in known if sorted(candidate.split("_")) == words][:1]
