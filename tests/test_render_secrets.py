"""Secrets of unusual shapes (issue 16 #7, #18): refused or left out, never written or shown."""
from __future__ import annotations

import pytest

from xdeploy_glance.loading import VaultedText
from xdeploy_glance.render import check_values, passwords, render_host

CONNECTED = {"glance_database_address": "db.example:3306", "keystone_internal_url": "http://keystone.example:5000"}


def render(secrets: dict):
    checked = check_values(CONNECTED)
    return render_host(checked.settings, None, secrets, None)


@pytest.mark.parametrize(("secret", "kind"), [(["s3cr3t", "x"], "a list"), ({"s3cr3t": 1}, "a mapping"),
                                              (12345, "a number"), (True, "a boolean")])
def test_issue16_18_a_secret_that_is_not_a_string_is_refused_without_its_value(secret, kind):
    result = render({"glance_database_password": "db", "glance_keystone_password": secret})
    assert not result.ok and result.files == ()
    [finding] = result.findings
    assert (finding.rule, finding.variable, str(finding.severity)) == (
        "render-unsafe-value", "glance_keystone_password", "error")
    assert f"is {kind}, not a string" in finding.message
    assert "s3cr3t" not in finding.message + finding.hint and "12345" not in finding.message


def test_issue16_7_a_vaulted_secret_is_left_out_with_a_warning():
    result = render({"glance_database_password": "db",
                     "glance_keystone_password": VaultedText("$ANSIBLE_VAULT;1.1;AES256\n6162\n")})
    assert result.ok
    assert [(f.rule, f.variable, str(f.severity)) for f in result.findings] == [
        ("render-secret-missing", "glance_keystone_password", "warning")]
    assert all("ANSIBLE_VAULT" not in f.text for f in result.files)


def test_issue16_7_a_vault_encrypted_passwords_file_is_named_so(tmp_path):
    path = tmp_path / "passwords.yml"
    path.write_text("$ANSIBLE_VAULT;1.1;AES256\n6162636465666768\n")
    secrets, findings = passwords.load(str(path), {})
    assert secrets == {}
    assert [(f.rule, str(f.severity)) for f in findings] == [("yaml-vault-encrypted", "warning")]
    assert "globals file" not in findings[0].message


def test_issue16_2_a_password_failing_its_tag_is_reported_without_its_value(tmp_path):
    path = tmp_path / "passwords.yml"
    path.write_text("glance_keystone_password: !!int s3cr3tvalue\n")
    _, findings = passwords.load(str(path), {})
    assert [f.rule for f in findings] == ["yaml-syntax"]
    assert "s3cr3t" not in findings[0].message
