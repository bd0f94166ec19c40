"""`xdeploy-glance explain [RULE]`: a rule's documentation, or the list of rules."""
from __future__ import annotations

import argparse
import sys

HELP = "show what a rule or a verify check checks and why (no RULE: list them all)"
DESCRIPTION = """\
Show the documentation of a rule (validate, render) or of a verify check: what it checks, why
Glance needs it, its severity. Without RULE, list every rule with its severity and one-line
summary, then every verify check.

Examples: xdeploy-glance explain staging-uri-form
          xdeploy-glance explain staging-free-space

A rule's page ends with the ways to accept its findings: --skip RULE, a level in
.xdeploy-glance.yml, or `# xdeploy-glance: disable=RULE` on the variable's line.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", nargs="?", metavar="RULE",
                        help="rule id, as printed in brackets in findings, or a verify check id")


VERIFY_FOOTER = """\
A check of `xdeploy-glance verify` (and of reconfigure, which runs it): reported per host as
passed, FAILED or ERROR (the check could not look); any failure makes verify exit 1.
"""


def run(args: argparse.Namespace) -> int:
    from ..cli import UsageError
    from ..catalogue import finding_docs
    from ..schema import did_you_mean
    from ..suppression import HOW_TO
    from ..verify.catalogue import check_docs

    docs, checks = finding_docs(), check_docs()
    if args.rule is None:
        width = max(map(len, [*docs, *checks]))
        for rule_id, doc in sorted(docs.items()):
            sys.stdout.write(f"{rule_id:<{width}}  {str(doc.severity):<7}  {doc.doc.splitlines()[0]}\n")
        sys.stdout.write("\nverify checks:\n")
        for check_id, doc in checks.items():
            sys.stdout.write(f"{check_id:<{width}}  {'check':<7}  {doc.doc.splitlines()[0]}\n")
        return 0
    if args.rule in checks:
        doc = checks[args.rule]
        sys.stdout.write(f"{doc.id} (verify check)\n\n{doc.doc}\n\n{VERIFY_FOOTER}")
        return 0
    doc = docs.get(args.rule)
    if doc is None:
        known = {**docs, **checks}
        raise UsageError(f"no rule {args.rule!r}{did_you_mean(args.rule, known)}; `xdeploy-glance explain` lists them")
    sys.stdout.write(f"{doc.id} ({doc.severity})\n\n{doc.doc}\n\n{HOW_TO.format(rule=doc.id)}")
    return 0
