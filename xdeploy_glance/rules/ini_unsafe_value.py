"""A value holds characters that would break, or inject into, the rendered INI file.

A newline would end the option and let the rest of the value become new lines of the file (an
operator value `x\\n[DEFAULT]\\nauth_strategy = noauth` would add a section). In bracketed
list options (`[a,b]`) an item must not contain `[`, `]` or `,`; in mapping values (`k:v,k2:v2`)
keys must not contain `:` or `,` and values must not contain `,`. A leading `#` or `;` would make
oslo.config read the line as a comment.
"""
from .base import Problem, RuleContext, Severity
from .. import schema

ID = "ini-unsafe-value"
SEVERITY = Severity.ERROR
VARIABLES = tuple(name for name, spec in schema.variables().items() if spec.kind in ("list", "mapping", "string"))

_LINE_BREAKS = ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _unsafe(text: str, forbidden: str) -> str | None:
    if any(ch in text for ch in _LINE_BREAKS):
        return "a line break"
    if text.lstrip().startswith(("#", ";")):
        return "a leading comment character"
    bad = sorted({ch for ch in text if ch in forbidden})
    return " and ".join(repr(ch) for ch in bad) if bad else None


def check(context: RuleContext):
    for name in VARIABLES:
        kind = schema.variables()[name].kind
        value = context.settings.value(name)
        if value is None:
            continue
        if kind == "list":
            parts = [(str(item), "[],") for item in value]
        elif kind == "mapping":
            parts = [(key, ":,") for key in value] + [(val, ",") for val in value.values()]
        else:
            parts = [(value, "")]
        for text, forbidden in parts:
            reason = _unsafe(text, forbidden)
            if reason:
                shown = text if len(text) <= 40 else text[:37] + "..."
                yield Problem(name, f"{shown!r} contains {reason}, which would break the INI file",
                              "remove the character; these values go into glance-api.conf as they are")
                break
