"""glance_staging_store_uri must be `file://` followed by an absolute path.

Glance stops at startup on any other scheme (`Unexpected scheme in staging store`). Slips that
are common: `file://var/lib/glance/staging` has two slashes, so `var` is read as a *host* name
and the path becomes `/lib/glance/staging`; a path with `..` segments, which resolves somewhere
the operator did not mean and that the role cannot check; and a `$` (as in `file:///$HOME/x`),
which Ansible's file module expands from the environment while Glance takes it literally, so the
role would manage one directory and Glance stage in another. The settings, the role and verify
read the URI with the same parser (xdeploy_glance.settings.staging_path_from_uri).
"""
from ..settings import StagingUriError, staging_path_from_uri
from .base import Problem, RuleContext, Severity

ID = "staging-uri-form"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_staging_store_uri",)


def check(context: RuleContext):
    uri = context.settings.value("glance_staging_store_uri")
    if not uri:
        return  # an empty URI is the concern of staging-required
    try:
        staging_path_from_uri(uri)
    except StagingUriError as error:
        yield Problem("glance_staging_store_uri", error.problem, error.hint)
