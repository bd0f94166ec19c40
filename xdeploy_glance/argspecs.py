"""Role argument specs and defaults, generated from the JSON Schema so the two cannot drift apart.

    python -m xdeploy_glance.argspecs [--check] ROLES_DIR

writes meta/argument_specs.yml (unless a role opts out) and defaults/main.yml of every role in
ROLE_VARIABLES (or, with --check, exits 1 naming the files that differ). The parity test runs the check.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from . import schema

ROLE_VARIABLES = {
    # Defaults only: argument specs would be checked before the validator runs, and its findings name
    # the file, line and fix. The variables are the ones the role's tasks read themselves; the
    # validator reads every schema variable the host sees.
    "glance_import": {
        "argument_specs": False,
        "variables": (
            "node_custom_config",
            "glance_staging_store_uri",
            "glance_staging_max_image_size",
            "glance_staging_max_virtual_size",
            "glance_staging_concurrent_imports",
            "glance_staging_headroom_percent",
            "glance_staging_rotational_policy",
            "glance_staging_shared",
            "glance_staging_owner",
            "glance_staging_group",
            "glance_staging_mode",
            "glance_staging_allow_reown",
            "glance_image_import_plugins",
            "glance_image_conversion_output_format",
            # Where staging is on the host (xdeploy_glance.volumes): kolla's group_vars/all win over these.
            "node_config_directory",
            "glance_file_datadir_volume",
            "glance_file_datadir",
            "glance_extra_file_stores",
            "glance_extra_volumes",
            "kolla_container_engine",
            "docker_runtime_directory",
        ),
        # Outside kolla-ansible (whose group_vars win over these), every glance-api host runs glance-api.
        # glance_extra_volumes is kolla's glance role default, which the plugin's play cannot see; its value
        # comes from group_vars/all there.
        "extra_defaults": {"glance_api_hosts": "{{ groups['glance-api'] }}",
                           "glance_extra_volumes": "{{ default_extra_volumes | default([]) }}"},
    },
}
HEADER = ("# Generated from schemas/xdeploy-glance-globals.schema.json and xdeploy_glance/argspecs.py by\n"
          "# `python -m xdeploy_glance.argspecs collections/ansible_collections/xdeploy/glance/roles`;\n"
          "# edit those, not this file.\n")
# Ansible option types by the schema's x-kind (JSON types decide between str and raw).
_TYPES_BY_KIND = {"size": "raw", "bool": "bool", "integer": "int", "mapping": "dict", "list": "list"}


def _option(name: str) -> dict[str, Any]:
    spec = schema.variables()[name]
    document = schema.schema_document()["properties"][name]
    option: dict[str, Any] = {"description": [spec.description]}
    if spec.kind == "string":
        option["type"] = "str" if document.get("type") == "string" else "raw"
    else:
        option["type"] = _TYPES_BY_KIND[spec.kind]
    if spec.kind == "list":
        option["elements"] = "str"
    if "enum" in document:
        option["choices"] = list(document["enum"])
    if spec.default is not None:
        option["default"] = spec.default
    return option


def argument_specs(role: str) -> dict[str, Any]:
    entry = ROLE_VARIABLES[role]
    return {"argument_specs": {"main": {
        "short_description": entry.get("short_description", ""),
        "description": entry.get("description", []),
        "options": {name: _option(name) for name in entry["variables"]},
    }}}


def defaults(role: str) -> dict[str, Any]:
    values = {name: schema.variables()[name].default for name in ROLE_VARIABLES[role]["variables"]}
    return {**values, **ROLE_VARIABLES[role].get("extra_defaults", {})}


class _IndentedListDumper(yaml.SafeDumper):
    """Indents list items under their key, as yamllint's default and kolla's files do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _yaml(data: dict[str, Any]) -> str:
    body = yaml.dump(data, Dumper=_IndentedListDumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100, indent=2)
    return "---\n" + HEADER + body


def generated_files(roles_dir: Path) -> dict[Path, str]:
    files = {}
    for role, entry in ROLE_VARIABLES.items():
        if entry.get("argument_specs", True):
            files[roles_dir / role / "meta" / "argument_specs.yml"] = _yaml(argument_specs(role))
        files[roles_dir / role / "defaults" / "main.yml"] = _yaml(defaults(role))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xdeploy_glance.argspecs", description=__doc__.splitlines()[0])
    parser.add_argument("roles_dir", type=Path)
    parser.add_argument("--check", action="store_true", help="report files that differ instead of writing them")
    arguments = parser.parse_args(argv)
    stale = []
    for path, text in generated_files(arguments.roles_dir).items():
        if arguments.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{path} is not what the schema generates; run python -m xdeploy_glance.argspecs {arguments.roles_dir}",
              file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
