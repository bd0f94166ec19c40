"""`xdeploy-glance validate`: check globals against the schema and Glance's real behaviour."""
from __future__ import annotations

import argparse

from .common import add_globals_arguments, globals_paths, load_hosts, write_output

HELP = "check globals files before a deploy"
DESCRIPTION = """\
Check the Glance image-import globals: first against the JSON Schema (types, defaults, see
`xdeploy-glance schema`), then against rules that know how Glance 33 behaves (see
`xdeploy-glance explain`). Other variables in the files are ignored.

Exit status: 0 no errors (warnings allowed), 1 errors (or warnings with --strict),
2 usage error or unreadable input.

Examples:
  xdeploy-glance validate -c /etc/kolla/globals.yml -c /etc/kolla/globals.d
  xdeploy-glance validate -c globals.yml -i multinode --format sarif --output glance.sarif
"""

FORMATS = ("text", "json", "sarif", "junit", "github")


def configure(parser: argparse.ArgumentParser) -> None:
    add_globals_arguments(parser)
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="more globals files, read after the -c ones (lets pre-commit pass file names)")
    parser.add_argument("-f", "--format", choices=FORMATS, default="text",
                        help="output format: text (default; file:line:col: severity [rule] message), json, "
                             "sarif (SARIF 2.1.0 for code scanning), junit (XML for CI test reports), "
                             "github (workflow annotations)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")


def run(args: argparse.Namespace) -> int:
    from .. import __version__, checker
    from ..cli import UsageError
    from ..findings import has_errors
    from ..loading import InputError, expand_sources
    from ..reporters import REPORTERS, Report

    paths = globals_paths(args)
    hosts = load_hosts(args.inventory)
    try:
        files = tuple(str(p) for p in expand_sources(paths))
        result = checker.run(files, hosts, args.inventory)
    except InputError as exc:
        raise UsageError(str(exc)) from exc
    if not files:
        raise UsageError(f"no globals files found in {', '.join(paths)}")
    report = Report(findings=result.findings, files=files, tool_version=__version__)
    write_output(REPORTERS[args.format](report), args.output)
    return 1 if has_errors(result.findings, strict=args.strict) else 0
