"""Property (issue 16): random globals get the same errors from `validate` and from the play's precheck.

The precheck is the collection's glance_import_validate action, run by real ansible-playbook the way
kolla-ansible runs site.yml (`-e @globals.yml -e CONFIG_DIR=...`). Neither side may crash: a
traceback in either, or errors one side finds and the other does not, fail the property.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from tests.support.ansible_run import ansible_env, local_inventory

pytestmark = pytest.mark.slow

PLAYBOOK = """\
- name: Validate as the plugin's play does
  hosts: glance-api
  gather_facts: false
  tasks:
    - name: Validating the Glance image-import settings
      xdeploy.glance.glance_import_validate:
      run_once: true
      delegate_to: localhost
"""
# Finding lines as both print them: "file:line:col: error [rule] variable: message".
ERROR_LINE = re.compile(r"\berror \[(?P<rule>[a-z0-9-]+)\](?: (?P<variable>[a-z_0-9]+):)?")

values = st.one_of(st.text(alphabet="abc-_,/:. 019", max_size=16), st.integers(-5, 70000), st.booleans(),
                   st.lists(st.sampled_from(["web-download", "glance-direct", "copy-image", "image_conversion",
                                             "inject_image_metadata", "x"]), max_size=3))
names = st.sampled_from(["glance_enabled_import_methods", "glance_image_import_plugins", "glance_staging_store_uri",
                         "glance_web_download_allowed_ports", "glance_staging_mode", "glance_staging_max_image_size",
                         "glance_image_conversion_output_format", "glance_enable_import_methods",
                         "glance_backend_ceph", "glance_staging_concurrent_imports"])
globals_documents = st.dictionaries(names, values, max_size=4)


def validate_errors(globals_file: Path) -> set[tuple[str, str | None]]:
    completed = subprocess.run([sys.executable, "-m", "xdeploy_glance", "validate", "-c", str(globals_file),
                                "--format", "json"], capture_output=True, text=True, timeout=60)
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr
    report = json.loads(completed.stdout)
    return {(f["rule"], f["variable"]) for f in report["findings"] if f["severity"] == "error"}


def precheck_errors(workdir: Path, globals_file: Path) -> set[tuple[str, str | None]]:
    playbook = workdir / "precheck.yml"
    playbook.write_text(PLAYBOOK)
    completed = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                                str(local_inventory(workdir)), str(playbook), "-e", f"@{globals_file}",
                                "-e", f"CONFIG_DIR={globals_file.parent}"],
                               capture_output=True, text=True, env=ansible_env(workdir), cwd=workdir, timeout=120)
    output = completed.stdout + completed.stderr
    assert "Traceback" not in output, output
    errors = {(match["rule"], match["variable"]) for match in ERROR_LINE.finditer(output)}
    assert (completed.returncode == 0) == (not errors), output
    return errors


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=globals_documents)
# an error both must find, and a misspelled name (a warning) the precheck used to miss
@example(document={"glance_enabled_import_methods": "web-dowload", "glance_enable_import_methods": "x"})
def test_validate_and_the_precheck_report_the_same_errors(tmp_path_factory, document):
    workdir = tmp_path_factory.mktemp("agree")
    globals_file = workdir / "globals.yml"
    globals_file.write_text(yaml.safe_dump(document))

    from_precheck, from_validate = precheck_errors(workdir, globals_file), validate_errors(globals_file)

    assert from_precheck == from_validate
    if document.get("glance_enabled_import_methods") == "web-dowload":
        assert ("import-method-unknown", "glance_enabled_import_methods") in from_precheck
