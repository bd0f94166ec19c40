"""copy-image in a deployment with two file stores, rendered by `xdeploy-glance render`."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.e2e.deployment import Deployment, deploy, unmount_tmpfs
from tests.e2e.harness import GlanceClient, GlanceServer, Identity, chunked, payload

pytestmark = [pytest.mark.e2e, pytest.mark.glance, pytest.mark.root(reason="needs root to mount the staging tmpfs")]

MiB = 1024 * 1024
# Glance's copy_image policy is admin-only by default.
ADMIN = Identity(roles=("admin", "member", "reader"))


@pytest.fixture(scope="module")
def two_stores(tmp_path_factory: pytest.TempPathFactory, glance_venv: Path):
    root = tmp_path_factory.mktemp("two-stores")
    settings = {
        "glance_enabled_import_methods": "glance-direct,copy-image",
        "glance_default_backend": "file",
        "glance_extra_file_stores": {"fast": f"{root}/state/images-fast/"},
        "glance_staging_max_image_size": "8MiB",
        "glance_staging_concurrent_imports": 2,
    }
    try:
        yield deploy(root, glance_venv, "32m", settings)
    finally:
        unmount_tmpfs(root / "staging-fs")


@pytest.fixture(scope="module")
def admin(two_stores: Deployment, glance_venv: Path):
    with GlanceServer(glance_venv, two_stores.config_dir, two_stores.state_dir / "run") as server:
        yield GlanceClient(server, ADMIN)


def test_both_rendered_stores_are_offered(admin: GlanceClient) -> None:
    stores = admin.request("GET", "/v2/info/stores").json()["stores"]
    # kolla's glance_backend_http defaults to on: the read-only http store comes along.
    assert sorted((store["id"], store.get("default", "false")) for store in stores) == [
        ("fast", "false"), ("file", "true"), ("http", "false")]


def test_copy_image_copies_an_active_image_to_the_second_store(admin: GlanceClient, two_stores: Deployment) -> None:
    data = payload(2 * MiB, seed=5)
    image = admin.create_image(name="to-copy")
    assert admin.stage(image["id"], chunked(data, MiB), len(data)).status == 204
    imported, _ = admin.import_and_wait(image["id"], {"name": "glance-direct"})
    assert imported["stores"] == "file"

    copied, task = admin.import_and_wait(image["id"], {"name": "copy-image"}, stores=["fast"])

    assert (task["status"], task["message"]) == ("success", "Copied 2 MiB")
    assert copied["status"] == "active"
    assert sorted(copied["stores"].split(",")) == ["fast", "file"]
    assert copied["os_hash_value"] == hashlib.sha512(data).hexdigest()
    assert (two_stores.state_dir / "images-fast" / image["id"]).read_bytes() == data
    assert (two_stores.state_dir / "images" / image["id"]).read_bytes() == data
    assert list(two_stores.staging_dir.iterdir()) == []
