"""staging-outside-volumes (issue 12): staging must be on a writable volume of kolla's glance_api container.

The rule is checked here directly; its registered cases are tests/cases/negative/staging-outside-volumes*.
"""
from __future__ import annotations

import pytest

from xdeploy_glance import checker
from xdeploy_glance.rules import staging_outside_volumes
from xdeploy_glance.rules.base import RuleContext


def problems(tmp_path, text: str):
    path = tmp_path / "globals.yml"
    path.write_text(text)
    merged, findings = checker.load_globals([str(path)])
    assert findings == []
    result = checker.check_globals(merged)
    return list(staging_outside_volumes.check(RuleContext(settings=result.settings)))


@pytest.mark.parametrize("text", [
    "{}\n",  # kolla's own /var/lib/glance/staging, on glance_file_datadir_volume
    'glance_staging_store_uri: "file:///var/lib/glance/import"\n',
    'glance_file_datadir_volume: "/srv/glance"\nglance_staging_store_uri: "file:///var/lib/glance/staging"\n',
    # an extra volume mounted at the staging path (an NFS share, say)
    'glance_extra_volumes: ["/mnt/staging-nfs:/var/lib/glance-staging"]\n'
    'glance_staging_store_uri: "file:///var/lib/glance-staging/import"\n',
    # an extra volume that is not source:/destination is kolla's to refuse, not a reason to judge staging
    'glance_extra_volumes: ["nonsense"]\n',
])
def test_staging_on_a_writable_volume_passes(tmp_path, text):
    assert problems(tmp_path, text) == []


@pytest.mark.parametrize("uri", ["file:///tmp/glance-staging", "file:///srv/glance-staging", "file:///var/lib/glancex"])
def test_staging_on_no_volume_is_an_error_that_names_the_writable_layer(tmp_path, uri):
    [problem] = problems(tmp_path, f'glance_staging_store_uri: "{uri}"\n')

    assert problem.variable == "glance_staging_store_uri"
    assert "on no volume of the glance_api container" in problem.message and "writable layer" in problem.message
    assert "glance_extra_volumes" in problem.hint
    assert staging_outside_volumes.SEVERITY == staging_outside_volumes.Severity.ERROR


def test_the_longest_container_path_wins_and_a_read_only_volume_cannot_hold_staging(tmp_path):
    [problem] = problems(tmp_path, 'glance_extra_volumes: ["/srv/images:/var/lib/glance/import:ro"]\n'
                                   'glance_staging_store_uri: "file:///var/lib/glance/import/staging"\n')

    assert "read-only volume /srv/images:/var/lib/glance/import:ro" in problem.message


def test_kolla_s_config_directory_is_read_only(tmp_path):
    [problem] = problems(tmp_path, 'glance_staging_store_uri: "file:///var/lib/kolla/config_files/staging"\n')

    assert "read-only volume" in problem.message
