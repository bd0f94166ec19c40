"""The glance_import_precheck role on its own: its defaults come from the schema, like the other roles'."""
from __future__ import annotations

from pathlib import Path

from tests.support.ansible_run import local_inventory, run_playbook

PLAYBOOK = Path(__file__).parent / "playbooks" / "precheck.yml"


def test_the_precheck_role_runs_alone_with_the_schema_defaults(tmp_path):
    # only the paths move into the scratch directory; owners, groups and the rest are the role's defaults
    extra_vars = {"node_config_directory": str(tmp_path / "kolla"),
                  "glance_staging_store_uri": f"file://{tmp_path / 'staging'}"}

    run = run_playbook(PLAYBOOK, local_inventory(tmp_path), tmp_path, extra_vars=extra_vars)

    assert run.returncode == 0, run.describe()
    assert run.recap["localhost"]["failed"] == 0
    assert f'"msg": "read {tmp_path / "kolla"}/glance-api"' in run.stdout
    assert not (tmp_path / "kolla").exists()  # it reads, it never creates
