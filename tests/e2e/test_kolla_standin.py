"""kolla's glance_api container STAND-IN (tests/support/glance_container.py) really starts Glance from
what kolla's genconfig wrote, with the plugin integrated, and does what kolla's container start does."""
from __future__ import annotations

import json
import os

import pytest

from tests.e2e.kolla_deployment import kolla_glance

pytestmark = [pytest.mark.e2e, pytest.mark.kolla,
              pytest.mark.root(reason="the container stand-in uses a private mount namespace")]


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    deployment = kolla_glance(tmp_path_factory.mktemp("kolla-standin"))
    deployment.genconfig()
    standin = deployment.standin().start()
    yield deployment, standin
    standin.stop()


def test_it_mounts_kolla_s_volumes_and_copies_what_config_json_lists_to_where_it_lists(started):
    deployment, standin = started
    volumes = standin.volumes
    assert f"{deployment.config_dir}/:/var/lib/kolla/config_files/:ro" in volumes
    assert f"{deployment.volume}:/var/lib/glance/" in volumes
    config = json.loads((deployment.config_dir / "config.json").read_text())
    assert config["command"] == "uwsgi /etc/glance/glance-api-uwsgi.ini"
    dests = {entry["dest"] for entry in config["config_files"]}
    assert {"/etc/glance/glance-api.conf", "/etc/glance/glance-api-uwsgi.ini",
            "/etc/glance/glance.conf.d/glance-image-import.conf"} <= dests
    for entry in config["config_files"]:
        source = deployment.config_dir / os.path.basename(entry["source"])
        inside = standin.exec("cat", entry["dest"])
        assert inside.returncode == 0, inside.stdout
        assert inside.stdout == source.read_text(), entry["dest"]
        stat = standin.exec("stat", "-c", "%U %a", entry["dest"])
        assert stat.stdout.split() == [entry["owner"], entry["perm"].lstrip("0")], entry["dest"]
    # the plugin's options reached the files Glance reads, through kolla's merge
    assert "enabled_import_methods = [glance-direct,web-download]" in standin.exec(
        "cat", "/etc/glance/glance-api.conf").stdout
    # /var/lib/glance is the volume's host directory, owned by glance as kolla's permissions say
    assert standin.host_path("/var/lib/glance/staging") == deployment.volume / "staging"
    assert deployment.volume.stat().st_uid == 42415
    # glance-api runs as kolla's glance user, from the venv at kolla's path
    processes = standin.exec("sh", "-c", "for p in /proc/[0-9]*; do "
                             "[ \"$(cat $p/comm 2>/dev/null)\" = uwsgi ] && stat -c %u $p; done")
    assert set(processes.stdout.split()) == {"42415"}, processes.stdout


def test_kolla_set_configs_check_passes_inside_and_sees_a_changed_source(started):
    deployment, standin = started
    check = standin.set_configs_check()
    assert check.returncode == 0, check.stdout
    source = deployment.config_dir / "glance-api-uwsgi.ini"
    original = source.read_text()
    try:
        source.write_text(original + "# changed on the host\n")
        changed = standin.set_configs_check()
        assert changed.returncode == 1, changed.stdout
    finally:
        source.write_text(original)
    assert standin.set_configs_check().returncode == 0


def test_healthcheck_answers_on_the_port_kolla_rendered(started):
    deployment, standin = started
    assert standin.url == f"http://127.0.0.1:{deployment.port}"
    assert standin.healthcheck() == 200
    # kolla's own container healthcheck command, inside
    probe = standin.exec("healthcheck_curl", f"{standin.url}/healthcheck")
    assert probe.returncode == 0, probe.stdout
