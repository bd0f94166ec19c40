"""Issue 12: verify resolves values that hold Jinja as the play did (host vars, globals, -e extra vars)."""
from __future__ import annotations

import pytest

from xdeploy_glance.verify.expected import ExpectationError, expectations_for
from xdeploy_glance.verify.inputs import load_extra_vars


def test_jinja_from_the_globals_host_vars_and_extra_vars_is_resolved():
    globals_values = {"glance_staging_store_uri": "file://{{ staging_root }}/staging",
                      "glance_image_import_plugins": "{{ plugins }}"}
    host_vars = {"staging_root": "/var/lib/glance", "ansible_connection": "local"}

    expected = expectations_for("api1", host_vars, globals_values, load_extra_vars(["plugins=image_conversion"]))

    assert expected.staging_path == "/var/lib/glance/staging"
    assert expected.value("glance_image_import_plugins") == ("image_conversion",)


def test_extra_vars_win_over_the_globals_as_with_ansible_playbook():
    expected = expectations_for("api1", {}, {"glance_staging_concurrent_imports": 2},
                                load_extra_vars(['{"glance_staging_concurrent_imports": 5}']))

    assert expected.value("glance_staging_concurrent_imports") == 5


def test_jinja_only_kolla_can_resolve_is_reported_not_guessed():
    expected = expectations_for("api1", {}, {"glance_staging_store_uri": "file://{{ kolla_only_variable }}/staging"})

    with pytest.raises(ExpectationError, match="only Ansible resolves"):
        expected.staging_path


def test_bad_extra_vars_are_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="is not key=value"):
        load_extra_vars(["plugins"])
    (tmp_path / "vars.yml").write_text("- a\n")
    with pytest.raises(ValueError, match="not a mapping"):
        load_extra_vars([f"@{tmp_path / 'vars.yml'}"])
