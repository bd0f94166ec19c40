"""The loader reads YAML as Ansible does and never raises on bad input."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from xdeploy_glance.loading import GlobalsDocument, InputError, UnsafeText, VaultedText, load_file, load_text
from xdeploy_glance.findings import Location

FIXTURES = Path(__file__).parent / "fixtures"


def test_yaml_1_1_values_mean_what_they_mean_to_ansible():
    document, findings = load_text("a: yes\nb: 0750\nc: on\nd: '0750'\n", "g.yml")
    assert findings == []
    assert dict(document.data) == {"a": True, "b": 488, "c": True, "d": "0750"}


def test_keys_and_values_keep_line_and_column():
    document, _ = load_text("# comment\nglance_x:   \"v\"\nglance_y:\n  - a\n  - b\n", "g.yml")
    assert document.key_locations[("glance_x",)] == Location("g.yml", 2, 1)
    assert document.value_locations[("glance_x",)] == Location("g.yml", 2, 13)
    assert document.value_locations[("glance_y", 1)] == Location("g.yml", 5, 5)


def test_duplicate_key_is_an_error_at_the_second_key():
    document, findings = load_text("a: 1\nb: 2\na: 3\n", "g.yml")
    assert document is None
    assert [(f.rule, f.variable, f.line, f.column) for f in findings] == [("yaml-duplicate-key", "a", 3, 1)]
    assert "first defined on line 1" in findings[0].message


def test_duplicate_key_in_a_nested_mapping_is_found_too():
    _, findings = load_text("m:\n  k: 1\n  k: 2\n", "g.yml")
    assert [(f.rule, f.line) for f in findings] == [("yaml-duplicate-key", 3)]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_empty_documents_are_empty_mappings(text):
    document, findings = load_text(text, "g.yml")
    assert findings == [] and dict(document.data) == {}


def test_a_top_level_list_is_a_finding():
    document, findings = load_text("- a\n- b\n", "g.yml")
    assert document is None and [f.rule for f in findings] == ["yaml-not-mapping"]


def test_syntax_error_reports_its_line():
    _, findings = load_text("a: 1\nb: [1, 2\nc: 3\n", "g.yml")
    assert [(f.rule, f.line) for f in findings] == [("yaml-syntax", 3)]


def test_non_utf8_bytes_are_a_finding_with_their_line(tmp_path):
    path = tmp_path / "latin1.yml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    document, findings = load_file(path)
    assert document is None
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-syntax", 2, 7)]
    assert "0xe9" in findings[0].message


def test_binary_garbage_is_a_finding(tmp_path):
    path = tmp_path / "garbage.yml"
    path.write_bytes(bytes(range(256)) * 4)
    document, findings = load_file(path)
    assert document is None and findings[0].rule == "yaml-syntax"


def test_a_huge_file_is_refused_without_parsing(tmp_path):
    path = tmp_path / "huge.yml"
    path.write_bytes(b"a: " + b"x" * (17 * 1024 * 1024) + b"\n")
    document, findings = load_file(path)
    assert document is None and "larger than 16 MiB" in findings[0].message


def test_an_alias_bomb_is_refused():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    document, findings = load_text("\n".join(lines) + "\n", "bomb.yml")
    assert document is None and "aliases expand" in findings[0].message


def test_kolla_ansible_real_globals_loads_without_findings():
    document, findings = load_file(FIXTURES / "kolla-ansible-globals.yml")
    assert findings == [] and isinstance(document, GlobalsDocument)
    assert "workaround_ansible_issue_8743" in document.data


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_document_or_findings_never_an_exception(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "g.yml"
    path.write_bytes(data)
    document, findings = load_file(path)
    assert (document is None) == any(str(f.severity) == "error" for f in findings)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab:- \n[]{}&*!|>'\"#,?%@`0\t") + ["glance_x", "yes", "&a ", "*a"]),
                max_size=60))
def test_yaml_like_text_never_raises(pieces):
    document, findings = load_text("".join(pieces), "g.yml")
    assert document is not None or findings


@pytest.mark.parametrize("text", ["glance_keystone_password: !!int s3cr3tvalue\n",
                                  "glance_keystone_password: !!float s3cr3tvalue\n",
                                  "glance_keystone_password: !!bool s3cr3tvalue\n",
                                  "glance_keystone_password: !!timestamp s3cr3tvalue\n"])
def test_issue16_2_a_value_failing_its_tag_is_reported_without_the_value(text):
    document, findings = load_text(text, "passwords.yml")
    assert document is None
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-syntax", 1, 27)]
    assert "s3cr3t" not in findings[0].message + findings[0].hint


def test_issue16_7_a_vault_encrypted_file_is_named_so_and_read_as_empty():
    text = "$ANSIBLE_VAULT;1.1;AES256\n6162636465666768\n3132333435363738\n"
    document, findings = load_text(text, "passwords.yml")
    assert dict(document.data) == {}
    assert [(f.rule, str(f.severity)) for f in findings] == [("yaml-vault-encrypted", "warning")]
    assert "vault-encrypted" in findings[0].message and "globals file" not in findings[0].message


def test_issue16_7_unsafe_and_vault_tags_load_as_ansible_reads_them():
    text = ("a: !unsafe '{{ not_templated }}'\n"
            "b: !unsafe [x, '{% y %}']\n"
            "c: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162636465666768\n")
    document, findings = load_text(text, "globals.yml")
    assert findings == []
    assert document.data["a"] == "{{ not_templated }}" and isinstance(document.data["a"], UnsafeText)
    assert all(isinstance(item, UnsafeText) for item in document.data["b"])
    assert isinstance(document.data["c"], VaultedText) and document.data["c"].startswith("$ANSIBLE_VAULT;")


def test_issue16_7_vault_on_a_list_is_a_finding():
    _, findings = load_text("c: !vault [a]\n", "globals.yml")
    assert [(f.rule, f.line) for f in findings] == [("yaml-syntax", 1)]


def test_issue16_8_a_duplicate_key_with_the_same_value_is_a_warning():
    document, findings = load_text("a: [1, 2]\nb: 2\na: [1, 2]\n", "g.yml")
    assert dict(document.data) == {"a": [1, 2], "b": 2}
    assert [(f.rule, str(f.severity), f.variable, f.line) for f in findings] == [
        ("yaml-duplicate-key-same-value", "warning", "a", 3)]


def test_issue16_18_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "globals.yml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        load_file(fifo)  # before the fix this blocked forever in open()
