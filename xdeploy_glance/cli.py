"""Command-line entry point: parse arguments, dispatch to a command module, map errors to exit codes.

Exit codes for every command: 0 success, 1 findings that fail the run (or a failed step), 2 usage
error or unreadable input. Command modules import their heavy dependencies inside run(), so
`--help` and plain validation start fast.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from . import __version__

# name -> module in xdeploy_glance.commands; the order is the order of `--help`.
COMMANDS = (
    "validate",
    "render",
    "integrate",
    "reconfigure",
    "verify",
    "schema",
    "explain",
)

DESCRIPTION = """\
Validate, render and provision OpenStack Glance interoperable image import for XDeploy.

Typical use:
  xdeploy-glance validate -c /etc/kolla/globals.yml             lint globals before a deploy
  xdeploy-glance render -c globals.yml -p passwords.yml -o DIR   write the two config files
  xdeploy-glance reconfigure -c globals.yml -i multinode          validate, deploy config and staging, verify
  xdeploy-glance verify -c globals.yml -i multinode               check deployed hosts for drift
  xdeploy-glance explain staging-overlap                         what a finding means
  xdeploy-glance schema                                          every variable, type and default

Each command has its own --help with examples and exit codes.
"""


class UsageError(Exception):
    """Bad arguments or input that cannot be read: exit code 2."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser. With `only`, just that command's module is imported and the others are
    offered by name: one command's start-up never pays for another command's imports."""
    parser = argparse.ArgumentParser(prog="xdeploy-glance", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        if only is not None and name != only:
            if importlib.util.find_spec(f"{__package__}.commands.{name}") is not None:
                subparsers.add_parser(name)
            continue
        try:
            module = importlib.import_module(f".commands.{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.commands.{name}":
                raise
            continue  # a command still being built is not offered
        sub = subparsers.add_parser(name, help=module.HELP, description=module.DESCRIPTION,
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    named = next((word for word in argv if not word.startswith("-")), None)
    parser = build_parser(only=named if named in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"xdeploy-glance {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `xdeploy-glance ... | head`
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
