"""`xdeploy-glance render`: validate, then write glance-api.conf and glance-image-import.conf."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from .common import (DEFAULTS_HELP, add_configdir_argument, add_globals_arguments, globals_paths, load_hosts,
                     overrides_path, passwords_path)

HELP = "render what the plugin feeds kolla's glance role (or, --standalone, whole config files)"
DESCRIPTION = f"""\
Validate the globals (as `validate` does; errors stop here, exit 1), then write what the plugin's
play writes into kolla-ansible's inputs, in the syntax Glance 33 reads:

  DIR/xdeploy-glance/glance-api.conf           the glance-api.conf options the plugin owns
                                               (enabled_import_methods, image_size_cap,
                                               [os_glance_staging_store], [import_filtering_opts],
                                               [wsgi]); kolla merges it right after its template
  DIR/xdeploy-glance/glance-image-import.conf  the import plugins' options

DIR is a node_custom_config (the play writes to {{{{ node_custom_config }}}}/xdeploy-glance/).
Every other glance-api.conf option is kolla's. The operator's override files are read as kolla
merges them after the plugin's (-i: for each glance-api host), and their mistakes reported.
Files are written atomically (mode 0640); one already holding the text is left untouched
("unchanged PATH").

--standalone writes whole glance-api.conf and glance-image-import.conf instead (no kolla), to DIR/,
or with an inventory one pair per host to DIR/<host>/ (--host picks one). Host variables apply where
the globals do not set the variable (Ansible's precedence: globals are extra vars).

--overrides DIR is kolla's node_custom_config (default: node_custom_config from the globals, as
the play reads it, else <configdir>/config; a missing default directory means no overrides);
later files win per key:
  glance-api.conf:           global.conf, glance.conf, glance/glance-api.conf,
                             glance/<host>/glance-api.conf
  glance-image-import.conf:  glance/glance-image-import.conf,
                             glance/<host>/glance-image-import.conf
A missing override file is fine; one that cannot be read is an error (exit 2).

Secrets (glance_database_password, glance_keystone_password, memcache_secret_key, ...) come from
a kolla passwords.yml (-p). A missing secret or connection value glance-api cannot start without is
an error (nothing is written) unless an override file supplies the option; secrets are
masked in every diff and message.

{DEFAULTS_HELP}
Exit status: 0 written (warnings allowed), 1 findings with errors or a failed write (nothing
changed), 2 usage error, unreadable input, or --check-glance without Glance installed.

Examples:
  xdeploy-glance render -o /tmp/glance-config        kolla's files in /etc/kolla
  xdeploy-glance render --configdir /srv/kolla/prod -o /tmp/glance-config
  xdeploy-glance render -c globals.yml -i multinode --host api1 -o out --diff
"""

TEMPLATED = "render-templated-value"
# Rules about kolla's glance_api container, which `--standalone` files never run in.
CONTAINER_RULES = ("staging-outside-volumes",)
DEEP_CHECK = "glance-deep-check"


def configure(parser: argparse.ArgumentParser) -> None:
    add_globals_arguments(parser, inventory_help="Ansible inventory: render one pair of files per host of its "
                                                 "glance-api group, into DIR/<host>/")
    add_configdir_argument(parser)
    parser.add_argument("-p", "--passwords", metavar="PATH", help="kolla-ansible passwords.yml with the secrets "
                                                                  "(default: <configdir>/passwords.yml)")
    parser.add_argument("--host", metavar="NAME", help="render only this host (with -i: a host of the glance-api "
                                                       "group; without: the name its override files use)")
    parser.add_argument("--overrides", metavar="DIR", help="custom-config root with the override files "
                                                           "(default: the globals' node_custom_config, else "
                                                           "<configdir>/config)")
    parser.add_argument("-o", "--output-dir", dest="output_dir", metavar="DIR", required=True,
                        help="directory to write the files to (created if missing)")
    parser.add_argument("--diff", action="store_true",
                        help="show a unified diff against the files in DIR and change nothing")
    parser.add_argument("--standalone", action="store_true",
                        help="write whole glance-api.conf and glance-image-import.conf, for a Glance without kolla")
    parser.add_argument("--check-glance", action="store_true",
                        help="also load the files with Glance's own option definitions and convert every value "
                             "(needs `pip install 'xdeploy-glance[glance]'`; exit 2 without it)")


def run(args: argparse.Namespace) -> int:
    from .. import __version__, checker, deep_check
    from ..cli import UsageError
    from ..findings import Finding, has_errors
    from ..loading import InputError, expand_sources
    from ..render import api, output, overrides, passwords
    from ..render.masking import mask_line
    from ..reporters import REPORTERS, Report

    if not args.output_dir.strip():  # Path("") is the current directory (issue 16 #18)
        raise UsageError("-o needs a directory; an empty one would write into the current directory")
    if args.check_glance and not deep_check.available():
        raise UsageError("--check-glance needs Glance's option definitions, but the glance package is not "
                         "importable here: pip install 'xdeploy-glance[glance]'")
    paths = globals_paths(args)
    # The owned options hold no secret: only whole standalone files need passwords.yml.
    passwords_file = passwords_path(args) if args.standalone or args.passwords else None
    hosts = load_hosts(args.inventory)
    targets = _targets(hosts, args.host)
    try:
        files = tuple(str(p) for p in expand_sources(paths))
        result = checker.run(files, hosts, args.inventory)
        secrets, secret_findings = passwords.load(passwords_file, result.merged.values if result.merged else {})
    except InputError as exc:
        raise UsageError(str(exc)) from exc
    if not files:
        raise UsageError(f"no globals files found in {', '.join(paths or args.globals_paths)}")
    overrides_dir, named = overrides_path(args, result.merged.values if result.merged else {})
    if not overrides_dir.is_dir():
        if named:
            raise UsageError(f"{overrides_dir}: the overrides directory does not exist")
        overrides_dir = None  # kolla's node_custom_config may be absent: then there is nothing to merge
    findings = [_refuse_templated(f) for f in result.findings] + secret_findings
    if args.standalone:  # a standalone Glance runs on the host: there is no glance_api container to miss
        findings = [f for f in findings if f.rule not in CONTAINER_RULES]

    rendered: list[output.RenderedFile] = []
    documents: dict[str, object] = {}  # rendered path -> merged ini.Document (where each setting came from)
    secret_values: set[str] = set()
    if not has_errors(findings) and not args.standalone:
        try:
            outcome = api.render_inputs(result.settings, overrides_dir,
                                        [host.name for host in targets if host is not None], checked=result)
        except overrides.OverrideError as exc:
            raise UsageError(str(exc)) from exc
        findings.extend(outcome.findings)
        rendered.extend(outcome.files)
        documents.update(outcome.documents)
    if not has_errors(findings) and args.standalone:
        for host in targets:
            settings, host_findings = _host_settings(result, host)
            findings.extend(host_findings)
            if settings is None:
                continue
            name = host.name if host is not None else args.host
            try:
                outcome = api.render_host(settings, name, secrets, overrides_dir)
            except overrides.OverrideError as exc:
                raise UsageError(str(exc)) from exc
            findings.extend(outcome.findings)
            secret_values.update(outcome.secrets)
            prefix = f"{host.name}/" if host is not None else ""
            rendered.extend(output.RenderedFile(prefix + f.path, f.text) for f in outcome.files)
            documents.update({prefix + name: document for name, document in outcome.documents.items()})
    if args.check_glance and not has_errors(findings):
        findings.extend(_deep_check(rendered, documents) if args.standalone else _deep_check_inputs(documents))

    findings = _collapse_hosts(findings, [host.name for host in targets if host is not None])
    # No message quotes a secret on purpose; this keeps one that slipped into a value out of the report too.
    findings = [replace(f, message=mask_line(f.message, secret_values), hint=mask_line(f.hint, secret_values))
                for f in findings]
    report = REPORTERS["text"](Report(findings=tuple(sorted(findings, key=Finding.sort_key)), files=files,
                                      tool_version=__version__))
    sys.stderr.write(report)
    if has_errors(findings):
        sys.stderr.write("nothing was written\n")
        return 1
    out = Path(args.output_dir)
    try:
        if args.diff:
            sys.stdout.write(output.diff(out, rendered, secret_values))
            return 0
        written = set(output.write_files(out, rendered))
        sys.stdout.writelines(f"{'wrote' if out / r.path in written else 'unchanged'} {out / r.path}\n"
                              for r in rendered)
    except output.WriteError as exc:
        sys.stderr.write(f"xdeploy-glance render: error: {exc}\n")
        return 1
    return 0


def _targets(hosts, only: str | None) -> list:
    """The hosts to render: each inventory host (or the one --host names), or [None] without inventory."""
    from ..cli import UsageError

    if hosts is None:
        return [None]
    if only is None:
        if not hosts:
            raise UsageError("the inventory's glance-api group has no hosts")
        return list(hosts)
    chosen = [host for host in hosts if host.name == only]
    if not chosen:
        raise UsageError(f"--host {only}: not a host of the inventory's glance-api group "
                         f"({', '.join(h.name for h in hosts) or 'empty'})")
    return chosen


def _refuse_templated(finding):
    """A Jinja value can be checked at deploy time, but never rendered here: that needs Ansible."""
    from ..findings import Severity

    if finding.rule != "templated-value":
        return finding
    return replace(finding, rule=TEMPLATED, severity=Severity.ERROR,
                   message="the value is a Jinja expression, which only Ansible can resolve: "
                           "xdeploy-glance render needs literal values",
                   hint="render through the Ansible role, or write the literal value")


def _host_settings(result, host):
    """(Settings, findings) for one host (checker.with_host); Settings is None when its own values have errors."""
    from ..checker import with_host
    from ..findings import has_errors

    if host is None:
        return result.settings, []
    checked, new = with_host(result, host)
    return (None if has_errors(new) else checked.settings), new


def _collapse_hosts(findings: list, hosts: list[str]) -> list:
    """A finding every host has in the same words is reported once, without a host."""
    if len(hosts) < 2:
        return findings
    by_host: dict = {}
    for finding in findings:
        by_host.setdefault(replace(finding, host=None), set()).add(finding.host)
    collapsed = []
    for finding in findings:
        shared = replace(finding, host=None)
        if by_host.get(shared) == set(hosts):
            collapsed.append(shared)
            by_host.pop(shared)
        elif shared in by_host:
            collapsed.append(finding)
    return collapsed


def _deep_check(rendered, documents) -> list:
    """Glance's own option types over every rendered pair, as glance-api would read them."""
    from .. import deep_check
    from ..findings import Finding, Location, Severity

    pairs: dict[str, dict[str, str]] = {}
    for rendered_file in rendered:
        directory, _, name = rendered_file.path.rpartition("/")
        pairs.setdefault(directory, {})[name] = rendered_file.text
    findings = []
    for directory, texts in sorted(pairs.items()):
        prefix = f"{directory}/" if directory else ""
        for problem in deep_check.check_texts(texts["glance-api.conf"], texts["glance-image-import.conf"]):
            setting = documents[prefix + problem.file].get(problem.section, problem.option)
            location = Location(setting.source, setting.line) if setting else None
            findings.append(Finding(DEEP_CHECK, Severity.ERROR,
                                    f"{problem.file} [{problem.section}] {problem.option}: {problem.message}",
                                    "Glance 33 would refuse this; fix the global or the override that sets it",
                                    location=location, host=directory or None))
    return findings


def _deep_check_inputs(documents) -> list:
    """Glance's own option types over the owned options, as kolla's merge (with the overrides) leaves them."""
    from .. import deep_check, ini
    from ..findings import Finding, Location, Severity
    from ..render.overrides import API_CONF, IMPORT_CONF

    findings = []
    for problem in deep_check.check_texts(ini.write(documents[API_CONF]), ini.write(documents[IMPORT_CONF])):
        setting = documents[problem.file].get(problem.section, problem.option)
        findings.append(Finding(DEEP_CHECK, Severity.ERROR,
                                f"{problem.file} [{problem.section}] {problem.option}: {problem.message}",
                                "Glance 33 would refuse this; fix the global or the override that sets it",
                                location=Location(setting.source, setting.line) if setting else None))
    return findings
