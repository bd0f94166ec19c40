"""render_host: the one code path from Settings to the two config files of one host."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from .. import ini, resources
from ..checker import CheckResult, MergedGlobals, check_globals
from ..findings import Finding, Severity, has_errors
from ..rules.base import HostVars
from ..settings import Settings
from . import checks, effective, overrides, values
from ..oslo_encoding import Encoded
from .output import RenderedFile

TEMPLATES = {overrides.API_CONF: "glance-api.conf.j2", overrides.IMPORT_CONF: "glance-image-import.conf.j2"}
# The plugin's merge sources for kolla-ansible's glance role: only the options it owns.
INPUT_TEMPLATES = {overrides.API_CONF: "glance-api-import-options.conf.j2",
                   overrides.IMPORT_CONF: "glance-image-import.conf.j2"}
HOST_NAME = "render-host-name"


@dataclass(frozen=True)
class RenderResult:
    """The files of one host (none when a finding is an error) and every finding about them."""

    files: tuple[RenderedFile, ...]
    findings: tuple[Finding, ...]
    secrets: tuple[str, ...]  # the secret values the files may contain, for masking
    # The merged files by name: each setting knows the file and line it came from (template or override).
    documents: Mapping[str, ini.Document] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


def check_values(values: Mapping[str, Any], hosts: Sequence[HostVars] | None = None) -> CheckResult:
    """Validate already-resolved variables (what an Ansible action plugin has in task_vars), with the
    inventory's hosts for the rules that look across them."""
    return check_globals(MergedGlobals(dict(values), {}, ()), hosts)


def render_host(settings: Settings, host: str | None = None, secrets: Mapping[str, Any] | None = None,
                overrides_dir: Path | None = None, template: overrides.Template | None = None) -> RenderResult:
    """Render glance-api.conf and glance-image-import.conf for `host` (None: no host-specific overrides).

    Raises overrides.OverrideError when an override file exists but cannot be read.
    """
    secrets = secrets or {}
    secret_values = tuple(str(v) for name, v in secrets.items() if name in values.SECRET_NAMES and v not in (None, ""))
    findings: list[Finding] = []
    if host is not None and not _safe_host_name(host):
        findings.append(Finding(HOST_NAME, Severity.ERROR, f"host name {host!r} cannot be a directory name",
                                "rename the host in the inventory", host=host))
        return RenderResult((), tuple(findings), secret_values)
    api_context, import_context, value_findings, missing = values.build(settings, secrets, host)
    findings.extend(value_findings)
    if has_errors(findings):
        return RenderResult((), _sorted(findings), secret_values)
    contexts = {overrides.API_CONF: api_context, overrides.IMPORT_CONF: import_context}
    documents: dict[str, ini.Document] = {}
    for name, template_name in TEMPLATES.items():
        document = ini.parse(_environment().get_template(template_name).render(contexts[name]), f"{name} (rendered)")
        for path in overrides.chain(overrides_dir, name, host) if overrides_dir else ():
            override, override_findings = overrides.read(path, template, host)
            findings.extend(override_findings)
            if override is not None:
                document.merge(override)
        documents[name] = document
    findings.extend(finding for section, key, finding in missing
                    if documents[overrides.API_CONF].get(section, key) is None)
    stores = checks.backends(documents[overrides.API_CONF])
    for name, document in documents.items():
        findings.extend(checks.wrong_sections(document, name, stores, host))
    findings.extend(checks.both_files(documents[overrides.API_CONF], documents[overrides.IMPORT_CONF], host))
    if has_errors(findings):
        return RenderResult((), _sorted(findings), secret_values)
    files = tuple(RenderedFile(name, ini.write(documents[name])) for name in TEMPLATES)
    return RenderResult(files, _sorted(findings), secret_values, documents)


def render_inputs(settings: Settings, overrides_dir: Path | None = None, hosts: Sequence[str] = (),
                  template: overrides.Template | None = None, checked: CheckResult | None = None) -> RenderResult:
    """The files the plugin feeds kolla's glance role, named as they sit under node_custom_config
    (overrides.INPUTS_DIR/glance-api.conf and overrides.INPUTS_DIR/glance-image-import.conf).

    The files hold literal values, the same for every host. With `overrides_dir`, the operator's
    override files are merged after them in kolla's order, for each of `hosts` (none: the chain
    without host files), and the mistakes in them are reported; with `checked` (the validator's
    result for these settings), an override of an owned option is judged like its global
    (render.effective). Raises overrides.OverrideError
    when an override file exists but cannot be read.
    """
    api_context, import_context, findings = values.build_owned(settings)
    if has_errors(findings):
        return RenderResult((), _sorted(findings), ())
    contexts = {overrides.API_CONF: api_context, overrides.IMPORT_CONF: import_context}
    owned = {name: ini.parse(_environment().get_template(template_name).render(contexts[name]),
                             f"{overrides.INPUTS_DIR}/{name} (xdeploy-glance)")
             for name, template_name in INPUT_TEMPLATES.items()}
    documents = owned
    for host in (hosts or [None]) if overrides_dir is not None else ():
        documents = {}
        for name, document in owned.items():
            merged = copy.deepcopy(document)
            for path in overrides.kolla_chain(overrides_dir, name, host):
                override, override_findings = overrides.read(path, template, host)
                findings.extend(override_findings)
                if override is not None:
                    merged.merge(override)
            documents[name] = merged
        operator = {name: _operator_settings(document) for name, document in documents.items()}
        named_stores = checks.kolla_backends(settings, documents[overrides.API_CONF])
        for name, document in operator.items():
            findings.extend(checks.wrong_sections(document, name, {}, host, named_stores))
        findings.extend(checks.overridden_by_import_conf(operator[overrides.API_CONF],
                                                         documents[overrides.IMPORT_CONF], host))
        if checked is not None:
            findings.extend(effective.judge(checked, documents, host))
    if has_errors(findings):
        return RenderResult((), _sorted(findings), ())
    files = tuple(RenderedFile(f"{overrides.INPUTS_DIR}/{name}", ini.write(owned[name])) for name in INPUT_TEMPLATES)
    return RenderResult(files, _sorted(findings), (), documents)


def _operator_settings(document: ini.Document) -> ini.Document:
    """Only the settings an operator's override file wrote: the plugin's own are never the operator's fault."""
    kept = ini.Document()
    for section, key, setting in document.items():
        if not setting.source.endswith("(xdeploy-glance)"):
            kept.sections.setdefault(section, {})[key] = setting
    return kept


def _sorted(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=Finding.sort_key))


def _safe_host_name(host: str) -> bool:
    return bool(host) and host not in (".", "..") and "/" not in host and "\0" not in host


def _only_encoded(value: object) -> object:
    """Jinja finalize hook: a template may print encoded values and nothing else."""
    if isinstance(value, Encoded):
        return value
    from jinja2 import TemplateRuntimeError

    raise TemplateRuntimeError(f"template printed a value that was not encoded for oslo.config: {value!r}")


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    # auto_reload=False: the templates ship with the package and do not change during a run, so a render of
    # many hosts compiles each once and never stats it again.
    return Environment(loader=FileSystemLoader(str(resources.data_dir("templates"))), undefined=StrictUndefined,
                       finalize=_only_encoded, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                       autoescape=False, auto_reload=False)
