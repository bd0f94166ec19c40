"""Every import method and plugin the product configures, against a real glance-api 33.0.0
started from the files `xdeploy-glance render` wrote, staging on a tmpfs the role provisioned."""
from __future__ import annotations

import hashlib
import json
import subprocess
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.e2e.deployment import Deployment, deploy, unmount_tmpfs, write_globals, xdeploy_glance
from tests.e2e.harness import FileServer, GlanceClient, GlanceServer, Identity, chunked, error_message, payload
from tests.support.ansible_run import local_inventory

pytestmark = [pytest.mark.e2e, pytest.mark.glance, pytest.mark.root(reason="needs root to mount the staging tmpfs")]

MiB = 1024 * 1024
STAGING_TMPFS = "64m"
STAGING_TMPFS_BYTES = 64 * MiB
QCOW2_VIRTUAL_SIZE = 32 * MiB
INJECTED = {"e2e_injected": "by xdeploy", "e2e_second": "two words"}
MEMBER = Identity(roles=("member", "reader"))
ADMIN = Identity(roles=("admin", "member", "reader"))


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, qemu_img: Path) -> Path:
    directory = tmp_path_factory.mktemp("sources")
    (directory / "web.raw").write_bytes(payload(3 * MiB, seed=2))
    (directory / "tiny.raw").write_bytes(payload(64 * 1024, seed=3))
    subprocess.run([str(qemu_img), "create", "-q", "-f", "qcow2", str(directory / "empty.qcow2"),
                    str(QCOW2_VIRTUAL_SIZE)], check=True)
    return directory


@pytest.fixture(scope="module")
def file_server(sources: Path):
    with FileServer(sources) as server:
        yield server


@pytest.fixture(scope="module")
def other_port_server(sources: Path):
    """The same files on a port the globals do not allow."""
    with FileServer(sources) as server:
        yield server


def main_settings(file_server_port: int) -> dict:
    return {
        "glance_enabled_import_methods": "glance-direct,web-download",
        "glance_image_import_plugins": "image_conversion,inject_image_metadata",
        "glance_image_conversion_output_format": "raw",
        "glance_inject_image_metadata": INJECTED,
        "glance_web_download_allowed_hosts": "127.0.0.1",
        "glance_web_download_allowed_ports": str(file_server_port),
        # One import of up to 16 MiB expanding to 32 MiB raw, +10%: 52.8 MiB, fits the 64 MiB tmpfs.
        "glance_staging_max_image_size": "16MiB",
        "glance_staging_max_virtual_size": "32MiB",
        "glance_staging_concurrent_imports": 1,
        "glance_staging_headroom_percent": 10,
    }


@pytest.fixture(scope="module")
def main(tmp_path_factory: pytest.TempPathFactory, glance_venv: Path, file_server: FileServer):
    root = tmp_path_factory.mktemp("main-deployment")
    try:
        yield deploy(root, glance_venv, STAGING_TMPFS, main_settings(file_server.port))
    finally:
        unmount_tmpfs(root / "staging-fs")


@pytest.fixture(scope="module")
def server(main: Deployment, glance_venv: Path):
    with GlanceServer(glance_venv, main.config_dir, main.state_dir / "run") as running:
        yield running


@pytest.fixture
def client(server: GlanceServer) -> GlanceClient:
    return GlanceClient(server, MEMBER)


def staging_contents(deployment: Deployment) -> list[str]:
    return sorted(path.name for path in deployment.staging_dir.iterdir())


def wait_for_growing_file(path: Path, timeout: float = 10.0) -> int:
    """Size of `path` once it exists and holds data (glance-api writes it as the body arrives)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size > 0:
            return path.stat().st_size
        time.sleep(0.05)
    raise AssertionError(f"{path} did not appear with data within {timeout:.0f} s while the upload was in flight")


def test_glance_direct_stages_in_our_staging_dir_and_imports(client: GlanceClient, main: Deployment) -> None:
    data = payload(4 * MiB, seed=1)
    image = client.create_image(name="direct")
    staged = main.staging_dir / image["id"]
    seen_mid_upload: list[int] = []

    def body():
        for index, chunk in enumerate(chunked(data, MiB // 2)):
            yield chunk
            if index == 3:  # 2 MiB sent, the PUT is still open
                seen_mid_upload.append(wait_for_growing_file(staged))

    response = client.stage(image["id"], body(), len(data))

    assert response.status == 204, response.text
    assert 0 < seen_mid_upload[0] <= 2 * MiB
    assert staged.stat().st_size == len(data)
    assert client.get_image(image["id"])["status"] == "uploading"
    active, task = client.import_and_wait(image["id"], {"name": "glance-direct"})
    assert (active["status"], active["disk_format"], active["size"]) == ("active", "raw", len(data))
    assert active["os_hash_algo"] == "sha512"
    assert active["os_hash_value"] == hashlib.sha512(data).hexdigest()
    assert active["checksum"] == hashlib.md5(data).hexdigest()
    assert (task["status"], task["message"]) == ("success", "Copied 4 MiB")
    assert client.download(image["id"]) == data
    assert (main.state_dir / "images" / image["id"]).stat().st_size == len(data)
    assert staging_contents(main) == []


def test_web_download_from_the_allowed_local_server(client: GlanceClient, main: Deployment,
                                                    file_server: FileServer, sources: Path) -> None:
    data = (sources / "web.raw").read_bytes()
    image = client.create_image(name="web")

    active, task = client.import_and_wait(image["id"], {"name": "web-download", "uri": file_server.url("web.raw")})

    assert (active["status"], active["size"]) == ("active", len(data))
    assert active["os_hash_value"] == hashlib.sha512(data).hexdigest()
    assert (task["status"], task["message"]) == ("success", "Copied 3 MiB")
    assert staging_contents(main) == []


def test_image_conversion_turns_qcow2_into_raw(client: GlanceClient, main: Deployment, sources: Path) -> None:
    qcow2 = (sources / "empty.qcow2").read_bytes()
    image = client.create_image(name="converted", disk_format="qcow2")
    assert client.stage(image["id"], chunked(qcow2, MiB), len(qcow2)).status == 204

    active, task = client.import_and_wait(image["id"], {"name": "glance-direct"})

    assert task["status"] == "success"
    assert (active["disk_format"], active["container_format"]) == ("raw", "bare")
    assert (active["size"], active["virtual_size"]) == (QCOW2_VIRTUAL_SIZE, QCOW2_VIRTUAL_SIZE)
    # An empty qcow2 converts to zeros of its full virtual size.
    assert active["os_hash_value"] == hashlib.sha512(bytes(QCOW2_VIRTUAL_SIZE)).hexdigest()
    assert staging_contents(main) == []  # the upload and the converted <id>.raw are both gone


def test_inject_image_metadata_for_a_member_but_not_for_admin(client: GlanceClient, file_server: FileServer) -> None:
    member_image = client.create_image(name="injected")
    admin = client.as_identity(ADMIN)
    admin_image = admin.create_image(name="not-injected")

    injected, _ = client.import_and_wait(member_image["id"], {"name": "web-download", "uri": file_server.url("tiny.raw")})
    skipped, _ = admin.import_and_wait(admin_image["id"], {"name": "web-download", "uri": file_server.url("tiny.raw")})

    assert {key: injected.get(key) for key in INJECTED} == INJECTED
    # glance_inject_image_metadata_ignore_user_roles keeps its default, admin.
    assert [key for key in INJECTED if key in skipped] == []


def test_web_download_from_a_port_not_allowed_is_refused(client: GlanceClient, other_port_server: FileServer) -> None:
    image = client.create_image(name="wrong-port")
    uri = other_port_server.url("tiny.raw")

    response = client.import_image(image["id"], {"name": "web-download", "uri": uri})

    assert response.status == 400
    assert error_message(response) == f"URI for web-download does not pass filtering: {uri}"
    assert client.get_image(image["id"])["status"] == "queued"
    assert client.image_tasks(image["id"]) == []


def test_a_method_left_out_of_the_globals_is_refused(client: GlanceClient) -> None:
    assert client.request("GET", "/v2/info/import").json()["import-methods"]["value"] == ["glance-direct", "web-download"]
    image = client.create_image(name="not-enabled")

    response = client.import_image(image["id"], {"name": "copy-image"}, stores=["file"])

    assert response.status == 400
    assert error_message(response) == "Unknown import method name 'copy-image'."
    assert client.image_tasks(image["id"]) == []


def junit_cases(report: Path) -> dict[str, ElementTree.Element]:
    return {case.get("name"): case for case in ElementTree.parse(report).iter("testcase")}


def test_staging_an_image_larger_than_the_tmpfs_fails_and_verify_warned(
        client: GlanceClient, main: Deployment, file_server: FileServer, tmp_path: Path) -> None:
    big = 80 * MiB
    # The operator now expects 80 MiB images: verify (the same globals plus that size) says staging is too small.
    deployed = json.loads(main.globals_file.read_text())
    expecting_big = write_globals(tmp_path / "globals-big.yml", {
        **deployed, "glance_staging_max_image_size": "80MiB", "glance_staging_max_virtual_size": "80MiB"})
    report = tmp_path / "verify.xml"
    verified = xdeploy_glance("verify", "-c", str(expecting_big), "-i", str(local_inventory(tmp_path)),
                              "--junitxml", str(report))
    assert verified.returncode == 1, verified.output
    cases = junit_cases(report)
    free_space = cases["staging-free-space"]
    assert free_space.find("failure") is not None, verified.output
    assert (f"need 176.0 MiB (= 1 × (80.0 MiB + 80.0 MiB raw) + 10%), available 64.0 MiB on tmpfs (tmpfs) "
            f"at {main.staging_mount}") in free_space.find("failure").get("message"), verified.output
    assert cases["staging-directory"].find("failure") is None, verified.output

    image = client.create_image(name="too-big")
    response = client.stage(image["id"], chunked(payload(big, seed=4), 4 * MiB), big)

    assert response.status == 413
    assert error_message(response) == ("Image storage media is full: "
                                       "There is not enough disk space on the image storage media.")
    assert client.get_image(image["id"])["status"] == "queued"
    assert staging_contents(main) == []  # Glance removed the partial upload

