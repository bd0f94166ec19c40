"""Two glance-api hosts as kolla deploys them: two container stand-ins on 127.0.0.1 and 127.0.0.2, each
with its own staging volume and kolla's per-host worker_self_reference_url, behind the real Keystone.
Staged on one, the import call sent to the other is proxied by Glance to the host holding the data."""
from __future__ import annotations

import json
import re
import shutil
import time

import pytest

from tests.e2e.kolla_stack import start_stack
from tests.e2e.test_kolla_image_import import QCOW2_VIRTUAL_SIZE, doc_blocks, image, ok, sh, sources  # noqa: F401
from tests.e2e.harness import free_port
from tests.support.glance_container import GlanceApiStandIn, StandInError

pytestmark = [pytest.mark.e2e, pytest.mark.kolla,
              pytest.mark.root(reason="the container stand-in, MariaDB and apt need root")]

HOSTS = ("api1", "api2")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    try:
        stack = start_stack(tmp_path_factory.mktemp("kolla-two-hosts"),
                            {"glance_enabled_import_methods": "glance-direct,web-download",
                             "glance_image_import_plugins": "image_conversion"}, hosts=HOSTS)
    except StandInError as error:
        pytest.fail(str(error))
    yield stack
    stack.stop()


def test_each_host_has_kolla_s_own_worker_self_reference_url_and_staging_volume(stack):
    deployment = stack.deployment
    for host in HOSTS:
        conf = stack.glances[host].exec("cat", "/etc/glance/glance-api.conf").stdout
        assert f"worker_self_reference_url = {deployment.url(host)}" in conf
        assert stack.glances[host].host_path("/var/lib/glance/staging") == deployment.host_volume(host) / "staging"
        assert stack.glances[host].healthcheck() == 200
    assert deployment.host_volume("api1") != deployment.host_volume("api2")


def test_staged_on_one_host_imported_through_the_other(stack, sources):  # noqa: F811
    deployment = stack.deployment
    staged, values = sh(stack, doc_blocks()["glance-direct-stage"], env={"GLANCE_URL": deployment.url("api1")},
                        cwd=sources)
    ok(staged, stack)
    image_id = values["IMAGE_ID"]
    on_api1 = deployment.host_volume("api1") / "staging" / image_id
    assert on_api1.is_file()
    assert not (deployment.host_volume("api2") / "staging" / image_id).exists()

    # the import call goes to api2, which holds nothing: Glance proxies it to the stage host
    imported, _ = sh(stack, 'TOKEN=$(openstack token issue -f value -c id)\n'
                            'curl -fsS -X POST -H "X-Auth-Token: $TOKEN" -H "Content-Type: application/json" '
                            '-d \'{"method": {"name": "glance-direct"}}\' '
                            f'"{deployment.url("api2")}/v2/images/$IMAGE_ID/import"',
                     env={"IMAGE_ID": image_id})
    ok(imported, stack)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and image(stack, image_id)["status"] != "active":
        time.sleep(2)
    record = image(stack, image_id)
    assert record["status"] == "active", (record, stack.glances["api2"].log()[-4000:])
    assert record["disk_format"] == "raw" and record["size"] == QCOW2_VIRTUAL_SIZE
    assert not on_api1.exists()
    # api2 proxied the call to api1's worker_self_reference_url; the import ran on api1, where the data was
    assert f"Proxying POST request to host {deployment.url('api1')} which has image" in \
        stack.glances["api2"].log_file.read_text()
    api1_log = stack.glances["api1"].log_file.read_text()
    assert f"Got image data uri file:///var/lib/glance/staging/{image_id}" in api1_log
    assert f"Got image data uri file:///var/lib/glance/staging/{image_id}" not in \
        stack.glances["api2"].log_file.read_text()


def test_without_the_per_host_url_and_unshared_staging_the_import_through_the_other_host_fails(stack, sources,
                                                                                              tmp_path):  # noqa: F811
    """What the validator's multi-node-staging warning is about, with kolla's worker_self_reference_url gone."""
    deployment = stack.deployment
    assert "warning [multi-node-staging] glance_file_datadir_volume" in deployment.last_run.stderr

    urls, mutants = {}, {}
    for host in HOSTS:
        config = tmp_path / host / "glance-api"
        shutil.copytree(deployment.inventory.config_dir(host), config)
        port = free_port()
        ini = config / "glance-api-uwsgi.ini"
        ini.write_text(re.sub(r"(?m)^http = (.*):\d+$", rf"http = \g<1>:{port}", ini.read_text()))
        conf = config / "glance-api.conf"
        conf.write_text(re.sub(r"(?m)^worker_self_reference_url = .*\n", "", conf.read_text()))
        urls[host] = f"http://{deployment.inventory.addresses[host]}:{port}"
        mutants[host] = GlanceApiStandIn(config, stack.glances[host].volumes, tmp_path / host / "standin")
    try:
        for mutant in mutants.values():
            mutant.start()
        staged, values = sh(stack, doc_blocks()["glance-direct-stage"], env={"GLANCE_URL": urls["api1"]}, cwd=sources)
        ok(staged, stack)
        image_id = values["IMAGE_ID"]
        on_api1 = deployment.host_volume("api1") / "staging" / image_id
        assert on_api1.is_file()
        imported, _ = sh(stack, 'TOKEN=$(openstack token issue -f value -c id)\n'
                                'curl -fsS -X POST -H "X-Auth-Token: $TOKEN" -H "Content-Type: application/json" '
                                '-d \'{"method": {"name": "glance-direct"}}\' '
                                f'"{urls["api2"]}/v2/images/$IMAGE_ID/import"', env={"IMAGE_ID": image_id})
        ok(imported, stack)  # accepted: 202
        tasks: list = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            listed, _ = sh(stack, 'TOKEN=$(openstack token issue -f value -c id)\n'
                                  f'curl -fsS -H "X-Auth-Token: $TOKEN" "{urls["api1"]}/v2/images/$IMAGE_ID/tasks"',
                           env={"IMAGE_ID": image_id})
            tasks = json.loads(listed.stdout.split("__xdeploy_e2e_vars__")[0])["tasks"]
            if tasks and tasks[0]["status"] in ("success", "failure"):
                break
            time.sleep(2)
        assert tasks and tasks[0]["status"] == "failure", tasks
        assert image(stack, image_id)["status"] != "active"
        # api2 ran the import itself and found nothing in its own staging volume; the data is still on api1
        assert "Proxying POST request" not in mutants["api2"].log_file.read_text()
        assert on_api1.is_file()
        assert not (deployment.host_volume("api2") / "staging" / image_id).exists()
    finally:
        for mutant in mutants.values():
            mutant.stop()
