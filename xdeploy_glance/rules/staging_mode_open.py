"""glance_staging_mode must not open the staging directory to other users or set special bits.

Staged files are customers' images on their way into Glance. A mode that lets every user of the
host read or write them (`0755`, `0777`), or sets the setuid, setgid or sticky bit (`6777`),
would be applied by the role and only objected to by verify afterwards. The role and verify judge
the mode with the same predicate (xdeploy_glance.staging_checks.open_mode_problems).
"""
from ..staging_checks import octal_mode, open_mode_problems
from .base import Problem, RuleContext, Severity

ID = "staging-mode-open"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_staging_mode",)


def check(context: RuleContext):
    mode = octal_mode(context.settings.value("glance_staging_mode"))
    problems = open_mode_problems(mode) if mode is not None else []
    if problems:
        yield Problem("glance_staging_mode", f"mode {mode:04o} is too open: {'; '.join(problems)}",
                      "use 0750 (the default) or 0770: the owner and group are Glance's")
