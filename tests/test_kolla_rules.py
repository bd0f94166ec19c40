"""Issue 12 point 3: rules that know kolla-ansible (its glance_api_hosts, enabled_backends, inventory).

The rule modules' own cases are folders under tests/cases/; these are the pieces that need an
override directory or an inventory of their own.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from xdeploy_glance import checker
from xdeploy_glance.cli import main
from xdeploy_glance.commands.common import load_hosts
from xdeploy_glance.findings import Location
from xdeploy_glance.inventory import GroupMissing, InventoryError, glance_api_hosts


def render(tmp_path: Path, capsys, globals_text: str, overrides: dict[str, str]):
    (tmp_path / "globals.yml").write_text(globals_text)
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    for name, text in overrides.items():
        (config / name).parent.mkdir(parents=True, exist_ok=True)
        (config / name).write_text(text)
    code = main(["render", "-c", str(tmp_path / "globals.yml"), "--overrides", str(config),
                 "-o", str(tmp_path / "out")])
    return code, capsys.readouterr().err


def test_global_written_for_default_is_a_wrong_section(tmp_path, capsys):
    code, err = render(tmp_path, capsys, "{}\n", {"global.conf": "[GLOBAL]\nshow_image_direct_url = True\n"})

    assert code == 0, err
    assert "global.conf:2:0: warning [override-wrong-section] [GLOBAL] is not a section Glance reads" in err
    assert "move show_image_direct_url to [DEFAULT]" in err


def test_a_section_of_another_library_is_not_judged(tmp_path, capsys):
    code, err = render(tmp_path, capsys, "{}\n", {"glance.conf": "[GLOBAL]\nnot_a_glance_option = 1\n"})

    assert code == 0 and "override-wrong-section" not in err, err


@pytest.mark.parametrize("globals_text, section, named", [
    # kolla's enabled_backends: file and http by default, cinder with enable_cinder
    ('enable_cinder: "yes"\n', "lvm1", "file:file, http:http, cinder:cinder"),
    # no cinder store without enable_cinder: its section is never read
    ("{}\n", "cinder", "file:file, http:http"),
    # with Ceph the file store is off (kolla: glance_backend_file follows ceph and s3)
    ('glance_backend_ceph: "yes"\n', "file", "http:http, rbd:rbd"),
])
def test_a_store_section_no_enabled_backends_entry_names_is_reported(tmp_path, capsys, globals_text, section,
                                                                     named):
    option = "filesystem_store_datadir = /srv/x" if section == "file" else "cinder_volume_type = lvm-1"
    code, err = render(tmp_path, capsys, globals_text,
                       {"glance/glance-api.conf": f"[{section}]\n{option}\ndescription = x\n"})

    assert code == 0, err
    assert err.count("[override-wrong-section]") == 1  # once per section, not per option
    assert f"glance/glance-api.conf:2:0: warning [override-wrong-section] [{section}] in glance-api.conf is a " \
           f"store section" in err
    assert f"(enabled_backends: {named})" in err


@pytest.mark.parametrize("globals_text, overrides", [
    ('enable_cinder: "yes"\n', {"glance/glance-api.conf": "[cinder]\ncinder_volume_type = lvm-1\n"}),
    ('glance_backend_ceph: "yes"\n', {"glance/glance-api.conf": "[rbd]\nrbd_store_pool = images2\n"}),
    # an operator who sets enabled_backends names the stores themselves
    ("{}\n", {"glance.conf": "[DEFAULT]\nenabled_backends = file:file, lvm1:cinder\n",
              "glance/glance-api.conf": "[lvm1]\ncinder_volume_type = lvm-1\n"}),
    # a legacy single-store [glance_store] is a Glance section, not a store section
    ('glance_backend_ceph: "yes"\n', {"glance/glance-api.conf": "[glance_store]\nrbd_store_pool = images\n"}),
])
def test_a_store_section_kolla_names_is_not_reported(tmp_path, capsys, globals_text, overrides):
    code, err = render(tmp_path, capsys, globals_text, overrides)

    assert code == 0 and "override-wrong-section" not in err, err


def test_an_inventory_without_the_glance_api_group_is_a_finding_not_a_usage_error(tmp_path, capsys):
    (tmp_path / "globals.yml").write_text("{}\n")
    (tmp_path / "inventory").write_text("[control]\nctl1\n")

    code = main(["validate", "-c", str(tmp_path / "globals.yml"), "-i", str(tmp_path / "inventory")])

    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"{tmp_path / 'inventory'}: info [glance-api-group-missing]" in out


def test_an_inventory_ansible_cannot_read_stays_a_usage_error(tmp_path, capsys):
    (tmp_path / "globals.yml").write_text("{}\n")
    (tmp_path / "inventory").write_text("{{{ not an inventory\n")

    assert main(["validate", "-c", str(tmp_path / "globals.yml"), "-i", str(tmp_path / "inventory")]) == 2


def test_load_hosts_gives_no_hosts_for_a_missing_group_and_glance_api_hosts_names_it(tmp_path):
    (tmp_path / "inventory").write_text("[control]\nctl1\n")

    assert load_hosts(str(tmp_path / "inventory")) == ()
    with pytest.raises(GroupMissing, match="no group 'glance-api'"):
        glance_api_hosts(str(tmp_path / "inventory"))
    assert issubclass(GroupMissing, InventoryError)


def test_host_values_carry_the_inventory_s_file_and_line(tmp_path):
    from ansible import __version__ as ansible_version

    if tuple(int(p) for p in ansible_version.split(".")[:2]) < (2, 19):
        pytest.skip("ansible-core before 2.19 tags no origins")
    inventory = tmp_path / "inventory"
    inventory.write_text("[glance-api]\napi1 glance_staging_shared=true\napi2\n[glance-api:vars]\n"
                         "glance_staging_mode=0750\n")
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "host_vars" / "api2.yml").write_text("---\nglance_staging_owner: glance\n")

    api1, api2 = glance_api_hosts(str(inventory))

    assert api1.locations["glance_staging_shared"] == Location(str(inventory), 2, 0)
    assert api1.locations["glance_staging_mode"] == Location(str(inventory), 5, 0)
    assert api2.locations["glance_staging_owner"].file == str(tmp_path / "host_vars" / "api2.yml")
    assert api2.locations["glance_staging_owner"].line == 2


def test_the_finding_points_at_the_variable_that_decides_glance_api_hosts(tmp_path):
    (tmp_path / "globals.yml").write_text('glance_backend_ceph: "no"\nglance_file_datadir_volume: "glance"\n')
    (tmp_path / "inventory").write_text("[glance-api]\napi1\napi2\n")

    result = checker.run([str(tmp_path / "globals.yml")], glance_api_hosts(str(tmp_path / "inventory")),
                         str(tmp_path / "inventory"))

    [finding] = [f for f in result.findings if f.rule == "glance-api-single-host"]
    assert (finding.line, finding.variable) == (2, "glance_file_datadir_volume")
    assert "api2 runs no glance-api" in finding.message and "Ceph" in finding.hint


def test_a_finding_about_a_host_s_own_value_points_at_the_inventory_line(tmp_path, capsys):
    (tmp_path / "globals.yml").write_text('glance_enabled_import_methods: "glance-direct"\n')
    inventory = tmp_path / "inventory"
    inventory.write_text("[glance-api]\napi1 glance_staging_store_uri=file:///etc\n")

    code = main(["validate", "-c", str(tmp_path / "globals.yml"), "-i", str(inventory)])

    out = capsys.readouterr().out
    assert code == 1
    assert f"{inventory}:2:0: error [staging-system-directory] glance_staging_store_uri" in out
    assert "(host api1)" in out
