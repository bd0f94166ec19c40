"""The xdeploy.glance collection is lint-clean (ansible-lint production profile, yamllint); role defaults match the schema."""
from __future__ import annotations

import pytest

import subprocess

from tests.support.ansible_run import COLLECTION, REPO, VENV_BIN, ansible_env
from xdeploy_glance import argspecs

pytestmark = pytest.mark.slow  # real processes: Ansible, pip or the verify command


def lint(tmp_path, *command: str) -> subprocess.CompletedProcess:
    env = ansible_env(tmp_path)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # ansible-lint caches there; never in $HOME
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def test_role_defaults_are_generated_from_the_schema(capsys):
    assert argspecs.main(["--check", str(COLLECTION / "roles")]) == 0, capsys.readouterr().err


def test_argument_specs_offer_every_schema_choice():
    options = argspecs.argument_specs("glance_import")["argument_specs"]["main"]["options"]

    assert options["glance_staging_rotational_policy"]["choices"] == ["warn", "fail", "ignore"]
    assert options["glance_staging_rotational_policy"]["default"] == "warn"
    assert options["glance_staging_concurrent_imports"] == {
        "description": ["How many imports may stage data at the same time on one host."], "type": "int", "default": 2}
    assert "default" not in options["glance_staging_max_virtual_size"]  # null in the schema: unset


def test_ansible_lint_production_profile_is_clean(tmp_path):
    result = lint(tmp_path, str(VENV_BIN / "ansible-lint"), "--offline", "--profile", "production",
                  str(COLLECTION.relative_to(REPO)))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Profile 'production' was required, and it passed" in result.stdout + result.stderr


def test_yamllint_is_clean(tmp_path):
    result = lint(tmp_path, str(VENV_BIN / "yamllint"), "--strict", "collections/", ".yamllint",
                  ".ansible-lint")

    assert result.returncode == 0, result.stdout + result.stderr
