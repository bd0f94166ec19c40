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
the renderer adds to the validator's are listed in FINDING_IDS. render_host raises
OverrideError for an override file that exists but cannot be read.
"""
from __future__ import annotations

from typing import Any

FINDING_IDS = {
    "render-unsafe-value": "error: a value (or a secret) cannot be written so that oslo.config reads it back "
                           "unchanged; nothing is written",
    "render-value-missing": "warning: a value an option needs is not set; the option is left out",
    "render-secret-missing": "warning: a secret an option needs is not in passwords.yml; the option is left out",
    "render-templated-value": "error (CLI): a global holds Jinja, which only the Ansible role can resolve",
    "render-host-name": "error: an inventory host name that cannot be a directory name",
    "override-syntax": "error: an override file oslo.config would refuse",
    "override-templated": "error (CLI): an override file holds Jinja, which only the Ansible role can resolve",
    "override-wrong-section": "warning: a known Glance option in a section where Glance never reads it",
    "override-both-files": "warning: an option set in both files; glance-api.conf wins",
    "glance-deep-check": "error: Glance's own option types refuse a rendered value (--check-glance)",
}

_EXPORTS = {
    "check_values": "api", "render_host": "api", "RenderResult": "api",
    "RenderedFile": "output", "write_files": "output", "diff": "output", "WriteError": "output",
    "OverrideError": "overrides",
}


def __getattr__(name: str) -> Any:
    # Imported on first use: the validator imports render.encoding and must not pay for Jinja.
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_EXPORTS) + ["FINDING_IDS"]
