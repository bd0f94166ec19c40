"""INI files exactly as oslo.config reads them, merged the way kolla-ansible's merge_configs merges them.

Parsing follows oslo_config.iniparser.BaseParser line by line (tests compare the two on
generated input):
- each line is stripped on the right; a blank line ends a multi-line value;
- a line starting with a space or a tab continues the previous value (left-stripped);
- `[name]` starts a section; a line starting with `#` or `;` is a comment (there are no inline
  comments: `key = a # b` sets `a # b`);
- `key = value` or `key: value` splits at whichever of `=` and `:` comes first; the value is
  stripped and one pair of matching outer quotes is removed.

Merging follows merge_configs: within one file a repeated key keeps every occurrence (oslo.config
uses the last one; multi-valued options use all); a later file replaces a key as a whole, keeps its
place in the section, and appends keys and sections the earlier files did not have.

Only the standard library is used: the deep check imports this module inside Glance's venv.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

DEFAULT = "DEFAULT"


class IniSyntaxError(ValueError):
    """A line oslo.config would refuse; `line` is 1-based."""

    def __init__(self, message: str, source: str, line: int, text: str):
        super().__init__(f"{source}:{line}: {message}: {text!r}")
        self.message = message
        self.source = source
        self.line = line
        self.text = text


@dataclass(frozen=True)
class Setting:
    """One key of a section: every occurrence (each a tuple of lines), and where the last one was written."""

    occurrences: tuple[tuple[str, ...], ...]
    source: str
    line: int

    @property
    def value(self) -> str:
        """The value oslo.config uses for a single-valued option: the last occurrence, lines joined."""
        return "\n".join(self.occurrences[-1])


@dataclass
class Document:
    """Sections in file order, keys in section order; comments before the first section are the preamble."""

    preamble: list[str] = field(default_factory=list)
    sections: dict[str, dict[str, Setting]] = field(default_factory=dict)

    def get(self, section: str, key: str) -> Setting | None:
        return self.sections.get(section, {}).get(key)

    def items(self) -> Iterator[tuple[str, str, Setting]]:
        for section, settings in self.sections.items():
            for key, setting in settings.items():
                yield section, key, setting

    def merge(self, other: "Document") -> None:
        """Lay `other` over this document, merge_configs style: its keys replace ours one by one."""
        for section, settings in other.sections.items():
            target = self.sections.setdefault(section, {})
            for key, setting in settings.items():
                target[key] = setting


def split_lines(text: str) -> list[str]:
    """Lines as Python's universal-newline file reading yields them (what oslo.config iterates)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse(text: str, source: str = "<string>") -> Document:
    """Parse INI text; raises IniSyntaxError where oslo.config would, and for keys outside any section."""
    document = Document()
    current: dict[str, Setting] | None = None
    key: str | None = None
    key_line = 0
    value: list[str] = []

    def assign() -> None:
        if current is None:
            raise IniSyntaxError("option outside any section (oslo.config refuses it)", source, key_line, key or "")
        occurrence = tuple(value)
        previous = current.get(key)  # a key repeated within one file keeps every occurrence
        occurrences = previous.occurrences + (occurrence,) if previous else (occurrence,)
        current[key] = Setting(occurrences, source, key_line)

    for number, raw in enumerate(split_lines(text), 1):
        line = raw.rstrip()
        if not line:
            if key is not None:
                assign()
                key, value = None, []
            continue
        if line.startswith((" ", "\t")):
            if key is None:
                raise IniSyntaxError("unexpected continuation line", source, number, line)
            value.append(line.lstrip())
            continue
        if key is not None:
            assign()
            key, value = None, []
        if line.startswith("["):
            if not line.endswith("]"):
                raise IniSyntaxError("invalid section (must end with ])", source, number, line)
            if len(line) <= 2:
                raise IniSyntaxError("empty section name", source, number, line)
            current = document.sections.setdefault(line[1:-1], {})
        elif line.startswith(("#", ";")):
            if not document.sections:
                document.preamble.append(line)
        else:
            key, first = _split_key_value(line, source, number)
            key_line = number
            value = [first]
    if key is not None:
        assign()
    return document


def _split_key_value(line: str, source: str, number: int) -> tuple[str, str]:
    colon, equal = line.find(":"), line.find("=")
    if colon < 0 and equal < 0:
        raise IniSyntaxError("no ':' or '=' found in assignment", source, number, line)
    at = equal if colon < 0 or (0 <= equal < colon) else colon
    key, value = line[:at].strip(), line[at + 1:].strip()
    if value and value[0] == value[-1] and value.startswith(('"', "'")):
        value = value[1:-1]
    if not key:
        raise IniSyntaxError("key cannot be empty", source, number, line)
    return key, value


def needs_quotes(first_line: str) -> bool:
    """True when oslo.config would read the text back differently unless it is wrapped in quotes."""
    if first_line != first_line.strip():
        return True
    return bool(first_line) and first_line[0] == first_line[-1] and first_line[0] in "\"'"


def write(document: Document) -> str:
    """Serialize so that parse(write(d)) gives d's values back (quoting a first line when it must)."""
    out: list[str] = []
    if document.preamble:
        out.extend(document.preamble)
        out.append("")
    for section, settings in document.sections.items():
        out.append(f"[{section}]")
        for key, setting in settings.items():
            out.extend(_setting_lines(key, setting.occurrences))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


def _setting_lines(key: str, occurrences: Iterable[tuple[str, ...]]) -> Iterator[str]:
    indent = " " * (len(key) + 3)  # continuation lines line up under the first value, as merge_configs writes them
    for lines in occurrences:
        first = lines[0] if lines else ""
        shown = f'"{first}"' if needs_quotes(first) else first
        yield f"{key} = {shown}" if shown else f"{key} ="
        for continuation in lines[1:]:
            yield indent + continuation
