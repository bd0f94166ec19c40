"""Render glance-api.conf and glance-image-import.conf from validated globals: one code path for all.

The CLI (`xdeploy-glance render`), the Ansible config role (through its action plugin) and the
tests all call the same functions, so a deployed file is byte-for-byte what `render` produces:

    from xdeploy_glance.render import check_values, render_host, write_files

    result = check_values(resolved_vars)           # CheckResult: .findings, .settings (validate first)
    rendered = render_host(result.settings,         # RenderResult
                           host="api1",             # None: no host-specific overrides
                           secrets=passwords,       # mapping of kolla passwords.yml names -> values
                           overrides_dir=Path("/etc/kolla/config"),  # kolla's node_custom_config, or None
                           template=None)           # (text, path) -> text, to resolve Jinja in overrides
    rendered.ok                                     # False when a finding is an error: then .files is empty
    rendered.files                                  # (RenderedFile("glance-api.conf", text),
                                                    #  RenderedFile("glance-image-import.conf", text))
    rendered.findings                               # Finding objects, sorted
    write_files(Path("/etc/kolla/glance-api"), rendered.files)   # atomic, mode 0640
    diff(Path("/etc/kolla/glance-api"), rendered.files, rendered.secrets)  # unified diff, secrets masked

Pieces: values (template context, encoded per oslo.config type by encoding), the templates in
templates/, overrides (kolla's merge chain), checks (wrong section, option in both files),
output (atomic writes, diffs), masking (secrets out of every diff and message). The finding ids
the renderer adds to the validator's are documented in RENDER_FINDINGS. render_host raises
OverrideError for an override file that exists but cannot be read.
"""
from __future__ import annotations

from typing import Any

from ..findings import RuleDoc, Severity

# The finding ids the renderer adds to the validator's; `xdeploy-glance explain` prints these docs.
RENDER_FINDINGS = (
    RuleDoc("render-unsafe-value", Severity.ERROR, "A value (or a secret) cannot be written so that oslo.config "
            "reads it back unchanged.\n\nNothing is written; fix the value (see ini-unsafe-value)."),
    RuleDoc("render-value-missing", Severity.ERROR, "A value an option of a standalone glance-api.conf needs is not "
            "set (`render --standalone`).\n\nglance-api cannot start without it (the database address, Keystone's "
            "URL, a store's endpoint), so nothing is written, unless an override file supplies the option."),
    RuleDoc("render-secret-missing", Severity.ERROR, "A secret an option of a standalone glance-api.conf needs is not "
            "in passwords.yml (`render --standalone`).\n\nglance-api cannot start without the database or service "
            "password, so nothing is written, unless an override file supplies the option; the tool never invents "
            "a secret. A missing memcache_secret_key is only a warning: tokens are then cached unprotected."),
    RuleDoc("render-templated-value", Severity.ERROR, "A global holds Jinja, which only the Ansible role can "
            "resolve.\n\n`xdeploy-glance render` refuses it; `reconfigure` renders through Ansible."),
    RuleDoc("render-host-name", Severity.ERROR, "An inventory host name cannot be used as a directory name.\n\n"
            "render writes DIR/<host>/; rename the host or render it alone with --host."),
    RuleDoc("override-syntax", Severity.ERROR, "An override file is not INI that oslo.config would accept."),
    RuleDoc("override-templated", Severity.ERROR, "An override file holds Jinja, which only the Ansible role can "
            "resolve.\n\n`xdeploy-glance render` refuses it; `reconfigure` resolves it as kolla's merge_configs does."),
    RuleDoc("override-list-unbracketed", Severity.ERROR, "An override file sets a list option the plugin owns "
            "without its brackets.\n\noslo.config refuses such a value for Glance's bounded lists; with "
            "enabled_import_methods glance-api even starts, then every image create fails. Write `[a,b]`, or set "
            "the XDeploy global instead."),
    RuleDoc("override-wrong-section", Severity.WARNING, "A known Glance option is in a section where Glance never "
            "reads it.\n\nFor example allowed_ports under [DEFAULT] instead of [import_filtering_opts]: Glance "
            "ignores it without a word."),
    RuleDoc("override-both-files", Severity.WARNING, "An option is set in both glance-api.conf and "
            "glance-image-import.conf.\n\nGlance reads glance-image-import.conf first, so glance-api.conf wins."),
    RuleDoc("glance-deep-check", Severity.ERROR, "Glance's own option types refuse a rendered value "
            "(--check-glance).\n\noslo-config-validator checks only names; this converts every value."),
)

_EXPORTS = {
    "check_values": "api", "render_host": "api", "RenderResult": "api",
    "RenderedFile": "output", "write_files": "output", "diff": "output", "WriteError": "output",
    "OverrideError": "overrides",
}


def __getattr__(name: str) -> Any:
    # Imported on first use: importing the render package must not pay for Jinja.
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_EXPORTS) + ["RENDER_FINDINGS"]
