"""node_config_directory and node_custom_config must be absolute, normalized paths.

The plugin deploys into and reads from these directories. A relative path is taken relative to
whatever directory the remote user's session starts in (and made reconfigure loop for ever), an
empty one means the root directory (`/glance-api`), and `~` is the remote user's home. A path
with `.` or `..` segments, repeated or trailing slashes is not the path the checks see on the
host, and `$` is expanded from the environment by Ansible's file module. Write the plain absolute
path, e.g. `/etc/kolla`.
"""
import posixpath

from .base import Problem, RuleContext, Severity
from .. import schema

ID = "config-directory-path"
SEVERITY = Severity.ERROR
VARIABLES = ("node_config_directory", "node_custom_config")


def check(context: RuleContext):
    for name in VARIABLES:
        path = context.settings.value(name) or ""
        fix = f"write an absolute path, such as kolla's default {schema.variables()[name].default}"
        if not path.startswith("/"):
            yield Problem(name, f"{path!r} is not an absolute path", fix)
        elif path == "/":
            yield Problem(name, "'/' is the root directory, not a directory for kolla's files", fix)
        elif "$" in path:
            yield Problem(name, f"{path!r} holds '$', which Ansible's file module expands from the environment", fix)
        elif posixpath.normpath(path) != path or path.startswith("//"):
            yield Problem(name, f"{path!r} is not normalized ('.' or '..' segments, repeated or trailing slashes)",
                          f"write it as {'/' + posixpath.normpath(path).lstrip('/')}")
