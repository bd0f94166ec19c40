"""The ansible-playbook that `reconfigure` starts: pipelining and the Python of local hosts, unless configured."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.ansible_run import ansible_env

pytestmark = pytest.mark.slow  # real processes: Ansible, pip or the verify command

PLAY = """\
- name: Report the interpreter
  hosts: glance-api
  gather_facts: false
  tasks:
    - name: Reading the Python that runs modules
      ansible.builtin.setup:
        gather_subset: [min]
    - name: Showing it
      ansible.builtin.debug:
        msg: "python={{ ansible_facts.python.executable }}"
"""


def launch(directory: Path, inventory: dict, config: str | None = None, env_extra: dict | None = None,
           verbose: bool = False) -> subprocess.CompletedProcess:
    (directory / "inventory.yml").write_text(json.dumps(inventory))
    (directory / "play.yml").write_text(PLAY)
    if config is not None:
        (directory / "ansible.cfg").write_text(config)  # read from the working directory, as Ansible does
    env = ansible_env(directory)
    for name in ("ANSIBLE_PIPELINING", "ANSIBLE_PYTHON_INTERPRETER", "ANSIBLE_CONFIG"):
        env.pop(name, None)
    env.update(env_extra or {})
    command = [sys.executable, "-m", "xdeploy_glance.playbook_launcher", "-i", "inventory.yml", "play.yml"]
    return subprocess.run(command + (["-vvv"] if verbose else []), cwd=directory, env=env,
                          capture_output=True, text=True)


def interpreters(run: subprocess.CompletedProcess) -> dict[str, str]:
    return dict(re.findall(r'^ok: \[(\S+)\] => \{"msg": "python=([^"]+)"\}$', run.stdout, re.MULTILINE))


@pytest.fixture
def other_python(tmp_path) -> Path:
    """Another path to this Python: where a module ran shows in sys.executable."""
    link = tmp_path / "named-python"
    link.symlink_to(sys.executable)
    return link


def test_local_hosts_run_modules_with_this_python_unless_the_inventory_names_one(tmp_path, other_python):
    run = launch(tmp_path, {"glance-api": {"hosts": {
        "local1": {"ansible_connection": "local"},
        "local2": {"ansible_connection": "local", "ansible_python_interpreter": str(other_python)}}}})

    assert run.returncode == 0, run.stdout + run.stderr
    assert interpreters(run) == {"local1": sys.executable, "local2": str(other_python)}


def test_an_interpreter_from_ansible_cfg_is_left_to_ansible(tmp_path, other_python):
    run = launch(tmp_path, {"glance-api": {"hosts": {"local1": {"ansible_connection": "local"}}}},
                 config=f"[defaults]\ninterpreter_python = {other_python}\n")

    assert run.returncode == 0, run.stdout + run.stderr
    assert interpreters(run) == {"local1": str(other_python)}


@pytest.mark.parametrize("config, env_extra, pipelined", [
    (None, {}, True),  # Ansible's default (off) is replaced: every task is a module run on every host
    (None, {"ANSIBLE_PIPELINING": "False"}, False),
    ("[connection]\npipelining = False\n", {}, False),
])
def test_pipelining_is_on_unless_the_user_set_it(tmp_path, config, env_extra, pipelined):
    run = launch(tmp_path, {"glance-api": {"hosts": {"local1": {"ansible_connection": "local",
                                                                "ansible_python_interpreter": sys.executable}}}},
                 config=config, env_extra=env_extra, verbose=True)

    assert run.returncode == 0, run.stdout + run.stderr
    copied_first = re.search(r"^<local1> PUT ", run.stdout, re.MULTILINE) is not None  # without pipelining only
    assert copied_first is not pipelined


def test_ansible_playbooks_exit_status_is_passed_on(tmp_path):
    (tmp_path / "inventory.yml").write_text("{}")
    env = {name: value for name, value in ansible_env(tmp_path).items() if name != "ANSIBLE_PIPELINING"}

    run = subprocess.run([sys.executable, "-m", "xdeploy_glance.playbook_launcher", "-i", "inventory.yml",
                          "missing.yml"], cwd=tmp_path, env=env, capture_output=True, text=True)

    assert run.returncode == 1
    assert "missing.yml could not be found" in run.stderr


def test_an_inventory_no_plugin_can_parse_is_an_error(tmp_path):
    (tmp_path / "inventory.yml").write_text("glance-api:\n  hosts: [\n")
    (tmp_path / "play.yml").write_text(PLAY)
    env = {name: value for name, value in ansible_env(tmp_path).items() if name != "ANSIBLE_PIPELINING"}

    run = subprocess.run([sys.executable, "-m", "xdeploy_glance.playbook_launcher", "-i", "inventory.yml",
                          "play.yml"], cwd=tmp_path, env=env, capture_output=True, text=True)

    assert run.returncode == 1
    assert "Completely failed to parse inventory source" in run.stderr
    assert "PLAY RECAP" not in run.stdout
