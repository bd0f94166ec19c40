"""The play snippet for XDeploy's site.yml, dropped into a kolla-style site.yml and run for real."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tests.support.ansible_run import REPO, local_inventory, run_playbook
from tests.support.deployment import SECRETS, Deployment, local_deployment

pytestmark = [pytest.mark.root, pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount filesystems")]

SNIPPET = REPO / "playbooks" / "xdeploy-site-glance.yml"
# What precedes the snippet in kolla-ansible's ansible/site.yml: the group_by play that makes the
# enable_<service>_<bool> groups every service play intersects with, and another service's play.
KOLLA_SITE_HEAD = [
    {"name": "Group hosts based on configuration", "hosts": "all", "gather_facts": False, "tags": ["always"],
     "tasks": [{"name": "Group hosts based on enabled services", "ansible.builtin.group_by": {
         "key": "{{ item }}"}, "loop": ["enable_glance_{{ enable_glance | bool }}"], "changed_when": False}]},
    {"name": "Apply role nova", "hosts": "all", "gather_facts": False, "tags": ["nova"],
     "tasks": [{"name": "Configuring nova", "ansible.builtin.debug": {"msg": "nova configured"}}]},
]


@pytest.fixture
def site(tmp_path) -> Path:
    path = tmp_path / "site.yml"
    path.write_text(yaml.safe_dump(KOLLA_SITE_HEAD + yaml.safe_load(SNIPPET.read_text()), sort_keys=False))
    return path


@pytest.fixture
def deployment(tmp_path, mount_tmpfs) -> Deployment:
    return local_deployment(tmp_path, mount_tmpfs)


def xdeploy(site: Path, deployment: Deployment, kolla_action: str, tags: str | None = None,
            extra_args: tuple[str, ...] = (), **changes):
    """What `xdeploy <action> --tags ...` runs: site.yml with globals and passwords as extra vars."""
    extra_vars = {**deployment.write_globals(**changes), **SECRETS, "kolla_action": kolla_action,
                  "enable_glance": "yes", "node_custom_config": ""}
    return run_playbook(site, local_inventory(deployment.workdir), deployment.workdir, extra_vars=extra_vars,
                        tags=tags, extra_args=extra_args)


def test_site_with_the_snippet_passes_syntax_check(site, tmp_path):
    run = run_playbook(site, local_inventory(tmp_path), tmp_path, extra_args=("--syntax-check",))

    assert run.returncode == 0, run.describe()
    assert f"playbook: {site}" in run.stdout


def test_reconfigure_with_tag_glance_validates_configures_and_provisions(site, deployment):
    run = xdeploy(site, deployment, "reconfigure", tags="glance")

    assert run.returncode == 0, run.describe()
    assert "nova configured" not in run.stdout
    assert sorted(p.name for p in deployment.config_dir.iterdir()) == ["glance-api.conf", "glance-image-import.conf"]
    assert deployment.staging.is_dir()
    assert deployment.restarts == ["restarted"]

    again = xdeploy(site, deployment, "reconfigure", tags="glance", extra_args=("-vvv",))
    assert again.recap["localhost"]["changed"] == 0, again.describe()
    # the precheck role read the host once; the config and staging roles found nothing to do
    assert again.modules_run == {"glance_import_facts": 1}, again.describe()


def test_a_host_failing_staging_still_restarts_for_its_new_config(site, deployment):
    # the play's force_handlers: the config changed before the staging check failed
    run = xdeploy(site, deployment, "reconfigure", tags="glance", glance_staging_max_image_size="1G")

    assert run.returncode == 2, run.describe()
    assert run.failure_messages("localhost")[0].startswith("Not enough space for Glance staging")
    assert (deployment.config_dir / "glance-api.conf").is_file()
    assert deployment.restarts == ["restarted"]


def test_precheck_action_only_validates(site, deployment):
    valid = xdeploy(site, deployment, "precheck", tags="glance")
    invalid = xdeploy(site, deployment, "precheck", tags="glance",
                      glance_image_import_plugins="image_conversion,image_decompression")

    assert valid.returncode == 0, valid.describe()
    assert not deployment.config_dir.exists() and not deployment.staging.exists()
    assert invalid.returncode == 2
    assert "[plugin-order]" in invalid.failure_messages("localhost")[0]


def test_genconfig_deploys_config_without_staging(site, deployment):
    run = xdeploy(site, deployment, "config", tags="glance")

    assert run.returncode == 0, run.describe()
    assert (deployment.config_dir / "glance-api.conf").is_file()
    assert not deployment.staging.exists()


def test_other_tags_and_disabled_glance_leave_glance_alone(site, deployment):
    nova_only = xdeploy(site, deployment, "reconfigure", tags="nova")
    disabled = run_playbook(site, local_inventory(deployment.workdir), deployment.workdir, tags="glance",
                            extra_vars={**deployment.write_globals(), "kolla_action": "reconfigure",
                                        "enable_glance": "no"})

    assert nova_only.returncode == 0 and "nova configured" in nova_only.stdout, nova_only.describe()
    assert disabled.returncode == 0, disabled.describe()
    assert not deployment.config_dir.exists() and not deployment.staging.exists()
