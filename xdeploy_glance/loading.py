"""Read globals files the way Ansible does (PyYAML, YAML 1.1) and keep where every value stands.

A file that cannot be read as a mapping gives findings, never an exception: the loader is the
first stage of the pipeline and every later stage only sees documents that loaded.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import yaml

from .findings import Finding, Location, Severity, has_errors

try:  # the C loader is what Ansible prefers too, and much faster
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 16 * 1024 * 1024
# A YAML alias is a reference: a few lines can stand for billions of nodes ("billion laughs").
MAX_EXPANDED_NODES = 1_000_000

Path_ = tuple  # a path into the document: ("glance_inject_image_metadata", "key")

# ansible-vault's header: a file that starts with it is encrypted as a whole.
VAULT_HEADER = "$ANSIBLE_VAULT;"


class UnsafeText(str):
    """A `!unsafe` string: Ansible never templates it, so Jinja in it is plain text."""


class VaultedText(str):
    """A `!vault` value: the ciphertext. Only Ansible, given the vault password, sees the value."""


class _Loader(_BaseLoader):
    """The safe loader with Ansible's own tags; a value that fails its tag raises _TagError, naming
    the node but not the value (it may be a secret)."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (_TagError, yaml.MarkedYAMLError):
            raise
        except Exception as exc:  # PyYAML's converters raise ValueError, KeyError, AttributeError...
            raise _TagError(node) from exc

    def construct_unsafe(self, node):
        if isinstance(node, yaml.ScalarNode):
            return UnsafeText(self.construct_scalar(node))
        if isinstance(node, yaml.SequenceNode):
            return [_unsafe(item) for item in self.construct_sequence(node, deep=True)]
        return {_unsafe(key): _unsafe(value) for key, value in self.construct_mapping(node, deep=True).items()}

    def construct_vault(self, node):
        if not isinstance(node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(None, None, "!vault holds the ciphertext ansible-vault "
                                                    "encrypt_string prints, not a list or mapping", node.start_mark)
        return VaultedText(self.construct_scalar(node))


_Loader.add_constructor("!unsafe", _Loader.construct_unsafe)
_Loader.add_constructor("!vault", _Loader.construct_vault)


def _unsafe(value: Any) -> Any:
    if isinstance(value, str):
        return UnsafeText(value)
    if isinstance(value, list):
        return [_unsafe(item) for item in value]
    if isinstance(value, dict):
        return {_unsafe(key): _unsafe(item) for key, item in value.items()}
    return value


class _TagError(Exception):
    def __init__(self, node: yaml.Node):
        super().__init__(node.tag)
        self.node = node


class InputError(Exception):
    """The input cannot be read at all (missing, a directory without YAML, no permission): exit 2."""


@dataclass(frozen=True)
class GlobalsDocument:
    """One loaded globals file: its top-level mapping and the location of each key and value."""

    path: str
    data: Mapping[str, Any]
    key_locations: Mapping[Path_, Location] = field(default_factory=dict)
    value_locations: Mapping[Path_, Location] = field(default_factory=dict)


def expand_sources(paths: Iterable[str | Path]) -> list[Path]:
    """Files in the order given; a directory means its *.yml/*.yaml files, sorted (kolla's globals.d)."""
    result: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            result.extend(sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file()))
        elif path.exists():
            result.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return result


def load_file(path: Path) -> tuple[GlobalsDocument | None, list[Finding]]:
    """Load one globals file; on failure return no document and the findings that say why."""
    name = str(path)
    try:
        # Non-blocking, so that opening a FIFO returns at once and fstat can refuse it (issue 16 #18).
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    with open(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise InputError(f"{name}: not a regular file (a FIFO, device or socket); give the YAML file itself")
        try:
            raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    if len(raw) > MAX_FILE_BYTES:
        return None, [_file_finding("yaml-syntax", name, 1, 1, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; a globals file is a few KiB",
                                    "point -c at the globals file, not at an image or an archive")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [_file_finding("yaml-syntax", name, line, column, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                                    "save the file as UTF-8; Ansible cannot read it either")]
    return load_text(text, name)


def load_text(text: str, name: str) -> tuple[GlobalsDocument | None, list[Finding]]:
    if text.lstrip().startswith(VAULT_HEADER):
        return GlobalsDocument(name, MappingProxyType({})), [Finding(
            rule="yaml-vault-encrypted", severity=Severity.WARNING,
            message="the file is vault-encrypted as a whole, so none of its values can be read or checked here",
            hint="Ansible decrypts it at deploy time; encrypt single values with `ansible-vault encrypt_string` "
                 "(!vault) to have the others checked",
            location=Location(name, 1, 1))]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:  # an empty file or only comments: kolla's globals.d often has those
            return GlobalsDocument(name, MappingProxyType({})), []
        findings = _check_nodes(node, name)
        if has_errors(findings):
            return None, findings
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return None, [_file_finding("yaml-syntax", name, line, column, f"YAML syntax error: {problem}",
                                    "fix the YAML; `yamllint` shows the same spot")]
    except _TagError as exc:  # never the value: a tagged password must not reach a terminal or a log
        mark = exc.node.start_mark
        return None, [_file_finding("yaml-syntax", name, mark.line + 1, mark.column + 1,
                                    f"the value tagged {exc.node.tag} cannot be read as that type",
                                    "remove the tag, or write a value of that type")]
    except (yaml.YAMLError, RecursionError) as exc:
        return None, [_file_finding("yaml-syntax", name, 1, 1, f"YAML error: {type(exc).__name__}", "fix the YAML")]
    finally:
        loader.dispose()
    if data is None:  # "---" and nothing else
        return GlobalsDocument(name, MappingProxyType({})), findings
    if not isinstance(data, dict):
        kind = type(data).__name__
        return None, [_file_finding("yaml-not-mapping", name, node.start_mark.line + 1, node.start_mark.column + 1,
                                    f"the top level is a {kind}, but a globals file is a mapping of variable names to values",
                                    "write `name: value` lines at the top level")]
    key_locations, value_locations = _locations(node, name)
    return GlobalsDocument(name, MappingProxyType(data), MappingProxyType(key_locations), MappingProxyType(value_locations)), findings


def _check_nodes(root: yaml.Node, name: str) -> list[Finding]:
    """Duplicate keys (PyYAML and Ansible silently keep the last) and alias bombs, before constructing."""
    findings: list[Finding] = []
    expanded: dict[int, int] = {}  # node id -> number of nodes it stands for once aliases are expanded

    def size(node: yaml.Node) -> int:
        if id(node) in expanded:
            return expanded[id(node)]
        expanded[id(node)] = 1  # guards recursive structures while we descend
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        expanded[id(node)] = min(total, MAX_EXPANDED_NODES + 1)
        return expanded[id(node)]

    if size(root) > MAX_EXPANDED_NODES:
        findings.append(_file_finding("yaml-syntax", name, root.start_mark.line + 1, root.start_mark.column + 1,
                                      f"aliases expand this document to more than {MAX_EXPANDED_NODES} nodes",
                                      "remove the nested aliases (a 'billion laughs' document)"))
        return findings

    seen_mappings: set[int] = set()

    def walk(node: yaml.Node, depth: int) -> None:
        if id(node) in seen_mappings or depth > 100:
            return
        seen_mappings.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_seen: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in first_seen and key_node.tag != "tag:yaml.org,2002:merge":
                        first, first_value = first_seen[key_node.value]
                        where = f"first defined on line {first.start_mark.line + 1}"
                        if _same_node(first_value, value_node):  # nothing is lost: only noise (issue 12)
                            rule, severity, message = ("yaml-duplicate-key-same-value", Severity.WARNING,
                                                       f"duplicate key {key_node.value!r} with the same value, {where}")
                        else:
                            rule, severity, message = ("yaml-duplicate-key", Severity.ERROR,
                                                       f"duplicate key {key_node.value!r}, {where}; "
                                                       "YAML keeps only the last one")
                        findings.append(Finding(
                            rule=rule, severity=severity, message=message, hint="delete one of the two lines",
                            variable=str(key_node.value) if depth == 0 else None,
                            location=Location(name, key_node.start_mark.line + 1, key_node.start_mark.column + 1)))
                    first_seen.setdefault(key_node.value, (key_node, value_node))
                walk(value_node, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, depth + 1)

    walk(root, 0)
    return findings


def _same_node(one: yaml.Node, two: yaml.Node, depth: int = 0) -> bool:
    """The same tag and text all the way down (so `yes` and `true` count as different)."""
    if one is two:
        return True
    if type(one) is not type(two) or one.tag != two.tag or depth > 100:
        return False
    if isinstance(one, yaml.ScalarNode):
        return one.value == two.value
    if isinstance(one, yaml.MappingNode):
        return len(one.value) == len(two.value) and all(
            _same_node(k1, k2, depth + 1) and _same_node(v1, v2, depth + 1)
            for (k1, v1), (k2, v2) in zip(one.value, two.value))
    return len(one.value) == len(two.value) and all(
        _same_node(a, b, depth + 1) for a, b in zip(one.value, two.value))


def _locations(root: yaml.Node, name: str) -> tuple[dict[Path_, Location], dict[Path_, Location]]:
    """Locations of the top-level keys and of one level below them (enough for every variable we read)."""
    keys: dict[Path_, Location] = {}
    values: dict[Path_, Location] = {}
    if not isinstance(root, yaml.MappingNode):
        return keys, values
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        path = (key_node.value,)
        keys[path] = _mark(name, key_node)
        values[path] = _mark(name, value_node)
        if isinstance(value_node, yaml.MappingNode):
            for sub_key, sub_value in value_node.value:
                if isinstance(sub_key, yaml.ScalarNode):
                    keys[path + (sub_key.value,)] = _mark(name, sub_key)
                    values[path + (sub_key.value,)] = _mark(name, sub_value)
        elif isinstance(value_node, yaml.SequenceNode):
            for index, item in enumerate(value_node.value):
                values[path + (index,)] = _mark(name, item)
    return keys, values


def _mark(name: str, node: yaml.Node) -> Location:
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


def _file_finding(rule: str, name: str, line: int, column: int, message: str, hint: str) -> Finding:
    return Finding(rule=rule, severity=Severity.ERROR, message=message, hint=hint, location=Location(name, line, column))
