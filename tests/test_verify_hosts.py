"""`xdeploy-glance verify` against real hosts: after a real role run it passes, after each drift it fails by name.

Hosts are the local machine (ansible_connection=local) and sshd "hosts" in private mount namespaces,
each with its own tmpfs; the staging directory is provisioned by a real ansible-playbook run of the
staging role, with the same values that verify then gets as globals.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support.ansible_run import local_inventory, run_playbook
from tests.support.verify_run import run_verify
from xdeploy_glance.render import RenderedFile, check_values, render_host, write_files

pytestmark = [pytest.mark.root, pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount filesystems")]

PLAYBOOK = Path(__file__).parent / "playbooks" / "staging.yml"
MIB = 1024 * 1024
STAGING_CHECKS = ("staging-directory", "staging-not-world-readable", "staging-free-space",
                  "staging-rotational-policy", "staging-shared")
CONFIG_CHECKS = ("config-matches-render glance-api.conf", "config-matches-render glance-image-import.conf",
                 "no-config-overrides")
ALL_CHECKS = CONFIG_CHECKS + STAGING_CHECKS
PASSWORDS = {"glance_database_password": "p@ss w0rd", "glance_keystone_password": "k3ystone-secret"}
SERVICES = {"glance_database_address": "db.example", "keystone_internal_url": "http://keystone.example:5000"}
IMAGE_ID = "0f8e3b4c-1d2a-4b5c-9e6f-7a8b9c0d1e2f"
# 2 imports of 8 MiB plus 10% headroom: 18454938 bytes (17.6 MiB) must stay free.
SIZING = {"glance_staging_max_image_size": "8M", "glance_staging_concurrent_imports": 2,
          "glance_staging_headroom_percent": 10}
REQUIRED_BYTES = 18454938


def write_globals(path: Path, values: dict) -> Path:
    """The globals, and passwords.yml next to them (run_verify passes it)."""
    path.write_text(json.dumps({**SERVICES, **values}, indent=2))  # JSON is YAML
    (path.parent / "passwords.yml").write_text(json.dumps(PASSWORDS))
    return path


def rendered_files(values: dict, host: str, overrides: Path | None = None) -> dict[str, str]:
    """What the config role deploys for a host: render_host's output, through the same Python API."""
    result = check_values({**SERVICES, **values})
    rendered = render_host(result.settings, host, PASSWORDS, overrides)
    assert rendered.ok, rendered.findings
    return {rendered_file.path: rendered_file.text for rendered_file in rendered.files}


def junit_name(check: str, host: str) -> str:
    """config-matches-render glance-api.conf, api1 -> test_config_matches_render[ansible://api1-glance-api.conf]"""
    name, _, parameter = check.partition(" ")
    return f"test_{name.replace('-', '_')}[ansible://{host}{'-' + parameter if parameter else ''}]"


def all_passed(*checks: str) -> dict[str, str]:
    return {check: "passed" for check in checks}


def fill(directory: Path, leave_free: int) -> Path:
    """Write a file so that exactly `leave_free` bytes stay available (tmpfs allocates whole pages)."""
    stats = os.statvfs(directory)
    filler = directory / "filler"
    with open(filler, "wb") as handle:
        handle.write(b"\0" * (stats.f_bavail * stats.f_frsize - leave_free))
    return filler


def available(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def test_local_host_passes_after_the_role_and_fails_by_name_after_each_drift(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("64m")
    staging = tmpfs.mount_point / "staging"
    config_directory = tmp_path / "kolla" / "glance-api"
    overrides = tmp_path / "custom-config"
    (overrides / "glance").mkdir(parents=True)
    (overrides / "glance" / "glance-api.conf").write_text("[DEFAULT]\ndebug = true\n")
    values = {"glance_staging_store_uri": f"file://{staging}", "node_config_directory": str(tmp_path / "kolla"),
              **SIZING}
    globals_file = write_globals(tmp_path / "globals.yml", values)
    inventory = local_inventory(tmp_path)
    role = run_playbook(PLAYBOOK, inventory, tmp_path, extra_vars=values)
    assert role.returncode == 0, role.describe()
    files = rendered_files(values, "localhost", overrides)
    write_files(config_directory, [RenderedFile(name, text) for name, text in files.items()])
    verify_overrides = ("--overrides", str(overrides))

    clean = run_verify(tmp_path, globals_file, inventory, *verify_overrides)

    assert clean.returncode == 0, clean.describe()
    assert clean.outcomes("localhost") == all_passed(*ALL_CHECKS)
    assert clean.message("localhost", "staging-shared").startswith(f"warning: Glance staging {staging} is on tmpfs")
    without_overrides = run_verify(tmp_path, globals_file, inventory)
    assert without_overrides.outcomes("localhost")["config-matches-render glance-api.conf"] == "FAILED"
    assert "\n-debug = false\n+debug = true\n" in without_overrides.stdout

    staging.chmod(0o777)
    world = run_verify(tmp_path, globals_file, inventory, *verify_overrides)
    staging.chmod(0o750)

    assert world.returncode == 1, world.describe()
    assert world.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "staging-directory": "FAILED",
                                           "staging-not-world-readable": "FAILED"}
    assert world.message("localhost", "staging-directory") == \
        f"{staging}: mode 0777, expected 0750 (glance_staging_mode)"
    assert world.message("localhost", "staging-not-world-readable") == (
        f"{staging} has mode 0777: every user on the host can read and write it; run chmod o-rwx on it or "
        "re-run reconfigure")
    assert "FAILED test_staging.py::test_staging_not_world_readable[ansible://localhost]" in world.stdout

    deployed = config_directory / "glance-api.conf"
    deployed.write_text(deployed.read_text().replace("image_size_cap = 1099511627776", "image_size_cap = 1"))
    edited = run_verify(tmp_path, globals_file, inventory, *verify_overrides)
    deployed.write_text(files["glance-api.conf"])

    assert edited.returncode == 1, edited.describe()
    assert edited.outcomes("localhost") == {**all_passed(*ALL_CHECKS),
                                            "config-matches-render glance-api.conf": "FAILED"}
    assert edited.message("localhost", "config-matches-render glance-api.conf") == (
        f"{deployed} differs from what render produces for localhost (secrets masked; reconfigure puts it back, "
        "override files belong in the custom config):")
    assert "\n".join([f"--- rendered for localhost", f"+++ localhost:{deployed}", "@@ -6,7 +6,7 @@",
                      " log_file = /var/log/kolla/glance/glance-api.log",
                      " enabled_import_methods = [glance-direct,web-download]",
                      " enabled_backends = file:file,http:http",
                      "-image_size_cap = 1099511627776", "+image_size_cap = 1", " ", " [database]",
                      " connection = mysql+pymysql://glance:********@db.example/glance"]) in edited.stdout
    assert "w0rd" not in edited.stdout + edited.stderr

    filler = fill(tmpfs.mount_point, leave_free=REQUIRED_BYTES - MIB)
    full = run_verify(tmp_path, globals_file, inventory, *verify_overrides)
    left = available(tmpfs.mount_point)
    filler.unlink()

    assert full.returncode == 1, full.describe()
    assert full.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "staging-free-space": "FAILED"}
    assert full.message("localhost", "staging-free-space") == (
        f"Not enough space for Glance staging in {staging}: need 17.6 MiB (= 2 × 8.0 MiB + 10%), available 16.6 MiB "
        f"on tmpfs (tmpfs) at {tmpfs.mount_point}; in bytes: need {REQUIRED_BYTES}, available {left}")

    override = config_directory / "glance-api.conf.d" / "99-override.conf"
    override.parent.mkdir()
    override.write_text("[DEFAULT]\ndebug = true\n")
    report = tmp_path / "verify.xml"
    overridden = run_verify(tmp_path, globals_file, inventory, *verify_overrides, "--junitxml", str(report))

    assert overridden.returncode == 1, overridden.describe()
    assert overridden.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "no-config-overrides": "FAILED"}
    assert overridden.message("localhost", "no-config-overrides") == (
        f"Glance reads 1 override file(s) after glance-api.conf, and they win over it: {override}; put their "
        "settings in the globals or in the override files render merges, then remove them")
    cases = {case.get("name"): case for case in ElementTree.parse(report).getroot().iter("testcase")}
    assert sorted(cases) == sorted(junit_name(check, "localhost") for check in ALL_CHECKS)
    assert [name for name, case in cases.items() if case.find("failure") is not None] == \
        ["test_no_config_overrides[ansible://localhost]"]


def test_leftovers_are_reported_by_age_and_never_deleted(tmp_path, mount_tmpfs):
    tmpfs = mount_tmpfs("64m")
    staging = tmpfs.mount_point / "staging"
    values = {"glance_staging_store_uri": f"file://{staging}", "node_config_directory": str(tmp_path / "kolla"),
              **SIZING}
    globals_file = write_globals(tmp_path / "globals.yml", values)
    inventory = local_inventory(tmp_path)
    assert run_playbook(PLAYBOOK, inventory, tmp_path, extra_vars=values).returncode == 0
    write_files(tmp_path / "kolla" / "glance-api",
                [RenderedFile(name, text) for name, text in rendered_files(values, "localhost").items()])
    old, recent, other = staging / f"{IMAGE_ID}.raw", staging / IMAGE_ID.replace("0f8e", "1f8e"), staging / "notes"
    for path in (old, recent, other):
        path.write_bytes(b"x" * 2048)
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (old, other):
        os.utime(path, (two_days_ago, two_days_ago))

    without = run_verify(tmp_path, globals_file, inventory)
    with_age = run_verify(tmp_path, globals_file, inventory, "--leftovers-older-than", "24h")

    assert without.returncode == 0 and "staging-leftovers" not in without.outcomes("localhost"), without.describe()
    assert with_age.returncode == 1, with_age.describe()
    assert with_age.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "staging-leftovers": "FAILED"}
    assert re.fullmatch(
        rf"1 file\(s\) in {staging} named after images are older than 24h \(left in place; check the images' "
        rf"import tasks, Glance removes residue of deleted images when it starts\): {IMAGE_ID}\.raw "
        r"\(2\.0 KiB, 48\.\d h old\)", with_age.message("localhost", "staging-leftovers"))
    assert all(path.exists() for path in (old, recent, other))


def test_ssh_hosts_each_fail_by_name_after_their_own_drift(tmp_path, ssh_hosts):
    hosts = ssh_hosts({"api1": "64m", "api2": "64m"})
    staging = hosts.staging_parent / "staging"
    kolla = hosts.staging_parent / "kolla"  # on each host's own tmpfs, like its staging directory
    values = {"glance_staging_store_uri": f"file://{staging}", "node_config_directory": str(kolla), **SIZING}
    globals_file = write_globals(tmp_path / "globals.yml", values)
    role = run_playbook(PLAYBOOK, hosts.inventory, tmp_path, extra_vars=values)
    assert role.returncode == 0, role.describe()
    for host in ("api1", "api2"):  # into each host's own tmpfs, which only its sshd sees
        for name, text in rendered_files(values, host).items():
            hosts.run_on(host, f"mkdir -p {kolla}/glance-api && cat > {kolla}/glance-api/{name} <<'END'\n{text}END")

    clean = run_verify(tmp_path, globals_file, hosts.inventory, "--become")  # through sudo, as reconfigure -b

    assert clean.returncode == 0, clean.describe()
    assert clean.outcomes("api1") == clean.outcomes("api2") == all_passed(*ALL_CHECKS)

    hosts.run_on("api1", f"head -c {50 * MIB} /dev/zero > {hosts.staging_parent}/filler")
    hosts.run_on("api1", f"sed -i 's/^debug = false$/debug = true/' {kolla}/glance-api/glance-api.conf")
    hosts.run_on("api2", f"chmod 0777 {staging}; mkdir {kolla}/glance-api/glance-api.conf.d; "
                         f"echo '[DEFAULT]' > {kolla}/glance-api/glance-api.conf.d/zz.conf")
    report = tmp_path / "verify.xml"
    drifted = run_verify(tmp_path, globals_file, hosts.inventory, "--junitxml", str(report))

    assert drifted.returncode == 1, drifted.describe()
    assert drifted.outcomes("api1") == {**all_passed(*ALL_CHECKS), "staging-free-space": "FAILED",
                                        "config-matches-render glance-api.conf": "FAILED"}
    assert "\n-debug = false\n+debug = true\n" in drifted.stdout
    assert drifted.message("api1", "staging-free-space").startswith(
        f"Not enough space for Glance staging in {staging}: need 17.6 MiB (= 2 × 8.0 MiB + 10%), available 14.0 MiB "
        f"on tmpfs (tmpfs) at {hosts.staging_parent}")
    assert drifted.outcomes("api2") == {**all_passed(*ALL_CHECKS), "staging-directory": "FAILED",
                                        "staging-not-world-readable": "FAILED", "no-config-overrides": "FAILED"}
    assert drifted.message("api2", "no-config-overrides").startswith(
        f"Glance reads 1 override file(s) after glance-api.conf, and they win over it: "
        f"{kolla}/glance-api/glance-api.conf.d/zz.conf;")
    cases = [case.get("name") for case in ElementTree.parse(report).getroot().iter("testcase")]
    assert sorted(cases) == sorted(junit_name(check, host) for host in ("api1", "api2") for check in ALL_CHECKS)

    limited = run_verify(tmp_path, globals_file, hosts.inventory, "--limit", "api1")

    assert limited.returncode == 1, limited.describe()
    assert {host for host, _ in limited.table} == {"api1"}
