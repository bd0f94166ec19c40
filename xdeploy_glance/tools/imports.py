"""The package's import graph by layer, and every edge that runs back up.

    python -m xdeploy_glance.tools.imports     prints the layers and exits 1 on an upward edge

Each stage of the pipeline may import its own layer and the ones below it, never one above: the
validator knows nothing of rendering, rendering nothing of Ansible, Ansible adapters nothing of
verify, and only commands tie everything together. Imports inside functions count too (they are
how the CLI stays fast, not a way around the layering).
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = "xdeploy_glance"
# Lowest first; a module belongs to the first layer one of whose prefixes it matches.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("findings", "units", "resources", "ini", "glance_options", "kolla_config", "jsonschema_subset",
              "oslo_encoding", "__init__")),
    ("staging", ("capacity", "staging_checks", "volumes")),
    ("core", ("loading", "schema", "settings", "suppression", "rules", "checker")),
    ("render", ("render", "deep_check", "reporters")),
    ("ansible", ("ansible_vars", "argspecs", "inventory", "playbook_launcher", "integration")),
    ("verify", ("verify",)),
    ("commands", ("commands", "catalogue", "docs", "cli", "__main__", "tools")),
)


def layer_of(module: str) -> int:
    """The layer index of a dotted module name inside the package."""
    local = module[len(PACKAGE) + 1:] if module.startswith(PACKAGE + ".") else ""
    head = local.split(".", 1)[0] or "__init__"
    for index, (_, prefixes) in enumerate(LAYERS):
        if head in prefixes:
            return index
    raise KeyError(f"{module} belongs to no layer: add it to LAYERS in {__name__}")


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(module: str, path: Path) -> set[str]:
    """Every package module `module` imports, wherever the import statement is."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    result = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            result.update(alias.name for alias in node.names if alias.name.startswith(PACKAGE))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.startswith(PACKAGE):
                result.add(base)
    return result


def upward_edges(root: Path) -> list[tuple[str, str]]:
    edges = []
    for module, path in modules(root).items():
        for imported in sorted(imports_of(module, path)):
            if layer_of(imported) > layer_of(module):
                edges.append((module, imported))
    return edges


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    by_layer: dict[int, list[str]] = {}
    for module in modules(root):
        by_layer.setdefault(layer_of(module), []).append(module)
    for index, (name, _) in enumerate(LAYERS):
        print(f"{index} {name}: {', '.join(sorted(by_layer.get(index, [])))}")
    edges = upward_edges(root)
    for module, imported in edges:
        print(f"upward: {module} ({LAYERS[layer_of(module)][0]}) imports {imported} "
              f"({LAYERS[layer_of(imported)][0]})", file=sys.stderr)
    return 1 if edges else 0


if __name__ == "__main__":
    sys.exit(main())
