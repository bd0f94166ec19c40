"""A value holds characters that would break, or inject into, the rendered INI file.

A newline would end the option and let the rest of the value become new lines of the file (an
operator value `x\\n[DEFAULT]\\nauth_strategy = noauth` would add a section). In list options
(`[a,b]`) an item must not contain `[`, `]` or `,`; in mapping values (`k:v,k2:v2`) keys must not
contain `:` or `,` and values must not contain `,`. oslo.config strips white space and outer
quotes from values and items, so those would be lost; a leading `#` or `;` reads as a comment
on a continuation line. A control character such as NUL has no place in an option, and `\\$` is
read by oslo.config as `$` (a plain `$` is fine: it is written as `$$`, so oslo.config does not
substitute another option's value for `$name`). The renderer uses the same checks
(xdeploy_glance.render.encoding) and refuses to write such a value, so whatever this rule lets
through renders safely.
"""
from .base import Problem, RuleContext, Severity
from .. import schema
from .. import oslo_encoding as encoding

ID = "ini-unsafe-value"
SEVERITY = Severity.ERROR
VARIABLES = tuple(name for name, spec in schema.variables().items() if spec.kind in ("list", "mapping", "string"))

# Lists are checked as bracketed lists, the stricter of the two list forms.
_ENCODERS = {"list": encoding.bracketed_list, "mapping": encoding.mapping, "string": encoding.string}


def check(context: RuleContext):
    for name in VARIABLES:
        value = context.settings.value(name)
        if value is None or value == "":
            continue
        try:
            _ENCODERS[schema.variables()[name].kind](value)
        except encoding.UnsafeValue as exc:
            yield Problem(name, f"{exc}, which the INI file cannot hold as it is",
                          "remove the character; these values go into the Glance config files as they are")
