"""The ids of verify's checks and their documentation, read from the check functions' docstrings.

One place: each shipped check `test_<id>` in xdeploy_glance/verify/checks/ documents itself in
its docstring (first line: the summary; the rest: why, and what to do). `explain`, docs/reference.md
and the reports all take the ids from here. The checks are read with `ast`, not imported, so
`explain` needs neither pytest nor testinfra.

One id is not a function: HOST_REACHABLE, reported once per host whose facts could not be gathered
(instead of every check of that host failing with the same reason).
"""
from __future__ import annotations

import ast
import inspect
from importlib import resources

from ..findings import RuleDoc, Severity

CHECKS_PACKAGE = "xdeploy_glance.verify.checks"
HOST_REACHABLE = "host-reachable"
_HOST_REACHABLE_DOC = """\
verify reaches the host and runs its facts command there.

verify looks at each glance-api host with one command, reached the way Ansible reaches it (local,
or ssh with the inventory's user, port, key and options), run by the host's Python 3
(ansible_python_interpreter, else python3). When that fails (ssh refused, authentication, no
Python, the facts script failed) no other check can look at the host: the host is reported once,
with ssh's or the script's reason, instead of once per check. Check the host with
`ansible -i INVENTORY HOST -m ping`."""


def check_id(function_name: str) -> str:
    """test_staging_free_space -> staging-free-space"""
    return function_name.removeprefix("test_").replace("_", "-")


def check_docs() -> dict[str, RuleDoc]:
    """Every verify check id, in the order verify runs them, with its docstring; host-reachable first."""
    docs = {HOST_REACHABLE: RuleDoc(HOST_REACHABLE, Severity.ERROR, _HOST_REACHABLE_DOC)}
    for module in ("test_config.py", "test_staging.py", "test_leftovers.py"):
        source = resources.files(CHECKS_PACKAGE).joinpath(module).read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                docs[check_id(node.name)] = RuleDoc(check_id(node.name), Severity.ERROR,
                                                    inspect.cleandoc(ast.get_docstring(node) or ""))
    return docs
