"""`xdeploy-glance integrate`: put the plugin into a kolla-ansible or XDeploy `ansible/` tree."""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

HELP = "put the plugin into kolla-ansible's (XDeploy's) ansible/ tree"
DESCRIPTION = """\
Integrate xdeploy-glance into a kolla-ansible or XDeploy `ansible/` directory (the one holding
site.yml: <venv>/share/kolla-ansible/ansible for a pip install, or a checkout's ansible/).
kolla's glance role stays the only writer of Glance's files; the plugin feeds it:

  site.yml                      the play applying role xdeploy.glance.glance_import, right before
                                kolla's "Apply role glance" play (same hosts, tag glance)
  roles/glance/tasks/config.yml one more glance-api.conf merge source, right after kolla's template:
                                {{ node_custom_config }}/xdeploy-glance/glance-api.conf, so every
                                operator override still wins; glance-image-import.conf merged from
                                the plugin's file and the operator's (the operator's wins per key)
  collections/ansible_collections/xdeploy/glance
                                the collection shipped in this package

Every edit carries the marker "xdeploy-glance"; nothing else in the tree is touched, and a second
run changes nothing. Run it again after upgrading xdeploy-glance or XDeploy.

Exit status: 0 integrated (or, with --check, up to date); 1 with --check, the tree lacks the
integration or holds an outdated copy; 2 not a kolla-ansible tree this version recognises, or a
file that cannot be written (nothing is changed then).

Examples:
  xdeploy-glance integrate --ansible-dir /opt/xdeploy/share/kolla-ansible/ansible
  xdeploy-glance integrate --ansible-dir ansible --check --diff     # in CI, after an upgrade
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ansible-dir", required=True, metavar="DIR", type=Path,
                        help="kolla-ansible's ansible/ directory (the one with site.yml)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when the tree lacks the integration or holds an outdated copy")
    parser.add_argument("--diff", action="store_true", help="show the changes (with --check: the changes needed)")


def run(args: argparse.Namespace) -> int:
    from .. import integration
    from ..cli import UsageError

    try:
        changes = integration.plan(args.ansible_dir)
    except (integration.TreeError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    if args.diff:
        for change in changes.files:
            sys.stdout.writelines(difflib.unified_diff((change.before or "").splitlines(keepends=True),
                                                       change.after.splitlines(keepends=True),
                                                       str(change.path), str(change.path)))
        for name in changes.collection_stale:
            sys.stdout.write(f"collection: {args.ansible_dir / integration.COLLECTION / name}\n")
    if changes.up_to_date:
        print(f"{args.ansible_dir}: xdeploy-glance is integrated and up to date")
        return 0
    if args.check:
        what = [str(change.path) for change in changes.files]
        if changes.collection_stale:
            what.append(f"{args.ansible_dir / integration.COLLECTION} ({len(changes.collection_stale)} files)")
        print(f"{args.ansible_dir}: the integration is missing or outdated in: {', '.join(what)}; "
              "run xdeploy-glance integrate", file=sys.stderr)
        return 1
    try:
        integration.apply(changes)
    except OSError as exc:
        raise UsageError(f"cannot write the integration: {exc}") from exc
    for change in changes.files:
        print(f"changed {change.path}")
    if changes.collection_stale:
        print(f"installed {args.ansible_dir / integration.COLLECTION}")
    return 0
