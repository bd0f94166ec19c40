"""`xdeploy-glance schema`: print the JSON Schema of the globals (the source of truth)."""
from __future__ import annotations

import argparse
import sys

HELP = "print the JSON Schema of every variable, with types and defaults"
DESCRIPTION = """\
Print the JSON Schema that defines every variable this tool reads: its type, default and
meaning. Point an editor at it for completion and checks in globals.yml, e.g. with
yaml-language-server:

  # yaml-language-server: $schema=<path printed by `xdeploy-glance schema --path`>
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--path", action="store_true", help="print the schema file's path instead of its text")


def run(args: argparse.Namespace) -> int:
    from .. import resources

    sys.stdout.write(f"{resources.schema_path()}\n" if args.path else resources.schema_text())
    return 0
