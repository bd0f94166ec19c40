"""xdeploy_glance.ini reads INI text exactly as oslo.config does, and writes what it reads back."""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings, strategies as st

from xdeploy_glance import ini


def as_dict(document: ini.Document) -> dict:
    return {section: {key: [list(lines) for lines in setting.occurrences] for key, setting in keys.items()}
            for section, keys in document.sections.items()}


def test_values_keys_and_sections_as_oslo_reads_them():
    document = ini.parse("# header\n[DEFAULT]\nkey = 'quoted'\nother: a = b\n  continued\n\n"
                         "[s]\nk = \"x' \n k = 2\n", "f.conf")
    assert document.preamble == ["# header"]
    assert as_dict(document) == {"DEFAULT": {"key": [["quoted"]], "other": [["a = b", "continued"]]},
                                 "s": {"k": [["\"x'", "k = 2"]]}}
    assert document.get("DEFAULT", "other").value == "a = b\ncontinued"
    assert (document.get("s", "k").source, document.get("s", "k").line) == ("f.conf", 8)


@pytest.mark.parametrize("text, message, line", [
    ("[DEFAULT]\njust words\n", "no ':' or '=' found in assignment", 2),
    ("[DEFAULT]\n= value\n", "key cannot be empty", 2),
    ("  indented first\n", "unexpected continuation line", 1),
    ("[DEFAULT\n", "invalid section (must end with ])", 1),
    ("[]\n", "empty section name", 1),
    ("key = value\n", "option outside any section (oslo.config refuses it)", 1),
])
def test_what_oslo_refuses_is_an_error_with_its_line(text, message, line):
    with pytest.raises(ini.IniSyntaxError) as caught:
        ini.parse(text, "x.conf")
    assert (caught.value.message, caught.value.line) == (message, line)


def test_merge_replaces_keys_in_place_and_appends_new_ones():
    base = ini.parse("[a]\nx = 1\ny = 2\n[b]\nz = 3\n")
    base.merge(ini.parse("[a]\nx = 10\nx = 11\nw = 4\n[c]\nv = 5\n"))
    assert as_dict(base) == {"a": {"x": [["10"], ["11"]], "y": [["2"]], "w": [["4"]]}, "b": {"z": [["3"]]},
                             "c": {"v": [["5"]]}}


def test_write_quotes_only_what_would_otherwise_change():
    document = ini.parse("[s]\nplain = a b\nquoted = \" padded \"\nsame = \"'x'\"\nempty =\n")
    text = ini.write(document)
    assert text == "[s]\nplain = a b\nquoted = \" padded \"\nsame = \"'x'\"\nempty =\n"


LINE_PIECES = st.sampled_from(["[DEFAULT]", "[s]", "[S ]", "[", "]", "key", "k2", "=", ":", " = ", "#", ";", " ", "\t",
                               "'", '"', "a", "b", "[x]y", "value", "="])
LINES = st.lists(st.lists(LINE_PIECES, max_size=5).map("".join), max_size=12)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def ini_texts(draw) -> str:
    lines = draw(LINES)
    return "".join(line + draw(ENDINGS) for line in lines)


# Values made of what oslo.config treats specially: quotes, padding, comment and separator characters.
VALUES = st.text(alphabet=" \t'\"#;=:[]ab", max_size=12)


@st.composite
def keyed_ini_texts(draw) -> str:
    """Documents that parse and hold settings: sections with `key = value` lines."""
    lines = []
    for section in draw(st.lists(st.sampled_from(["DEFAULT", "s", "t"]), min_size=1, max_size=3)):
        lines.append(f"[{section}]")
        for key in draw(st.lists(st.sampled_from(["a", "b", "key"]), min_size=1, max_size=4)):
            value = draw(VALUES)  # quoted, the padding and inner quotes are part of the value
            lines.append(f'{key} = "{value}"' if draw(st.booleans()) else f"{key} = {value}")
    return "\n".join(lines) + "\n"


@given(keyed_ini_texts())
@settings(max_examples=300, deadline=None)
def test_write_then_parse_gives_the_same_values(text):
    try:
        document = ini.parse(text)
    except ini.IniSyntaxError:
        assume(False)  # e.g. a value that opens a quote and never closes it
    assert as_dict(document)  # every example holds settings
    assert as_dict(ini.parse(ini.write(document))) == as_dict(document)


@pytest.mark.glance
@given(ini_texts())
@settings(max_examples=400, deadline=None)
def test_parse_agrees_with_oslo_config_iniparser(glance_worker, text):
    oslo = glance_worker.oslo_parse(text)
    try:
        ours = as_dict(ini.parse(text))
    except ini.IniSyntaxError:
        assert "error" in oslo, f"oslo.config accepts what we refuse: {oslo}"
        return
    assert oslo == {"sections": ours}
