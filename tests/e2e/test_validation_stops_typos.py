"""A misspelled import plugin never reaches Glance: Glance itself would skip it with only a log
WARNING and import without it, so the product must stop it at validate and render."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.deployment import render, write_globals, xdeploy_glance

pytestmark = [pytest.mark.e2e]

TYPO_FINDING = ("error [import-plugin-unknown] glance_image_import_plugins: unknown import plugin "
                "'inject_image_metdata', which Glance would skip without an error; did you mean "
                "'inject_image_metadata'?")


def test_a_misspelled_plugin_is_stopped_before_any_file_is_written(tmp_path: Path) -> None:
    globals_file = write_globals(tmp_path / "globals.yml", {
        "glance_enabled_import_methods": "glance-direct,web-download",
        "glance_image_import_plugins": "image_conversion,inject_image_metdata",
    })
    (tmp_path / "overrides").mkdir()

    validated = xdeploy_glance("validate", "-c", str(globals_file))
    rendered = render(globals_file, tmp_path / "overrides", tmp_path / "config")

    assert validated.returncode == 1, validated.output
    assert TYPO_FINDING in validated.output
    assert rendered.returncode == 1, rendered.output
    assert TYPO_FINDING in rendered.output
    assert not (tmp_path / "config").exists()
