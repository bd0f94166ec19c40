"""`xdeploy-glance explain [RULE]`: a rule's documentation, or the list of rules."""
from __future__ import annotations

import argparse
import sys

HELP = "show what a rule checks and why (no RULE: list all rules)"
DESCRIPTION = """\
Show the documentation of a rule: what it checks, why Glance needs it, its severity.
Without RULE, list every rule with its severity and one-line summary.

Example: xdeploy-glance explain staging-uri-form

A rule's page ends with the ways to accept its findings: --skip RULE, a level in
.xdeploy-glance.yml, or `# xdeploy-glance: disable=RULE` on the variable's line.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", nargs="?", metavar="RULE", help="rule id, as printed in brackets in findings")


def run(args: argparse.Namespace) -> int:
    from ..cli import UsageError
    from ..rules import all_docs
    from ..schema import did_you_mean
    from ..suppression import HOW_TO

    docs = all_docs()
    if args.rule is None:
        width = max(map(len, docs))
        for rule_id, doc in sorted(docs.items()):
            sys.stdout.write(f"{rule_id:<{width}}  {str(doc.severity):<7}  {doc.doc.splitlines()[0]}\n")
        return 0
    doc = docs.get(args.rule)
    if doc is None:
        raise UsageError(f"no rule {args.rule!r}{did_you_mean(args.rule, docs)}; `xdeploy-glance explain` lists them")
    sys.stdout.write(f"{doc.id} ({doc.severity})\n\n{doc.doc}\n\n{HOW_TO.format(rule=doc.id)}")
    return 0
