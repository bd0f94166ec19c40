"""The package's import graph runs one way: no module imports a layer above its own (issue 15)."""
from __future__ import annotations

from pathlib import Path

import xdeploy_glance
from xdeploy_glance.tools import imports


def test_no_import_runs_back_up_a_layer():
    assert imports.upward_edges(Path(xdeploy_glance.__file__).parent) == []


def test_every_module_has_a_layer_and_an_upward_import_is_caught(tmp_path):
    package = tmp_path / "xdeploy_glance"
    (package / "rules").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "rules" / "__init__.py").write_text("def docs():\n    from ..render import RENDER_FINDINGS\n")
    (package / "render.py").write_text("from .findings import Finding\n")
    (package / "findings.py").write_text("")

    assert imports.upward_edges(package) == [("xdeploy_glance.rules", "xdeploy_glance.render")]
