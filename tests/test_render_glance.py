"""What the renderer writes, checked by Glance 33 itself (the cached glance==33.0.0 venv).

For every positive validator case the rendered files must pass oslo-config-validator with Glance's
namespaces (option names; the dynamic store groups excluded) and the deep check (every value
converted through Glance's own option types, as glance-api reads them).
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jinja2
import pytest

from tests.support.cases import case_dirs
from tests.support.glance_tools import (API_NAMESPACES, IMPORT_NAMESPACES, REPO, RESERVED_STORE_GROUPS,
                                        oslo_config_validator, validator_errors)
from xdeploy_glance import ini
from xdeploy_glance.cli import main
from xdeploy_glance.loading import load_file
from xdeploy_glance.render import check_values, render_host
from xdeploy_glance.render.checks import backends
from xdeploy_glance.settings import is_templated

pytestmark = pytest.mark.glance

# Added to every case, so the options that need them (database, keystone, memcached) are rendered too.
CONNECTION = ("glance_database_address: db.example:3306\nkeystone_internal_url: http://keystone.example:5000\n"
              "glance_memcached_servers: 10.0.0.1:11211,10.0.0.2:11211\n")
PASSWORDS = "glance_database_password: db-secret\nglance_keystone_password: ks-secret\nmemcache_secret_key: mc\n"
# Jinja values of the templated case, as Ansible would resolve them at deploy time.
TEMPLATE_VARIABLES = {"glance_data_dir": "/srv/glance", "largest_image": "20GiB"}


def render_case(case: Path, out: Path, tmp_path: Path, capsys) -> list[Path]:
    """Render a validator case through the CLI; returns the directories holding a pair of files."""
    extras = tmp_path / "connection.yml"
    extras.write_text(CONNECTION)
    passwords = tmp_path / "passwords.yml"
    passwords.write_text(PASSWORDS)
    argv = ["render", "--standalone", "-c", str(case / "globals.yml"), "-c", str(extras), "-p", str(passwords), "-o", str(out)]
    if (case / "inventory.ini").exists():
        argv += ["-i", str(case / "inventory.ini")]
    code = main(argv)
    assert code == 0, capsys.readouterr().err
    return sorted({path.parent for path in out.rglob("glance-api.conf")})


def render_templated_case(case: Path, out: Path) -> list[Path]:
    """The role's path: Ansible resolves the Jinja, then the same render_host runs."""
    raw = (case / "globals.yml").read_text()
    resolved = jinja2.Template(raw).render(TEMPLATE_VARIABLES)
    import yaml

    checked = check_values({**yaml.safe_load(resolved), **yaml.safe_load(CONNECTION)})
    assert [f for f in checked.findings if str(f.severity) == "error"] == []
    result = render_host(checked.settings, None, yaml.safe_load(PASSWORDS))
    assert result.ok
    out.mkdir()
    for rendered in result.files:
        (out / rendered.path).write_text(rendered.text)
    return [out]


def glance_complaints(directory: Path, glance_venv: Path, glance_worker) -> list[str]:
    """oslo-config-validator's errors about both files, then the deep check's problems."""
    api = directory / "glance-api.conf"
    image_import = directory / "glance-image-import.conf"
    store_groups = list(backends(ini.parse(api.read_text()))) + list(RESERVED_STORE_GROUPS)
    complaints = []
    for path, namespaces, excluded in ((api, API_NAMESPACES, store_groups), (image_import, IMPORT_NAMESPACES, ())):
        completed = oslo_config_validator(glance_venv, path, namespaces, excluded)
        errors = validator_errors(completed)
        assert completed.returncode == (1 if errors else 0), completed.stderr[-3000:]
        complaints += errors
    return complaints + glance_worker.deep_check(api.read_text(), image_import.read_text())


def assert_glance_accepts(directory: Path, glance_venv: Path, glance_worker) -> None:
    assert glance_complaints(directory, glance_venv, glance_worker) == []


@pytest.mark.parametrize("case", case_dirs("positive"), ids=lambda p: p.name)
def test_every_positive_case_renders_files_glance_accepts(case, tmp_path, capsys, glance_venv, glance_worker):
    out = tmp_path / "out"
    if is_templated(dict(load_file(case / "globals.yml")[0].data)):  # Jinja, as Ansible sees it (not !unsafe)
        directories = render_templated_case(case, out)
    else:
        directories = render_case(case, out, tmp_path, capsys)
    assert directories
    for directory in directories:
        assert_glance_accepts(directory, glance_venv, glance_worker)


def test_every_store_renders_options_glance_knows(tmp_path, glance_venv, glance_worker):
    import yaml

    checked = check_values({**yaml.safe_load(CONNECTION), "glance_backend_file": True, "glance_backend_ceph": True,
                            "glance_backend_s3": True, "glance_backend_swift": True, "glance_backend_vmware": True,
                            "glance_extra_file_stores": {"fast": "/srv/glance/fast"},
                            "glance_backend_s3_url": "http://s3.example", "glance_backend_s3_bucket": "images",
                            "vmware_vcenter_host_ip": "10.0.0.9", "vmware_vcenter_host_username": "glance",
                            "vmware_vcenter_name": "dc1", "vmware_datastore_name": "ds1",
                            "glance_enabled_import_methods": "glance-direct,copy-image"})
    assert [f for f in checked.findings if str(f.severity) == "error"] == []
    secrets = {**yaml.safe_load(PASSWORDS), "glance_backend_s3_access_key": "ak", "glance_backend_s3_secret_key": "sk",
               "vmware_vcenter_host_password": "vp"}
    result = render_host(checked.settings, None, secrets)
    assert result.ok and result.findings == ()
    for rendered in result.files:
        (tmp_path / rendered.path).write_text(rendered.text)
    api = ini.parse((tmp_path / "glance-api.conf").read_text())
    assert api.get("DEFAULT", "enabled_backends").value == \
        "s3:s3,file:file,fast:file,http:http,vmware:vmware,swift:swift,rbd:rbd"
    assert api.get("glance_store", "default_backend").value == "vmware"
    assert_glance_accepts(tmp_path, glance_venv, glance_worker)


@pytest.mark.parametrize("breakage, expected", [
    (("enabled_import_methods = [web-download,glance-direct]", "enabled_import_methods = web-download,glance-direct"),
     '[DEFAULT] enabled_import_methods: not valid: Value should start with "["'),
    (("allowed_ports = [80,443]", "allowed_ports = 80,443"),
     '[import_filtering_opts] allowed_ports: not valid: Value should start with "["'),
    (("task_pool_threads = 16", "task_pool_threads = 0"),
     "[wsgi] task_pool_threads: not valid: Should be greater than or equal to 1"),
    (("debug = false", "debug = nope"), "[DEFAULT] debug: not valid: Unexpected boolean value 'nope'"),
])
def test_the_deep_check_catches_a_broken_renderer(breakage, expected, tmp_path, capsys, glance_worker):
    directory = render_case(REPO / "tests" / "cases" / "positive" / "readme-example", tmp_path / "out", tmp_path,
                            capsys)[0]
    api_text = (directory / "glance-api.conf").read_text()
    old, new = breakage
    assert old in api_text
    problems = glance_worker.deep_check(api_text.replace(old, new), (directory / "glance-image-import.conf").read_text())
    assert [problem.split(": ", 1)[1] for problem in problems] == [expected]


def test_the_option_catalogue_is_the_one_glance_33_has(glance_venv):
    completed = subprocess.run([str(glance_venv / "bin" / "python"), "-W", "ignore", "-m",
                                "xdeploy_glance.glance_options"], capture_output=True, text=True, timeout=300,
                               cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert completed.returncode == 0, completed.stderr[-3000:]
    shipped = json.loads((REPO / "xdeploy_glance" / "glance_options.json").read_text())
    assert json.loads(completed.stdout) == shipped, (
        "xdeploy_glance/glance_options.json is stale: regenerate it as its module docstring says")


def test_render_check_glance_runs_inside_a_glance_venv(tmp_path, glance_venv):
    """`render --check-glance` end to end, with Glance importable (the [glance] extra installed)."""
    overrides = tmp_path / "config"
    (overrides / "glance").mkdir(parents=True)
    (overrides / "glance" / "glance-image-import.conf").write_text("[image_conversion]\noutput_format = qcow3\n")
    connection, passwords = tmp_path / "connection.yml", tmp_path / "passwords.yml"
    connection.write_text(CONNECTION)
    passwords.write_text(PASSWORDS)
    command = [str(glance_venv / "bin" / "python"), "-W", "ignore", "-m", "xdeploy_glance", "render", "--standalone",
               "-c", str(REPO / "examples" / "globals.yml"), "-c", str(connection), "-p", str(passwords),
               "-o", str(tmp_path / "out"), "--check-glance"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    clean = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert clean.returncode == 0, clean.stderr[-3000:]
    broken = subprocess.run(command + ["--overrides", str(overrides)], capture_output=True, text=True, timeout=300,
                            env=env)
    assert broken.returncode == 1
    assert (f"{overrides}/glance/glance-image-import.conf:2:0: error [glance-deep-check] glance-image-import.conf "
            "[image_conversion] output_format: not valid: Valid values are [qcow2, raw, vmdk], but found 'qcow3'"
            ) in broken.stderr


GOLDEN_PAIRS = sorted(path.parent for path in (REPO / "tests" / "golden").glob("*/expected/**/glance-api.conf"))


# The multi-node case keeps an operator's mistake on purpose: the renderer's wrong-section warning
# (see its findings.txt) must name exactly what Glance's own tools refuse.
GOLDEN_COMPLAINTS = {
    "multi-node": ["ERROR:oslo_config.validator:DEFAULT/allowed_ports is not part of the sample config",
                   "glance-api.conf:11: [DEFAULT] allowed_ports: Glance 33 has no such option in this section"],
}


@pytest.mark.parametrize("directory", GOLDEN_PAIRS, ids=lambda p: p.relative_to(REPO / "tests" / "golden").as_posix())
def test_every_golden_file_is_accepted_by_glance(directory, glance_venv, glance_worker):
    case = directory.relative_to(REPO / "tests" / "golden").parts[0]
    assert glance_complaints(directory, glance_venv, glance_worker) == GOLDEN_COMPLAINTS.get(case, [])
