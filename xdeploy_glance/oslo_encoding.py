"""Values written the way each oslo.config type reads them back, or refused.

Every value the templates print goes through one of these encoders and comes out as `Encoded`;
the template environment refuses to print anything else, so no raw value reaches a file.

oslo.config facts the encoders rely on (Glance 33, oslo.config 10.7):
- the INI parser strips a value and removes one pair of matching outer quotes; there are no
  inline comments, and a line break ends the option;
- ListOpt with bounds=True (enabled_import_methods, image_import_plugins, the
  import_filtering_opts lists) needs `[a,b]`; without brackets it fails with
  `Value should start with "["`;
- ListOpt without bounds (ignore_user_roles, memcached_servers) is a plain `a,b`: brackets
  would become part of the first and last item;
- items and dict pairs are split at every `,`, dict keys at the first `:`, and every piece is
  stripped; String(quotes=True) items lose matching outer quotes and refuse an unclosed one.
- after parsing, oslo.config substitutes `$name` and `${name}` with other options' values and
  reads `$$` as `$`; it first turns every `\\$` into `$$`.
A `$` is therefore written as `$$`, in every value, so that it reaches Glance as written. Any
other value these rules would change or split is refused with UnsafeValue, never escaped: the
validator (rule ini-unsafe-value) reports the same values before anything is rendered. That
includes `\\$`, which oslo.config reads as `$` whatever follows, and control characters
(NUL and the like), which no option means to hold.
"""
from __future__ import annotations

from typing import Iterable, Mapping

LINE_BREAKS = ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
QUOTES = "\"'"
_LINE_BREAK_CHARACTERS = frozenset(LINE_BREAKS)  # a set test is the fast one: every value of every host passes here
# C0 controls and DEL other than tab (line breaks have their own message): NUL, escape, backspace...
_CONTROL_CHARACTERS = frozenset(chr(code) for code in (*range(0x20), 0x7f)) - {"\t"} - _LINE_BREAK_CHARACTERS


class Encoded(str):
    """Text that is safe to print as one option value (the only thing templates may print)."""


class UnsafeValue(ValueError):
    """The value cannot be written so that oslo.config reads back exactly this value."""


def _check_text(text: str, forbidden: str = "", what: str = "the value", edge_quotes: bool = False) -> str:
    if not isinstance(text, str):
        raise UnsafeValue(f"{what} is not text")
    if not _LINE_BREAK_CHARACTERS.isdisjoint(text):
        raise UnsafeValue(f"{what} contains a line break")
    if not _CONTROL_CHARACTERS.isdisjoint(text):
        control = min(_CONTROL_CHARACTERS.intersection(text))
        raise UnsafeValue(f"{what} contains the control character U+{ord(control):04X}")
    if "\\$" in text:
        raise UnsafeValue(f"{what} contains '\\$', which oslo.config reads as '$'")
    if text != text.strip():
        raise UnsafeValue(f"{what} starts or ends with white space, which oslo.config strips")
    if text.startswith(("#", ";")):
        raise UnsafeValue(f"{what} starts with a comment character")
    if edge_quotes and text and (text[0] in QUOTES or text[-1] in QUOTES):
        raise UnsafeValue(f"{what} starts or ends with a quote, which oslo.config removes or refuses")
    bad = sorted(set(text).intersection(forbidden))
    if bad:
        raise UnsafeValue(f"{what} contains {' and '.join(repr(ch) for ch in bad)}")
    return text


def _whole(text: str) -> Encoded:
    """The INI parser removes one pair of matching outer quotes from the whole value."""
    if text and text[0] == text[-1] and text[0] in QUOTES:
        raise UnsafeValue("the value starts and ends with the same quote, which oslo.config removes")
    return Encoded(text.replace("$", "$$"))


def string(value: str) -> Encoded:
    """StrOpt: one line, kept exactly."""
    return _whole(_check_text(value))


def integer(value: int) -> Encoded:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnsafeValue(f"{value!r} is not an integer")
    return Encoded(str(value))


def boolean(value: bool) -> Encoded:
    if not isinstance(value, bool):
        raise UnsafeValue(f"{value!r} is not a boolean")
    return Encoded("true" if value else "false")


def _items(values: Iterable[object], edge_quotes: bool) -> list[str]:
    items = []
    for item in values:
        text = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
        what = f"item {text!r}" if isinstance(text, str) else "an item"
        items.append(_check_text(text, ",[]", what=what, edge_quotes=edge_quotes))
        if not text:
            raise UnsafeValue("an item is empty")
    return items


def bracketed_list(values: Iterable[object]) -> Encoded:
    """ListOpt(bounds=True): `[a,b]`, `[]` when empty. Items with quotes at an edge are refused:
    String(quotes=True) items lose them, and an unclosed one stops glance-api."""
    return Encoded("[" + ",".join(_items(values, edge_quotes=True)).replace("$", "$$") + "]")


def plain_list(values: Iterable[object]) -> Encoded:
    """ListOpt without bounds: `a,b`, empty when empty."""
    return _whole(",".join(_items(values, edge_quotes=False)))


def mapping(values: Mapping[str, str]) -> Encoded:
    """DictOpt: `k:v,k2:v2` (keys without `:`; neither side with `,`)."""
    pairs = []
    for key, value in values.items():
        _check_text(key, ":,", what=f"key {key!r}")
        if not key:
            raise UnsafeValue("a key is empty")
        if value:
            _check_text(value, ",", what=f"the value of {key!r}")
        pairs.append(f"{key}:{value}")
    return _whole(",".join(pairs))
