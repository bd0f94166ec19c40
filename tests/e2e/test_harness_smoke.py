"""The harness itself works: a hand-written lab config starts glance-api and imports an image.

This config is deliberately independent of the product's renderer, so a red run here points
at the harness (venv, uWSGI, paste flavor, client), not at xdeploy-glance.
"""
from __future__ import annotations

import hashlib
import http.client
from pathlib import Path

import pytest

from tests.e2e.harness import GlanceClient, GlanceServer, chunked, write_trusted_headers_paste_ini

pytestmark = [pytest.mark.e2e, pytest.mark.glance]

MiB = 1024 * 1024


def write_lab_config(config_dir: Path, state_dir: Path, venv: Path) -> None:
    """The lab's minimal multi-store glance-api.conf (one file store), test-only bits included."""
    config_dir.mkdir(parents=True)
    paste = write_trusted_headers_paste_ini(venv, config_dir / "glance-api-paste.ini")
    for name in ("images", "staging", "tasks", "locks"):
        (state_dir / name).mkdir(parents=True)
    (config_dir / "glance-api.conf").write_text(f"""\
[DEFAULT]
debug = true
log_file = {state_dir}/glance-api.log
enabled_import_methods = [glance-direct, web-download, copy-image]
enabled_backends = fs:file

[database]
connection = sqlite:///{state_dir}/glance.sqlite

[glance_store]
default_backend = fs

[fs]
filesystem_store_datadir = {state_dir}/images/

[os_glance_staging_store]
filesystem_store_datadir = {state_dir}/staging/

[os_glance_tasks_store]
filesystem_store_datadir = {state_dir}/tasks/

[oslo_concurrency]
lock_path = {state_dir}/locks

[wsgi]
python_interpreter = {venv}/bin/python3

[paste_deploy]
config_file = {paste}
flavor = trustedheaders
""")


@pytest.fixture(scope="module")
def lab_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lab") / "state"


@pytest.fixture(scope="module")
def lab_server(glance_venv: Path, lab_state: Path, tmp_path_factory: pytest.TempPathFactory):
    config_dir = tmp_path_factory.mktemp("lab-config") / "etc"
    write_lab_config(config_dir, lab_state, glance_venv)
    with GlanceServer(glance_venv, config_dir, lab_state / "run") as server:
        yield server


def test_glance_direct_import_reaches_active(lab_server: GlanceServer, lab_state: Path) -> None:
    client = GlanceClient(lab_server)
    data = bytes(range(256)) * (2 * MiB // 256)
    image = client.create_image(name="smoke")
    assert image["status"] == "queued"

    response = client.stage(image["id"], chunked(data, MiB // 2), len(data))
    assert response.status == 204, response.text
    assert (lab_state / "staging" / image["id"]).stat().st_size == len(data)

    active, task = client.import_and_wait(image["id"], {"name": "glance-direct"})
    assert active["os_hash_value"] == hashlib.sha512(data).hexdigest()
    assert active["checksum"] == hashlib.md5(data).hexdigest()
    assert active["size"] == len(data)
    assert active["stores"] == "fs"
    assert task["message"] == "Copied 2 MiB"
    assert client.download(image["id"]) == data
    assert list((lab_state / "staging").iterdir()) == []


def test_requests_without_identity_headers_are_refused(lab_server: GlanceServer) -> None:
    # The trustedheaders flavor authenticates by header; the stock no-auth pipeline would answer 403.
    connection = http.client.HTTPConnection("127.0.0.1", lab_server.port, timeout=10)
    try:
        connection.request("GET", "/v2/images")
        assert connection.getresponse().status == 401
    finally:
        connection.close()
