"""`xdeploy-glance verify` against real hosts: on a deployed host it passes, after each drift it fails by name.

Hosts are the local machine (ansible_connection=local) and sshd "hosts" in private mount namespaces,
each with its own tmpfs. Staging is /var/lib/glance/staging in the glance_api container, whose host path
is found through kolla's volumes as the role finds it (xdeploy_glance.volumes): glance_file_datadir_volume
bind-mounts a host directory there (tests/support/deployment.py), or a named volume sits where
`docker volume inspect` (a fake on PATH) says. The plugin role's staging tasks (real ansible-playbook, kolla_action=deploy)
provision staging; kolla's deployed files are written by tests/support/deployment.write_kolla_glance_files,
a stand-in for kolla's genconfig (which the composition tests run for real). Each drift is made by hand.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support.deployment import SECRETS, Deployment, local_deployment, write_kolla_glance_files
from tests.support.verify_run import run_verify

pytestmark = [pytest.mark.root(reason="needs root to mount filesystems")]

MIB = 1024 * 1024
STAGING_CHECKS = ("staging-directory", "staging-not-world-readable", "staging-free-space",
                  "staging-rotational-policy", "staging-shared")
# No container engine runs glance_api on these hosts: that check is skipped (tests/test_verify_container.py runs it).
CONTAINER_CHECK = "container-runs-current-config"
CONFIG_CHECKS = ("import-conf-in-config-json", "import-options-deployed", CONTAINER_CHECK, "no-config-overrides")
ALL_CHECKS = CONFIG_CHECKS + STAGING_CHECKS
IMAGE_ID = "0f8e3b4c-1d2a-4b5c-9e6f-7a8b9c0d1e2f"
# Two imports of 8 MiB, each converted to raw (8 MiB more), plus 10% headroom must stay free.
SIZING = {"glance_staging_max_image_size": "8M", "glance_staging_concurrent_imports": 2,
          "glance_staging_headroom_percent": 10}
REQUIRED_BYTES = 36909876  # ceil(2 × 16 MiB × 1.1)
NEED = "need 35.2 MiB (= 2 × (8.0 MiB + 8.0 MiB raw) + 10%)"


def all_passed(*checks: str) -> dict[str, str]:
    return {check: "skipped" if check == CONTAINER_CHECK else "passed" for check in checks}


def junit_name(check: str, host: str) -> tuple[str, str]:
    """A JUnit test case of verify's report: (classname, name) is (host, check id)."""
    return host, check


def junit_cases(report: Path) -> dict[tuple[str, str], ElementTree.Element]:
    return {(case.get("classname"), case.get("name")): case for case in ElementTree.parse(report).iter("testcase")}


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
    values = deployment.write_globals(**SIZING)
    provisioned = deployment.provision_staging(values)
    assert provisioned.returncode == 0, provisioned.describe()
    return deployment


def deploy_on(hosts, deployment: Deployment, name: str) -> None:
    """Write kolla's files (the genconfig stand-in) on an ssh host, in its own mount namespace."""
    files = write_kolla_glance_files(None, deployment.globals_file, workdir=deployment.workdir, host=name)
    script = [f"mkdir -p {deployment.config_dir}"]
    for file_name, text in files.items():
        script.append(f"cat > {deployment.config_dir / file_name} <<'KOLLA_EOF'\n{text}KOLLA_EOF")
    hosts.run_on(name, "\n".join(script))


def provision_ssh_staging(deployment: Deployment, values: dict) -> None:
    provisioned = deployment.provision_staging(values)
    assert provisioned.returncode == 0, provisioned.describe()


def test_local_host_passes_when_deployed_and_fails_by_name_after_each_drift(tmp_path, deployment):
    overrides = tmp_path / "custom-config"
    (overrides / "glance").mkdir(parents=True)
    (overrides / "glance" / "glance-api.conf").write_text("[DEFAULT]\ndebug = true\n")
    with_overrides = ("--overrides", str(overrides))
    staging, config_directory, label = deployment.staging, deployment.config_dir, deployment.staging_label
    filesystem = staging.parent
    files = deployment.kolla_files(overrides)

    assert "\ndebug = true\n" in files["glance-api.conf"] and "transport_url = " in files["glance-api.conf"]
    clean = run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides)
    assert clean.returncode == 0, clean.describe()
    assert clean.outcomes("localhost") == all_passed(*ALL_CHECKS)

    staging.chmod(0o777)
    world = run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides)
    staging.chmod(0o750)

    assert world.returncode == 1, world.describe()
    assert world.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "staging-directory": "FAILED",
                                           "staging-not-world-readable": "FAILED"}
    assert world.message("localhost", "staging-directory") == \
        f"{label}: mode 0777, expected 0750 (glance_staging_mode)"
    assert world.message("localhost", "staging-not-world-readable") == (
        f"{label} has mode 0777: every user on the host can read and write it; run chmod o-rwx {staging} or "
        "re-run reconfigure")
    assert "test_staging_not_world_readable" not in world.stdout  # pytest's own output only with -v

    deployed = config_directory / "glance-api.conf"
    good = deployed.read_text()
    assert "\nimage_size_cap = 1099511627776\n" in good
    deployed.write_text(good.replace("image_size_cap = 1099511627776", "image_size_cap = 1"))
    edited = run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides)
    deployed.write_text(good)

    assert edited.returncode == 1, edited.describe()
    assert edited.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "import-options-deployed": "FAILED"}
    assert "[DEFAULT] image_size_cap = 1, expected 1099511627776" in \
        edited.message("localhost", "import-options-deployed")

    config_json = config_directory / "config.json"
    good_json = config_json.read_text()
    kolla_config = json.loads(good_json)
    kolla_config["config_files"] = [entry for entry in kolla_config["config_files"]
                                    if not entry["source"].endswith("/glance-image-import.conf")]
    config_json.write_text(json.dumps(kolla_config))
    unmapped = run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides)
    config_json.write_text(good_json)

    assert unmapped.returncode == 1, unmapped.describe()
    assert unmapped.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "import-conf-in-config-json": "FAILED"}
    assert unmapped.message("localhost", "import-conf-in-config-json").startswith(
        f"{config_json} does not copy glance-image-import.conf into the container")

    filler = fill(filesystem, leave_free=REQUIRED_BYTES - MIB)
    full = run_verify(tmp_path, deployment.globals_file, deployment.inventory, *with_overrides)
    left = available(filesystem)
    filler.unlink()

    assert full.returncode == 1, full.describe()
    assert full.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "staging-free-space": "FAILED"}
    assert full.message("localhost", "staging-free-space") == (
        f"Not enough space for Glance {label}: {NEED}, available 34.2 MiB on tmpfs (tmpfs) at "
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
        "settings in the globals or in kolla's override files, then remove them")
    cases = junit_cases(report)
    assert sorted(cases) == sorted(junit_name(check, "localhost") for check in ALL_CHECKS)
    assert [name for name, case in cases.items() if case.find("failure") is not None] == \
        [junit_name("no-config-overrides", "localhost")]


def test_leftovers_are_reported_by_age_and_never_deleted(tmp_path, deployment):
    deployment.kolla_files()
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
        rf"1 file\(s\) in {re.escape(deployment.staging_label)} named after images are older than 24h \(left in place; check the images' "
        rf"import tasks, Glance removes residue of deleted images when it starts\): {IMAGE_ID}\.raw "
        r"\(2\.0 KiB, 48\.\d h old\)", with_age.message("localhost", "staging-leftovers"))
    assert all(path.exists() for path in (old, recent, other))


def test_staging_on_a_host_path_bind_volume_is_checked_at_its_host_path(tmp_path, mount_tmpfs):
    """Issue 12 #5: glance_extra_volumes bind-mounts a host directory at the staging path; verify checks that host
    directory, and a chmod 0777 there fails staging-not-world-readable naming both paths."""
    deployment = local_deployment(tmp_path, mount_tmpfs)
    share = deployment.root / "fs" / "import-share"  # the host directory of the bind mount
    values = deployment.write_globals(**SIZING, glance_extra_volumes=[f"{share}:/var/lib/glance-import"],
                                      glance_staging_store_uri="file:///var/lib/glance-import/staging")
    provisioned = deployment.provision_staging(values)
    assert provisioned.returncode == 0, provisioned.describe()
    deployment.kolla_files()
    staging = share / "staging"
    label = f"staging /var/lib/glance-import/staging (host: {staging})"
    assert staging.is_dir() and not (deployment.root / "fs" / "staging").exists()

    clean = run_verify(tmp_path, deployment.globals_file, deployment.inventory)
    staging.chmod(0o777)
    world = run_verify(tmp_path, deployment.globals_file, deployment.inventory)

    assert clean.returncode == 0 and clean.outcomes("localhost") == all_passed(*ALL_CHECKS), clean.describe()
    assert world.returncode == 1, world.describe()
    assert world.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "staging-directory": "FAILED",
                                           "staging-not-world-readable": "FAILED"}
    assert world.message("localhost", "staging-not-world-readable") == (
        f"{label} has mode 0777: every user on the host can read and write it; run chmod o-rwx {staging} or "
        "re-run reconfigure")
    assert world.message("localhost", "staging-directory") == f"{label}: mode 0777, expected 0750 (glance_staging_mode)"


def test_named_volume_staging_is_checked_where_volume_inspect_says(tmp_path, mount_tmpfs):
    """Issue 12 #5: with the named volume `glance`, verify runs `docker volume inspect glance` on the host (a fake
    docker on PATH here) and checks staging under its Mountpoint."""
    from tests.test_volumes import fake_engine

    deployment = local_deployment(tmp_path, mount_tmpfs)
    data = deployment.root / "fs"  # the glance volume's _data directory
    bin_dir = fake_engine(tmp_path / "bin", "docker", {"glance": data})
    deployment.write_globals(**SIZING, glance_file_datadir_volume="glance")
    deployment.kolla_files()
    staging = data / "staging"
    staging.mkdir(mode=0o750)
    os.chown(staging, 42415, 42415)
    label = f"staging /var/lib/glance/staging (host: {staging})"

    clean = run_verify(tmp_path, deployment.globals_file, deployment.inventory, path_prefix=bin_dir)
    staging.chmod(0o777)
    world = run_verify(tmp_path, deployment.globals_file, deployment.inventory, path_prefix=bin_dir)

    assert clean.returncode == 0 and clean.outcomes("localhost") == all_passed(*ALL_CHECKS), clean.describe()
    assert "volume inspect glance" in (bin_dir / "docker.calls").read_text()
    assert world.outcomes("localhost") == {**all_passed(*ALL_CHECKS), "staging-directory": "FAILED",
                                           "staging-not-world-readable": "FAILED"}, world.describe()
    assert world.message("localhost", "staging-not-world-readable").startswith(f"{label} has mode 0777: ")


def test_ssh_hosts_each_fail_by_name_after_their_own_drift(tmp_path, ssh_hosts):
    hosts = ssh_hosts({"api1": "64m", "api2": "64m"}, host_vars={
        name: {"glance_worker_self_reference_url": f"http://{name}.example:9292"} for name in ("api1", "api2")})
    root = hosts.staging_parent  # a tmpfs of its own on every host: config and staging are per host
    deployment = Deployment(tmp_path, root, tmp_path / "globals.yml", tmp_path / "passwords.yml", hosts.inventory)
    deployment.passwords_file.write_text(json.dumps(SECRETS))
    values = deployment.write_globals(**SIZING)
    staging, config_directory = deployment.staging, deployment.config_dir
    provision_ssh_staging(deployment, values)
    for name in ("api1", "api2"):
        deploy_on(hosts, deployment, name)
    clean = run_verify(tmp_path, deployment.globals_file, hosts.inventory, "--become")  # through sudo, as -b

    assert clean.returncode == 0, clean.describe()
    assert clean.outcomes("api1") == clean.outcomes("api2") == all_passed(*ALL_CHECKS)

    hosts.run_on("api1", f"head -c {32 * MIB} /dev/zero > {root}/fs/filler; "
                         f"sed -i 's/^image_size_cap = .*$/image_size_cap = 2/' {config_directory}/glance-api.conf")
    hosts.run_on("api2", f"chmod 0777 {staging}; mkdir {config_directory}/glance-api.conf.d; "
                         f"echo '[DEFAULT]' > {config_directory}/glance-api.conf.d/zz.conf")
    report = tmp_path / "verify.xml"
    drifted = run_verify(tmp_path, deployment.globals_file, hosts.inventory, "--junitxml", str(report))

    assert drifted.returncode == 1, drifted.describe()
    assert drifted.outcomes("api1") == {**all_passed(*ALL_CHECKS), "staging-free-space": "FAILED",
                                        "import-options-deployed": "FAILED"}
    assert drifted.message("api1", "staging-free-space").startswith(
        f"Not enough space for Glance {deployment.staging_label}: {NEED}, available ")
    assert "[DEFAULT] image_size_cap = 2, expected 1099511627776" in drifted.message("api1", "import-options-deployed")
    assert drifted.outcomes("api2") == {**all_passed(*ALL_CHECKS), "staging-directory": "FAILED",
                                        "staging-not-world-readable": "FAILED", "no-config-overrides": "FAILED"}
    assert drifted.message("api2", "no-config-overrides").startswith(
        f"Glance reads 1 override file(s) after glance-api.conf, and they win over it: "
        f"{config_directory}/glance-api.conf.d/zz.conf;")
    cases = junit_cases(report)
    assert sorted(cases) == sorted(junit_name(check, host) for host in ("api1", "api2") for check in ALL_CHECKS)

    limited = run_verify(tmp_path, deployment.globals_file, hosts.inventory, "--limit", "api1")

    assert limited.returncode == 1, limited.describe()
    assert {host for host, _ in limited.table} == {"api1"}


def test_a_host_whose_facts_script_cannot_run_is_reported_once_naming_host_and_reason(tmp_path, ssh_hosts):
    """Issue 14 #9: a host that cannot be looked at is one host-reachable line, not one failure per check."""
    missing_python = "/usr/bin/python3.99"
    hosts = ssh_hosts({"api1": "16m", "api2": "16m"},
                      host_vars={"api1": {"ansible_python_interpreter": missing_python}})
    root = hosts.staging_parent
    deployment = Deployment(tmp_path, root, tmp_path / "globals.yml", tmp_path / "passwords.yml", hosts.inventory)
    deployment.write_globals()  # nothing deployed: api2's checks run and fail on what is missing

    run = run_verify(tmp_path, deployment.globals_file, hosts.inventory, "--leftovers-older-than", "1h")

    assert run.returncode == 1, run.describe()
    assert run.outcomes("api1") == {"host-reachable": "ERROR"}, run.describe()
    message = run.message("api1", "host-reachable")
    prefix = f"cannot check api1: its facts script failed ({missing_python} exited with 127): "
    assert message.startswith(prefix) and missing_python in message.removeprefix(prefix), message
    assert run.table[("api2", "staging-directory")] == (
        "FAILED", f"{deployment.staging_label} does not exist; the nearest existing parent on the host is {root}")
    assert run.table[("api2", "import-options-deployed")] == (
        "FAILED", f"cannot read {deployment.config_dir}/glance-api.conf: No such file or directory; kolla's glance "
                  "role writes it (genconfig or reconfigure, with the plugin integrated)")
    assert run.table[("api2", "staging-leftovers")] == (
        "FAILED", f"cannot list {deployment.staging_label}: No such file or directory")
    assert run.outcomes("api2")["no-config-overrides"] == "passed"
