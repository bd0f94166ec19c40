"""Issue 16 #12: `validate -i` judges each host's own values (host and group vars), as render and the play do."""
from __future__ import annotations

from xdeploy_glance.cli import main


def test_group_vars_of_the_inventory_are_validated(tmp_path, capsys):
    (tmp_path / "globals.yml").write_text('glance_enabled_import_methods: "glance-direct"\n')
    (tmp_path / "inventory").write_text("[glance-api]\napi1 ansible_connection=local\napi2 ansible_connection=local\n"
                                        "[glance-api:vars]\nglance_staging_store_uri=file:///etc\n")

    code = main(["validate", "-c", str(tmp_path / "globals.yml"), "-i", str(tmp_path / "inventory")])

    out, err = capsys.readouterr()
    err = out + err
    assert code == 1
    assert "error [staging-system-directory] glance_staging_store_uri" in err
    assert "(host api1)" in err and "(host api2)" in err


def test_a_global_wins_over_the_inventory_as_extra_vars_do(tmp_path, capsys):
    (tmp_path / "globals.yml").write_text('glance_staging_store_uri: "file:///var/lib/glance/staging"\n')
    (tmp_path / "inventory").write_text("[glance-api]\napi1 glance_staging_store_uri=file:///etc\n")

    code = main(["validate", "-c", str(tmp_path / "globals.yml"), "-i", str(tmp_path / "inventory")])

    assert code == 0, capsys.readouterr().err
