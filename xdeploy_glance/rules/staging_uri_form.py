"""glance_staging_store_uri must be `file://` followed by an absolute path.

Glance stops at startup on any other scheme (`Unexpected scheme in staging store`). Two slips
are common: `file://var/lib/glance/staging` has two slashes, so `var` is read as a *host* name
and the path becomes `/lib/glance/staging`; and a path with `..` segments, which resolves
somewhere the operator did not mean and that the role cannot check.
"""
from urllib.parse import urlsplit

from .base import Problem, RuleContext, Severity

ID = "staging-uri-form"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_staging_store_uri",)


def check(context: RuleContext):
    uri = context.settings.value("glance_staging_store_uri")
    if not uri:
        return  # an empty URI is the concern of staging-required
    name = "glance_staging_store_uri"
    try:
        parts = urlsplit(uri)
    except ValueError as error:  # e.g. an unclosed IPv6 bracket
        yield Problem(name, f"{uri!r} is not a URI ({error})", "write file:///absolute/path")
        return
    if parts.scheme != "file":
        yield Problem(name, f"{uri!r} does not start with file://; Glance stages only on a local path",
                      "write file:///absolute/path, e.g. file:///var/lib/glance/staging")
    elif parts.netloc:
        yield Problem(name, f"{uri!r} names a host {parts.netloc!r}: with two slashes after file: the first path "
                            f"segment is read as a host name",
                      f"use three slashes: file:///{parts.netloc}{parts.path}")
    elif not parts.path.startswith("/"):
        yield Problem(name, f"{uri!r} has no absolute path", "write file:///absolute/path")
    elif ".." in parts.path.split("/"):
        yield Problem(name, f"{uri!r} contains '..'", "write the path without '..' segments")
    elif parts.query or parts.fragment:
        yield Problem(name, f"{uri!r} has a query or fragment, which would become part of the directory name",
                      "remove everything from '?' or '#'")
