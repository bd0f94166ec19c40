"""The registry of rules, listed explicitly (no import-by-glob): the order here is the order they run."""
from __future__ import annotations

import inspect
from types import ModuleType

from ..findings import RuleDoc, Severity
from . import (
    config_directory_path,
    conversion_format_ceph,
    copy_image_stores,
    default_backend_unknown,
    file_store_invalid,
    filter_allow_and_deny,
    filter_host_invalid,
    glance_api_group_missing,
    glance_api_single_host,
    glance_download_ports,
    import_method_unknown,
    import_plugin_unknown,
    ini_unsafe_value,
    inject_metadata_admin_role,
    inject_metadata_key,
    inject_metadata_noop,
    list_duplicate,
    multi_node_staging,
    plugin_order,
    port_range,
    staging_mode_open,
    staging_outside_volumes,
    staging_overlap,
    staging_required,
    staging_size_over_cap,
    staging_system_directory,
    staging_uri_form,
    staging_volatile,
    value_empty,
    variable_misspelled,
    web_download_allowed_hosts,
)

RULES: tuple[ModuleType, ...] = (
    import_method_unknown,
    import_plugin_unknown,
    list_duplicate,
    plugin_order,
    staging_uri_form,
    staging_required,
    staging_system_directory,
    staging_mode_open,
    staging_volatile,
    staging_outside_volumes,
    staging_overlap,
    staging_size_over_cap,
    copy_image_stores,
    file_store_invalid,
    default_backend_unknown,
    inject_metadata_noop,
    inject_metadata_key,
    inject_metadata_admin_role,
    port_range,
    filter_allow_and_deny,
    filter_host_invalid,
    web_download_allowed_hosts,
    glance_download_ports,
    conversion_format_ceph,
    ini_unsafe_value,
    value_empty,
    variable_misspelled,
    multi_node_staging,
    glance_api_single_host,
    glance_api_group_missing,
    config_directory_path,
)


# Findings the pipeline's stages report themselves, before any rule runs.
STAGE_RULES = (
    RuleDoc("yaml-syntax", Severity.ERROR, "A globals file is not valid YAML, not UTF-8, or too large to be one.\n\n"
            "Ansible could not load it either; the finding points at the line where parsing stopped."),
    RuleDoc("yaml-duplicate-key", Severity.ERROR, "A key appears twice in one mapping.\n\n"
            "PyYAML, and so Ansible, silently keeps the last value; the first one is lost without a word."),
    RuleDoc("yaml-duplicate-key-same-value", Severity.WARNING, "A key appears twice in one mapping, with the same "
            "value both times.\n\nNothing is lost, so this only warns: delete one of the two lines."),
    RuleDoc("yaml-vault-encrypted", Severity.WARNING, "A file is encrypted as a whole with ansible-vault.\n\n"
            "Its values cannot be read without the vault password, so none of them is checked, and `render` "
            "leaves out the options that need its secrets. Ansible decrypts it at deploy time. Encrypt single "
            "values instead (`ansible-vault encrypt_string`, the `!vault` tag) to have the others checked."),
    RuleDoc("yaml-not-mapping", Severity.ERROR, "The top level of a globals file is not a mapping.\n\n"
            "globals.yml holds `name: value` lines; a list or a scalar at the top cannot set variables."),
    RuleDoc("schema", Severity.ERROR, "A variable has the wrong type or value for its definition in the schema.\n\n"
            "See `xdeploy-glance schema` for every variable's type, default and meaning."),
    RuleDoc("templated-value", Severity.INFO, "A value holds Jinja (`{{ ... }}`, `{% ... %}` or `{# ... #}`), "
            "which Ansible resolves only at deploy time, or is vault-encrypted (`!vault`), which only Ansible can "
            "decrypt.\n\nThe variable cannot be checked now; the rules that read it are skipped. A `!unsafe` value "
            "is never templated, so it is checked as written."),
)


def validator_docs() -> dict[str, RuleDoc]:
    """The ids `validate` can report: its stages and its rules."""
    docs = {doc.id: doc for doc in STAGE_RULES}
    for rule in RULES:
        docs[rule.ID] = RuleDoc(rule.ID, rule.SEVERITY, inspect.cleandoc(rule.__doc__ or ""))
    return docs

