"""`validate` starts fast because its start-up path imports nothing it does not use (issue 7).

Import cost dominates a lint run: jsonschema alone costs more than the rest of `validate`, and
ansible-core costs three times that. These tests pin what a plain run may import; they assert
which modules load, never how long anything takes.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "globals.yml"
# Each is heavy for what it gives a plain validate run (none is needed without -i, -o or -f junit).
NEVER_ON_THE_VALIDATE_PATH = ("jsonschema", "ansible", "jinja2", "xml.etree.ElementTree", "tempfile", "subprocess",
                              "socket")


def modules_after(*cli_arguments: str) -> set[str]:
    program = ("import json, sys\n"
               "from xdeploy_glance.cli import main\n"
               f"code = main({list(cli_arguments)!r})\n"
               "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n")
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return set(json.loads(completed.stderr.splitlines()[-1]))


def test_plain_validate_imports_no_heavy_module_and_no_other_command():
    modules = modules_after("validate", "-c", str(EXAMPLE))
    assert "xdeploy_glance.commands.validate" in modules  # the probe does see the run
    assert [name for name in NEVER_ON_THE_VALIDATE_PATH if name in modules] == []
    commands = {name for name in modules if name.startswith("xdeploy_glance.commands.")}
    assert commands == {"xdeploy_glance.commands.common", "xdeploy_glance.commands.validate"}


@pytest.mark.parametrize(("output_format", "module"), [("junit", "xml.etree.ElementTree"),
                                                       ("sarif", "xdeploy_glance.reporters.sarif")])
def test_a_format_imports_its_reporter_when_asked_for(output_format, module):
    assert module in modules_after("validate", "-c", str(EXAMPLE), "-f", output_format)
