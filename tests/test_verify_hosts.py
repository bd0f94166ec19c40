"""`xdeploy-glance verify` against real hosts: after a real reconfigure it passes, after each drift it fails by name.

Hosts are the local machine (ansible_connection=local) and sshd "hosts" in private mount namespaces,
each with its own tmpfs. `xdeploy-glance reconfigure` (real ansible-playbook: precheck, config and
staging roles) deploys them first and runs verify at its end; each drift is then made by hand.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support.deployment import PASSWORD, SECRETS, Deployment, local_deployment
from tests.support.verify_run import run_verify

pytestmark = [pytest.mark.root, pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount filesystems")]

MIB = 1024 * 1024
STAGING_CHECKS = ("staging-directory", "staging-not-world-readable", "staging-free-space",
                  "staging-rotational-policy", "staging-shared")
CONFIG_CHECKS = ("config-matches-render glance-api.conf", "config-matches-render glance-image-import.conf",
                 "no-config-overrides")
ALL_CHECKS = CONFIG_CHECKS + STAGING_CHECKS
IMAGE_ID = "0f8e3b4c-1d2a-4b5c-9e6f-7a8b9c0d1e2f"
# Two imports of 8 MiB, each converted to raw (8 MiB more), plus 10% headroom must stay free.
SIZING = {"glance_staging_max_image_size": "8M", "glance_staging_concurrent_imports": 2,
          "glance_staging_headroom_percent": 10}
REQUIRED_BYTES = 36909876  # ceil(2 × 16 MiB × 1.1)
NEED = "need 35.2 MiB (= 2 × (8.0 MiB + 8.0 MiB raw) + 10%)"


def all_passed(*checks: str) -> dict[str, str]:
    return {check: "passed" for check in checks}


def junit_name(check: str, host: str) -> str:
    """config-matches-render glance-api.conf, api1 -> test_config_matches_render[ansible://api1-glance-api.conf]"""
    name, _, parameter = check.partition(" ")
    return f"test_{name.replace('-', '_')}[ansible://{host}{'-' + parameter if parameter else ''}]"


def fill(directory: Path, leave_free: int) -> Path:
    """Write a file so that about `leave_free` bytes stay available (tmpfs allocates whole pages)."""
    stats = os.statvfs(directory)
    filler = directory / "filler"
    filler.write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - leave_free))
    return filler


def available(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


@pytest.fixture
def deployment(tmp_path, mount_tmpfs) -> Deployment:
    deployment = local_deployment(tmp_path, mount_tmpfs)
    deployment.write_globals(**SIZING)
    return deployment


def test_local_host_passes_after_reconfigure_and_fails_by_name_after_each_drift(tmp_path, deployment):
    overrides = tmp_path / "custom-config"
    (overrides / "glance").mkdir(parents=True)
    (overrides / "glance" / "glance-api.conf").write_text("[DEFAULT]\ndebug = true\n")
    with_overrides = ("--overrides", str(overrides))
    staging, config_directory = deployment.staging, deployment.config_dir
    filesystem = staging.parent

    reconfigure = deployment.reconfigure(*with_overrides)

    assert reconfigure.returncode == 0, reconfigure.describe()
    assert "localhost  passed   config-matches-render glance-api.conf" in reconfigure.stdout
    assert run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides).outcomes(
        "localhost") == all_passed(*ALL_CHECKS)
    without_overrides = run_verify(tmp_path, deployment.globals_file, deployment.inventory)
    assert without_overrides.outcomes("localhost")["config-matches-render glance-api.conf"] == "FAILED"
    assert "\n-debug = false\n+debug = true\n" in without_overrides.stdout

    staging.chmod(0o777)
    world = run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides)
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
    good = deployed.read_text()
    deployed.write_text(good.replace("image_size_cap = 1099511627776", "image_size_cap = 1"))
    edited = run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides)
    deployed.write_text(good)

    assert edited.returncode == 1, edited.describe()
    assert edited.outcomes("localhost") == {**all_passed(*ALL_CHECKS),
                                            "config-matches-render glance-api.conf": "FAILED"}
    assert edited.message("localhost", "config-matches-render glance-api.conf") == (
        f"{deployed} differs from what render produces for localhost (secrets masked; reconfigure puts it back, "
        "override files belong in the custom config):")
    assert "\n".join(["--- rendered for localhost", f"+++ localhost:{deployed}", "@@ -6,7 +6,7 @@",
                      " log_file = /var/log/kolla/glance/glance-api.log",
                      " enabled_import_methods = [web-download,glance-direct]",
                      " enabled_backends = file:file,http:http",
                      "-image_size_cap = 1099511627776", "+image_size_cap = 1", " ", " [database]",
                      " connection = mysql+pymysql://glance:********@db.example/glance"]) in edited.stdout
    assert "w0rd" not in edited.stdout + edited.stderr and PASSWORD not in edited.stdout

    filler = fill(filesystem, leave_free=REQUIRED_BYTES - MIB)
    full = run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides)
    left = available(filesystem)
    filler.unlink()

    assert full.returncode == 1, full.describe()
    assert full.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "staging-free-space": "FAILED"}
    assert full.message("localhost", "staging-free-space") == (
        f"Not enough space for Glance staging in {staging}: {NEED}, available 34.2 MiB on tmpfs (tmpfs) at "
        f"{filesystem}; in bytes: need {REQUIRED_BYTES}, available {left}")

    override = config_directory / "glance-api.conf.d" / "99-override.conf"
    override.parent.mkdir()
    override.write_text("[DEFAULT]\ndebug = true\n")
    report = tmp_path / "verify.xml"
    overridden = run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides,
                            "--junitxml", str(report))

    assert overridden.returncode == 1, overridden.describe()
    assert overridden.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "no-config-overrides": "FAILED"}
    assert overridden.message("localhost", "no-config-overrides") == (
        f"Glance reads 1 override file(s) after glance-api.conf, and they win over it: {override}; put their "
        "settings in the globals or in the override files render merges, then remove them")
    cases = {case.get("name"): case for case in ElementTree.parse(report).getroot().iter("testcase")}
    assert sorted(cases) == sorted(junit_name(check, "localhost") for check in ALL_CHECKS)
    assert [name for name, case in cases.items() if case.find("failure") is not None] == \
        ["test_no_config_overrides[ansible://localhost]"]


def test_leftovers_are_reported_by_age_and_never_deleted(tmp_path, deployment):
    assert deployment.reconfigure("--no-verify").returncode == 0
    staging = deployment.staging
    old, recent, other = staging / f"{IMAGE_ID}.raw", staging / IMAGE_ID.replace("0f8e", "1f8e"), staging / "notes"
    for path in (old, recent, other):
        path.write_bytes(b"x" * 2048)
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (old, other):
        os.utime(path, (two_days_ago, two_days_ago))

    without = run_verify(tmp_path, deployment.globals_file, deployment.inventory)
    with_age = run_verify(tmp_path, deployment.globals_file, deployment.inventory, "--leftovers-older-than", "24h")

    assert without.returncode == 0 and "staging-leftovers" not in without.outcomes("localhost"), without.describe()
    assert with_age.returncode == 1, with_age.describe()
    assert with_age.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "staging-leftovers": "FAILED"}
    assert re.fullmatch(
        rf"1 file\(s\) in {staging} named after images are older than 24h \(left in place; check the images' "
        rf"import tasks, Glance removes residue of deleted images when it starts\): {IMAGE_ID}\.raw "
        r"\(2\.0 KiB, 48\.\d h old\)", with_age.message("localhost", "staging-leftovers"))
    assert all(path.exists() for path in (old, recent, other))


def test_ssh_hosts_each_fail_by_name_after_their_own_drift(tmp_path, ssh_hosts):
    hosts = ssh_hosts({"api1": "64m", "api2": "64m"}, host_vars={
        name: {"glance_worker_self_reference_url": f"http://{name}.example:9292"} for name in ("api1", "api2")})
    root = hosts.staging_parent  # a tmpfs of its own on every host: config and staging are per host
    deployment = Deployment(tmp_path, root, tmp_path / "globals.yml", tmp_path / "passwords.yml", hosts.inventory)
    deployment.passwords_file.write_text(json.dumps(SECRETS))
    deployment.write_globals(glance_api_restart_command="", **SIZING)
    staging, config_directory = deployment.staging, deployment.config_dir

    reconfigure = deployment.reconfigure("--no-verify")
    assert reconfigure.returncode == 0, reconfigure.describe()
    clean = run_verify(tmp_path, deployment.globals_file, hosts.inventory, "--become")  # through sudo, as -b

    assert clean.returncode == 0, clean.describe()
    assert clean.outcomes("api1") == clean.outcomes("api2") == all_passed(*ALL_CHECKS)

    hosts.run_on("api1", f"head -c {32 * MIB} /dev/zero > {root}/fs/filler; "
                         f"sed -i 's/^debug = false$/debug = true/' {config_directory}/glance-api.conf")
    hosts.run_on("api2", f"chmod 0777 {staging}; mkdir {config_directory}/glance-api.conf.d; "
                         f"echo '[DEFAULT]' > {config_directory}/glance-api.conf.d/zz.conf")
    report = tmp_path / "verify.xml"
    drifted = run_verify(tmp_path, deployment.globals_file, hosts.inventory, "--junitxml", str(report))

    assert drifted.returncode == 1, drifted.describe()
    assert drifted.outcomes("api1") == {**all_passed(*ALL_CHECKS), "staging-free-space": "FAILED",
                                        "config-matches-render glance-api.conf": "FAILED"}
    assert drifted.message("api1", "staging-free-space").startswith(
        f"Not enough space for Glance staging in {staging}: {NEED}, available ")
    assert f"+++ api1:{config_directory}/glance-api.conf\n@@ -2,7 +2,7 @@\n" in drifted.stdout
    assert "\n-debug = false\n+debug = true\n" in drifted.stdout
    assert drifted.outcomes("api2") == {**all_passed(*ALL_CHECKS), "staging-directory": "FAILED",
                                        "staging-not-world-readable": "FAILED", "no-config-overrides": "FAILED"}
    assert drifted.message("api2", "no-config-overrides").startswith(
        f"Glance reads 1 override file(s) after glance-api.conf, and they win over it: "
        f"{config_directory}/glance-api.conf.d/zz.conf;")
    cases = [case.get("name") for case in ElementTree.parse(report).getroot().iter("testcase")]
    assert sorted(cases) == sorted(junit_name(check, host) for host in ("api1", "api2") for check in ALL_CHECKS)

    limited = run_verify(tmp_path, deployment.globals_file, hosts.inventory, "--limit", "api1")

    assert limited.returncode == 1, limited.describe()
    assert {host for host, _ in limited.table} == {"api1"}


def test_a_host_whose_facts_script_cannot_run_fails_each_check_naming_host_and_reason(tmp_path, ssh_hosts):
    missing_python = "/usr/bin/python3.99"
    hosts = ssh_hosts({"api1": "16m", "api2": "16m"},
                      host_vars={"api1": {"ansible_python_interpreter": missing_python}})
    root = hosts.staging_parent
    deployment = Deployment(tmp_path, root, tmp_path / "globals.yml", tmp_path / "passwords.yml", hosts.inventory)
    deployment.write_globals()  # nothing deployed: api2's checks run and fail on what is missing

    run = run_verify(tmp_path, deployment.globals_file, hosts.inventory, "--leftovers-older-than", "1h")

    assert run.returncode == 1, run.describe()
    assert set(run.outcomes("api1")) == {*ALL_CHECKS, "staging-leftovers"}
    for check in (*ALL_CHECKS, "staging-leftovers"):
        outcome, message = run.table[("api1", check)]
        assert outcome == "ERROR", (check, run.describe())
        prefix = f"cannot check api1: its facts script failed ({missing_python} exited with 127): "
        assert message.startswith(prefix) and missing_python in message.removeprefix(prefix), message
    assert run.table[("api2", "staging-directory")] == (
        "FAILED", f"{deployment.staging} does not exist; the nearest existing parent is {root}")
    assert run.table[("api2", "config-matches-render glance-api.conf")] == (
        "FAILED", f"cannot read {deployment.config_dir}/glance-api.conf: No such file or directory; reconfigure "
                  "deploys it")
    assert run.table[("api2", "staging-leftovers")] == (
        "FAILED", f"cannot list {deployment.staging}: No such file or directory")
    assert run.outcomes("api2")["no-config-overrides"] == "passed"
