"""Glance as kolla starts it (the glance_api container stand-in), behind a real Keystone 30 and a real
MariaDB, with kolla's own [keystone_authtoken], [database] and the production `keystone` flavor;
and docs/image-import.md's commands, extracted from the page and run as a non-admin member user."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.harness import FileServer, free_port
from tests.e2e.kolla_stack import MEMBER, start_stack
from tests.support.glance_container import GlanceApiStandIn, StandInError

pytestmark = [pytest.mark.e2e, pytest.mark.kolla,
              pytest.mark.root(reason="the container stand-in, MariaDB and apt need root")]

DOC = Path(__file__).resolve().parents[2] / "docs" / "image-import.md"
INJECTED = {"e2e_injected": "by xdeploy"}
QCOW2_VIRTUAL_SIZE = 16 * 1024 * 1024


def doc_blocks() -> dict[str, str]:
    """The page's ```sh blocks that follow an `<!-- e2e: NAME -->` marker, by NAME."""
    return dict(re.findall(r"<!-- e2e: ([\w-]+) -->\n```sh\n(.*?)```", DOC.read_text(), re.S))


@pytest.fixture(scope="module")
def sources(tmp_path_factory, qemu_img):
    directory = tmp_path_factory.mktemp("sources")
    subprocess.run([str(qemu_img), "create", "-q", "-f", "qcow2", str(directory / "image.qcow2"),
                    str(QCOW2_VIRTUAL_SIZE)], check=True)
    return directory


@pytest.fixture(scope="module")
def file_server(sources):
    with FileServer(sources) as server:
        yield server


@pytest.fixture(scope="module")
def stack(tmp_path_factory, file_server):
    started = time.monotonic()
    try:
        stack = start_stack(tmp_path_factory.mktemp("kolla-stack"), {
            "glance_enabled_import_methods": "glance-direct,web-download",
            "glance_web_download_allowed_ports": f"80,443,{file_server.port}",
            "glance_web_download_allowed_hosts": "127.0.0.1",
            "glance_inject_image_metadata": INJECTED,
        })
    except StandInError as error:
        pytest.fail(str(error))
    stack.startup_seconds = time.monotonic() - started
    yield stack
    stack.stop()


def sh(stack, script: str, env: dict | None = None, cwd: Path | None = None, admin: bool = False,
       capture=("IMAGE_ID",)) -> tuple[subprocess.CompletedProcess, dict]:
    """Run a shell snippet as the member user (or the admin) would, return it and the variables it set."""
    marker = "__xdeploy_e2e_vars__"
    epilogue = "".join(f'\nprintf "%s %s=%s\\n" {marker} {name} "${{{name}:-}}"' for name in capture)
    # a user's terminal: `openstack image create` without --file reads image data from a stdin that is
    # not a terminal (docs/image-import.md says so)
    terminal, user_side = os.openpty()
    try:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script + epilogue], stdin=user_side,
                                env={**(stack.admin_env() if admin else stack.os_env()), **(env or {})},
                                cwd=cwd, capture_output=True, text=True, timeout=240)
    finally:
        os.close(terminal)
        os.close(user_side)
    values = dict(line.split(" ", 1)[1].split("=", 1) for line in result.stdout.splitlines()
                  if line.startswith(marker + " "))
    return result, values


def ok(result: subprocess.CompletedProcess, stack) -> None:
    assert result.returncode == 0, (f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n"
                                    f"{result.stderr}\n--- glance\n{stack.glance.log()[-6000:]}")


def image(stack, image_id: str) -> dict:
    result = subprocess.run(["openstack", "image", "show", "-f", "json", image_id], env=stack.os_env(),
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    ok(result, stack)
    return json.loads(result.stdout)


# ------------------------------------------------------------------------------ Keystone, kolla's settings


def test_glance_runs_with_kolla_s_keystone_and_database_settings_unchanged(stack):
    conf = stack.glance.exec("cat", "/etc/glance/glance-api.conf").stdout
    passwords = stack.passwords
    assert "flavor = keystone" in conf
    assert f"auth_url = {stack.keystone.url}" in conf
    assert f"password = {passwords['glance_keystone_password']}" in conf
    assert (f"connection = mysql+pymysql://glance:{passwords['glance_database_password']}"
            f"@127.0.0.1:{stack.mariadb.port}/glance") in conf
    # kolla's bootstrap container migrated MariaDB and loaded the metadefs
    assert "images" in stack.mariadb.sql("SHOW TABLES FROM glance").split()
    assert int(stack.mariadb.sql("SELECT COUNT(*) FROM glance.metadef_namespaces").split()[-1]) > 0
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", stack.deployment.port, timeout=30)
    connection.request("GET", "/v2/images")
    assert connection.getresponse().status == 401  # authtoken is in the pipeline


def test_a_member_s_token_is_validated_with_the_glance_service_user_from_passwords_yml(stack):
    result, values = sh(stack, "openstack image list -f value -c ID >/dev/null; "
                               "IMAGE_ID=$(openstack image create -f value -c id --disk-format raw "
                               "--container-format bare member-record)")
    ok(result, stack)
    record = image(stack, values["IMAGE_ID"])
    assert record["status"] == "queued"
    assert record["owner"] == stack.keystone.find(stack.keystone.admin_token(), "projects", "demo")["id"]


# ------------------------------------------------------------------------------ docs/image-import.md


def test_the_page_s_web_download_converts_and_injects_for_a_member(stack, file_server, sources):
    blocks = doc_blocks()
    env = {"IMAGE_URL": file_server.url("image.qcow2")}
    result, values = sh(stack, blocks["web-download"] + blocks["wait"], env=env, cwd=sources)
    ok(result, stack)
    record = image(stack, values["IMAGE_ID"])
    assert record["status"] == "active", record
    assert record["disk_format"] == "raw" and record["size"] == QCOW2_VIRTUAL_SIZE  # image_conversion
    assert {key: record["properties"].get(key) for key in INJECTED} == INJECTED  # inject_image_metadata
    assert "inject_image_metadata" in stack.deployment.config_dir.joinpath("glance-image-import.conf").read_text()


def test_the_page_s_web_download_injects_nothing_for_an_admin(stack, file_server, sources):
    blocks = doc_blocks()
    result, values = sh(stack, blocks["web-download"] + blocks["wait"], admin=True,
                        env={"IMAGE_URL": file_server.url("image.qcow2")}, cwd=sources)
    ok(result, stack)
    shown = subprocess.run(["openstack", "image", "show", "-f", "json", values["IMAGE_ID"]], env=stack.admin_env(),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    record = json.loads(shown.stdout)
    assert record["status"] == "active" and record["disk_format"] == "raw"
    assert not set(INJECTED) & set(record["properties"])


def test_the_page_s_glance_direct_stages_on_the_volume_s_host_path(stack, sources):
    blocks = doc_blocks()
    env = {"GLANCE_URL": f"http://127.0.0.1:{stack.deployment.port}"}
    staged, values = sh(stack, blocks["glance-direct-stage"], env=env, cwd=sources)
    ok(staged, stack)
    image_id = values["IMAGE_ID"]
    on_host = stack.deployment.volume / "staging" / image_id  # glance_file_datadir_volume's host directory
    assert stack.glance.host_path(f"/var/lib/glance/staging/{image_id}") == on_host
    assert on_host.is_file() and on_host.read_bytes() == (sources / "image.qcow2").read_bytes()
    assert image(stack, image_id)["status"] == "uploading"

    imported, _ = sh(stack, blocks["glance-direct-import"] + blocks["wait"], env={**env, "IMAGE_ID": image_id},
                     cwd=sources)
    ok(imported, stack)
    record = image(stack, image_id)
    assert record["status"] == "active" and record["disk_format"] == "raw"
    assert not on_host.exists()


def test_the_page_s_refused_url_claims_hold(stack, sources):
    refused_url = f"http://127.0.0.1:{free_port()}/image.qcow2"  # the port is not in allowed_ports
    blocks = doc_blocks()
    env = {"IMAGE_URL": refused_url, "GLANCE_URL": f"http://127.0.0.1:{stack.deployment.port}"}
    silent, values = sh(stack, blocks["web-download"], env=env, cwd=sources)
    # python-openstackclient 10.5.0 exits 0 and prints the image although Glance answered 400
    ok(silent, stack)
    assert image(stack, values["IMAGE_ID"])["status"] == "queued"
    reason, _ = sh(stack, blocks["refused-reason"], env={**env, "IMAGE_ID": values["IMAGE_ID"]}, cwd=sources)
    ok(reason, stack)
    assert "400 Bad Request" in reason.stdout
    assert f"URI for web-download does not pass filtering: {refused_url}" in reason.stdout
    assert image(stack, values["IMAGE_ID"])["status"] == "queued"


def test_the_page_s_import_method_claim_holds(stack):
    legacy, _ = sh(stack, "openstack image create --import-method web-download --uri http://127.0.0.1/x legacy")
    assert legacy.returncode != 0
    assert "error: unrecognized arguments: --import-method --uri http://127.0.0.1/x legacy" in legacy.stderr
    assert "error: unrecognized arguments: --import-method --uri URL NAME" in DOC.read_text()


# ------------------------------------------------------------------------------ silent failures (issue 13 item 5)


def mutant(stack, workdir: Path, edits: dict) -> GlanceApiStandIn:
    """A second glance_api stand-in on its own port, from a copy of kolla's files with `edits` applied:
    what Glance does when those files reach it (the plugin's play refuses them before deploy:
    test_kolla_refused_before_deploy.py)."""
    config = workdir / "glance-api"
    shutil.copytree(stack.deployment.config_dir, config)
    port = free_port()
    ini = config / "glance-api-uwsgi.ini"
    ini.write_text(re.sub(r"(?m)^http = (.*):\d+$", rf"http = \g<1>:{port}", ini.read_text()))
    for name, edit in edits.items():
        (config / name).write_text(edit((config / name).read_text()))
    return GlanceApiStandIn(config, stack.glance.volumes, workdir / "standin")


def test_without_glance_image_import_conf_in_config_json_imports_go_active_unconverted(stack, file_server, sources,
                                                                                       tmp_path):
    def drop_import_conf(text: str) -> str:
        config = json.loads(text)
        config["config_files"] = [entry for entry in config["config_files"]
                                  if not entry["dest"].endswith("/glance-image-import.conf")]
        return json.dumps(config)

    glance = mutant(stack, tmp_path, {"config.json": drop_import_conf}).start()
    try:
        assert glance.exec("test", "-e", "/etc/glance/glance.conf.d/glance-image-import.conf").returncode != 0
        blocks = doc_blocks()
        result, values = sh(stack, blocks["web-download"] + blocks["wait"],
                            env={"IMAGE_URL": file_server.url("image.qcow2"), "OS_IMAGE_ENDPOINT_OVERRIDE": glance.url},
                            cwd=sources)
        ok(result, stack)
        record = image(stack, values["IMAGE_ID"])
        # silently: active, still qcow2, nothing injected
        assert record["status"] == "active" and record["disk_format"] == "qcow2"
        assert not set(INJECTED) & set(record["properties"])
    finally:
        glance.stop()


def test_without_the_brackets_healthcheck_passes_while_every_image_create_fails(stack, tmp_path):
    unbracketed = mutant(stack, tmp_path, {"glance-api.conf": lambda text: text.replace(
        "enabled_import_methods = [glance-direct,web-download]", "enabled_import_methods = glance-direct,web-download")})
    glance = unbracketed.start()
    try:
        assert glance.healthcheck() == 200
        assert glance.set_configs_check().returncode == 0
        result, _ = sh(stack, "openstack image create --disk-format raw --container-format bare unbracketed",
                       env={"OS_IMAGE_ENDPOINT_OVERRIDE": glance.url})
        assert result.returncode != 0
        # Glance's TypeError escapes the WSGI app: uWSGI closes the connection without an answer
        assert "Remote end closed connection without response" in result.stderr, result
        assert "TypeError: 'ImageProxy' object is not callable" in glance.log()
    finally:
        glance.stop()
