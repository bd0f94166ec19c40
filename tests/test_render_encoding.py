"""Values are encoded the way oslo.config reads them back, or refused."""
from __future__ import annotations

import pytest

from xdeploy_glance import oslo_encoding as encoding
from xdeploy_glance.oslo_encoding import Encoded, UnsafeValue


def test_bounded_lists_get_brackets_and_plain_lists_do_not():
    assert encoding.bracketed_list(("glance-direct", "web-download")) == "[glance-direct,web-download]"
    assert encoding.bracketed_list(()) == "[]"
    assert encoding.bracketed_list((80, 443)) == "[80,443]"
    assert encoding.plain_list(("admin", "member")) == "admin,member"
    assert encoding.plain_list(()) == ""


def test_mappings_are_key_colon_value_pairs_and_keep_inner_quotes():
    assert encoding.mapping({"imported_by": "xdeploy", "tier": ""}) == "imported_by:xdeploy,tier:"
    assert encoding.mapping({'"team"': "ops", "a": "b:c"}) == '"team":ops,a:b:c'


def test_scalars():
    assert encoding.boolean(True) == "true" and encoding.boolean(False) == "false"
    assert encoding.integer(1099511627776) == "1099511627776"
    assert encoding.string("/var/lib/glance/staging") == "/var/lib/glance/staging"
    assert encoding.string('say "hi" there') == 'say "hi" there'
    with pytest.raises(UnsafeValue):
        encoding.integer(True)
    with pytest.raises(UnsafeValue):
        encoding.boolean("yes")


def test_every_encoder_returns_encoded_text():
    for value in (encoding.string("x"), encoding.integer(1), encoding.boolean(True), encoding.plain_list(("a",)),
                  encoding.bracketed_list(("a",)), encoding.mapping({"a": "b"})):
        assert type(value) is Encoded


@pytest.mark.parametrize("encoder, value, reason", [
    (encoding.string, "x\n[DEFAULT]\nauth_strategy = noauth", "contains a line break"),
    (encoding.string, "x\u2028y", "contains a line break"),
    (encoding.string, " padded", "white space"),
    (encoding.string, "'quoted'", "same quote"),
    (encoding.string, "#comment", "comment character"),
    (encoding.bracketed_list, ("web-download", "[DEFAULT]"), "contains '[' and ']'"),
    (encoding.bracketed_list, ("a,b",), "contains ','"),
    (encoding.bracketed_list, ("'glance-direct'",), "quote"),
    (encoding.bracketed_list, ("",), "empty"),
    (encoding.plain_list, ("admin\n[DEFAULT]",), "line break"),
    (encoding.plain_list, ("'admin", "member'"), "same quote"),
    (encoding.mapping, {"a:b": "c"}, "contains ':'"),
    (encoding.mapping, {"a": "b,c"}, "contains ','"),
    (encoding.mapping, {"": "x"}, "empty"),
    (encoding.mapping, {"'a": "b'"}, "same quote"),
])
def test_values_that_would_change_or_break_the_file_are_refused(encoder, value, reason):
    with pytest.raises(UnsafeValue, match=reason.replace("[", r"\[").replace("]", r"\]")):
        encoder(value)


@pytest.mark.parametrize("encoder, value, written", [
    (encoding.string, "$debug", "$$debug"),
    (encoding.string, "pa$$word${x}", "pa$$$$word$${x}"),
    (encoding.bracketed_list, ("$a", "b"), "[$$a,b]"),
    (encoding.plain_list, ("$a", "b"), "$$a,b"),
    (encoding.mapping, {"$k": "$v"}, "$$k:$$v"),
])
def test_issue16_5_a_dollar_is_written_doubled_so_oslo_config_reads_it_back(encoder, value, written):
    assert encoder(value) == written


@pytest.mark.parametrize("encoder, value, reason", [
    (encoding.string, "a\\$b", "oslo.config reads as"),
    (encoding.string, "nul\x00byte", "control character U\\+0000"),
    (encoding.string, "esc\x1b[31m", "control character U\\+001B"),
    (encoding.bracketed_list, ("a\x00",), "control character"),
    (encoding.mapping, {"k": "v\x00"}, "control character"),
])
def test_issue16_5_and_16_values_oslo_config_would_change_are_refused(encoder, value, reason):
    with pytest.raises(UnsafeValue, match=reason):
        encoder(value)


def test_a_tab_inside_a_value_is_kept():
    assert encoding.string("a\tb") == "a\tb"
