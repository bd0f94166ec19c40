"""`xdeploy-glance validate`: check globals against the schema and Glance's real behaviour."""
from __future__ import annotations

import argparse

from .common import (DEFAULTS_HELP, add_configdir_argument, add_globals_arguments, globals_paths, load_hosts,
                     write_output)

HELP = "check globals files before a deploy"
DESCRIPTION = f"""\
Check the Glance image-import globals: first against the JSON Schema (types, defaults, see
`xdeploy-glance schema`), then against rules that know how Glance 33 behaves (see
`xdeploy-glance explain`). Other variables in the files are ignored.

The -c files are one configuration, layered as kolla layers them (later files win). Each FILE
named after the options is checked on its own, with its own findings, as yamllint does: that is
how pre-commit passes the changed files of several environments.

{DEFAULTS_HELP}
Accept a finding with --skip RULE, a per-rule level in .xdeploy-glance.yml
(`rules: {{staging-volatile: disable}}`; levels disable, error, warning, info), or
`# xdeploy-glance: disable=RULE[,RULE]` on the variable's line. Suppressed findings stay in
--format json ("suppressed": true) and never count toward the exit status.

Exit status: 0 no errors (warnings allowed), 1 errors (or warnings with --strict),
2 usage error or unreadable input (sarif, junit and json reports then carry the error).

Examples:
  xdeploy-glance validate                      kolla's /etc/kolla/globals.yml and globals.d
  xdeploy-glance validate -c /etc/kolla/globals.yml -c /etc/kolla/globals.d
  xdeploy-glance validate envs/prod/globals.yml envs/stage/globals.yml     as pre-commit runs it
  xdeploy-glance validate -i multinode --format sarif --output glance.sarif
"""

FORMATS = ("text", "json", "sarif", "junit", "github")
# Formats a CI step uploads: when the input cannot be read they still get a report with the error.
_ERROR_REPORTS = ("json", "sarif", "junit")


def configure(parser: argparse.ArgumentParser) -> None:
    add_globals_arguments(parser)
    add_configdir_argument(parser)
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="globals files checked one by one, each on its own (pre-commit passes the changed "
                             "files so); no -c default is read when any is given")
    parser.add_argument("-f", "--format", choices=FORMATS, default="text",
                        help="output format: text (default; file:line:col: severity [rule] message), json, "
                             "sarif (SARIF 2.1.0 for code scanning), junit (XML for CI test reports), "
                             "github (workflow annotations)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    parser.add_argument("--base-dir", metavar="DIR", default=".",
                        help="SARIF locations are relative to DIR (default: the current directory, the "
                             "repository a scanner uploads from)")
    parser.add_argument("--skip", action="append", default=[], metavar="RULE",
                        help="accept every finding of RULE (repeatable)")
    parser.add_argument("--config", metavar="FILE",
                        help="per-rule levels (default: .xdeploy-glance.yml in the current directory, if any)")


def run(args: argparse.Namespace) -> int:
    from .. import __version__
    from ..cli import UsageError
    from ..findings import Finding, has_errors
    from ..reporters import REPORTERS, Report
    from ..catalogue import finding_docs

    docs = finding_docs()
    try:
        findings, files, policy = _check(args, docs)
    except UsageError as exc:
        if args.format in _ERROR_REPORTS:
            write_output(REPORTERS[args.format](Report(findings=(), files=(), tool_version=__version__,
                                                       docs=docs, base_dir=args.base_dir,
                                                       errors=(str(exc),))), args.output)
        raise
    from ..suppression import apply

    kept, suppressed = apply(sorted(findings, key=Finding.sort_key), policy, _texts(files))
    report = Report(findings=kept, files=files, tool_version=__version__, suppressed=suppressed, docs=docs,
                    strict=args.strict, base_dir=args.base_dir)
    write_output(REPORTERS[args.format](report), args.output)
    return 1 if has_errors(kept, strict=args.strict) else 0


def _check(args: argparse.Namespace, docs) -> tuple[list, tuple[str, ...], object]:
    """(findings, files checked, suppression policy); UsageError for input that cannot be read."""
    from dataclasses import replace

    from .. import checker
    from ..cli import UsageError
    from ..findings import Location
    from ..loading import InputError, expand_sources
    from ..suppression import PolicyError, load_policy

    try:
        policy = load_policy(args.config, args.skip, docs)
    except PolicyError as exc:
        raise UsageError(str(exc)) from exc
    hosts = load_hosts(args.inventory)
    # The -c files (or kolla's defaults) are one configuration; each positional file is its own.
    configurations = [((path,), True) for path in args.files]
    if args.globals_paths or not args.files:
        layered = argparse.Namespace(globals_paths=args.globals_paths, configdir=args.configdir)
        configurations.insert(0, (tuple(globals_paths(layered)), False))
    findings, files = [], []
    for paths, alone in configurations:
        try:
            sources = [str(p) for p in expand_sources(paths)]
            result = checker.run(sources, hosts, args.inventory)
            # each host's own values (host and group vars) are checked as render and the play see them
            host_findings = [finding for host in (hosts or ()) if result.merged is not None
                             for finding in checker.with_host(result, host)[1]]
        except InputError as exc:
            raise UsageError(str(exc)) from exc
        if not sources:
            raise UsageError(f"no globals files found in {', '.join(paths or args.globals_paths)}")
        if alone:
            # A file checked on its own owns even the findings about values it leaves at their default.
            findings.extend(f if f.location else replace(f, location=Location(sources[0])) for f in result.findings)
        else:
            findings.extend(result.findings)
        findings.extend(host_findings)
        files.extend(path for path in sources if path not in files)
    return findings, tuple(files), policy


def _texts(files) -> dict[str, str]:
    """Each checked file's text, for its inline suppression comments (the loader has read them)."""
    from pathlib import Path

    return {path: Path(path).read_text(encoding="utf-8", errors="replace") for path in files}
