"""An operator's override of an option the plugin owns, judged like the global it stands for.

kolla merges the operator's override files after the plugin's file, so a value such as
`enabled_import_methods` in glance/glance-api.conf is what Glance reads. It is read back into the
global's form (a bracketed list into its items, a staging directory into its file:// URI, ...)
and the validator's schema and rules check it; a finding then points at the override's line.
A list option written without its brackets is an error of its own: oslo.config refuses it, and
for enabled_import_methods glance-api even starts and then fails every image create.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from .. import ini
from ..checker import CheckResult, recheck
from ..findings import Finding, Location, Severity
from ..settings import is_templated
from .overrides import API_CONF, IMPORT_CONF

UNBRACKETED = "override-list-unbracketed"
_FILTERS = ("allowed_schemes", "disallowed_schemes", "allowed_hosts", "disallowed_hosts", "allowed_ports",
            "disallowed_ports")
# (file, section, option) -> (global, how the option's text reads back into the global's value)
OWNED: dict[tuple[str, str, str], tuple[str, str]] = {
    (API_CONF, ini.DEFAULT, "enabled_import_methods"): ("glance_enabled_import_methods", "bracketed"),
    (API_CONF, ini.DEFAULT, "image_size_cap"): ("glance_image_size_cap", "integer"),
    (API_CONF, "os_glance_staging_store", "filesystem_store_datadir"): ("glance_staging_store_uri", "directory"),
    **{(API_CONF, "import_filtering_opts", option): (f"glance_web_download_{option}", "bracketed")
       for option in _FILTERS},
    (API_CONF, "wsgi", "python_interpreter"): ("glance_wsgi_python_interpreter", "string"),
    (API_CONF, "wsgi", "task_pool_threads"): ("glance_wsgi_task_pool_threads", "integer"),
    (IMPORT_CONF, "image_import_opts", "image_import_plugins"): ("glance_image_import_plugins", "bracketed"),
    (IMPORT_CONF, "image_conversion", "output_format"): ("glance_image_conversion_output_format", "string"),
    (IMPORT_CONF, "inject_metadata_properties", "ignore_user_roles"):
        ("glance_inject_image_metadata_ignore_user_roles", "plain"),
    (IMPORT_CONF, "inject_metadata_properties", "inject"): ("glance_inject_image_metadata", "mapping"),
}


def judge(result: CheckResult, documents: Mapping[str, ini.Document], host: str | None = None) -> list[Finding]:
    """Findings about the owned options that operator override files set, at the override's line."""
    values: dict[str, Any] = {}
    origins: dict[str, tuple[Location, str]] = {}
    findings: list[Finding] = []
    for (file_name, section, option), (variable, form) in OWNED.items():
        document = documents.get(file_name)
        setting = document.get(section, option) if document is not None else None
        if setting is None or setting.source.endswith("(xdeploy-glance)"):
            continue
        location = Location(setting.source, setting.line)
        text = setting.value
        if form == "bracketed" and not is_templated(text) and not (text.startswith("[") and text.endswith("]")):
            findings.append(Finding(UNBRACKETED, Severity.ERROR,
                                    f"[{section}] {option} = {text} is a list without its brackets, which "
                                    "oslo.config refuses for this option",
                                    f"write [{_items(text)}], or set {variable} in globals.yml instead",
                                    variable=variable, location=location, host=host))
            continue
        values[variable] = text if is_templated(text) else _read_back(text, form)
        origins[variable] = (location, f"[{section}] {option} in {setting.source}")
    if values and result.merged is not None:
        for finding in recheck(result, values).findings:
            if finding.variable in origins:
                location, where = origins[finding.variable]
                findings.append(replace(finding, location=location, host=host,
                                        message=f"{finding.message} (set by the override {where})"))
    return findings


def _items(text: str) -> str:
    return ",".join(item.strip() for item in text.split(","))


def _read_back(text: str, form: str) -> Any:
    if form == "bracketed":
        inner = text[1:-1].strip()
        return [item.strip() for item in inner.split(",")] if inner else []
    if form == "plain":
        return [item.strip() for item in text.split(",") if item.strip()]
    if form == "integer":
        return int(text) if text.strip().lstrip("-").isdigit() else text
    if form == "directory":
        return f"file://{text}"
    if form == "mapping":
        pairs = [pair.partition(":") for pair in text.split(",") if pair.strip()]
        return {key.strip(): value.strip() for key, _, value in pairs}
    return text
