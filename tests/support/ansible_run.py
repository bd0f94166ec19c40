"""Run real ansible-playbook from tests and read what it reported.

    run_playbook(playbook, inventory, workdir, extra_vars=..., check=..., diff=..., tags=..., limit=...,
                 env=..., extra_args=...) -> PlaybookRun

Ansible's state (ANSIBLE_HOME, temp dirs, ssh control sockets) goes under `workdir`, so tests
never write to $HOME. Results are printed as single-line JSON so failures can be parsed back.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The xdeploy.glance collection, as `integrate` installs it next to kolla's site.yml.
COLLECTIONS = REPO / "collections"
COLLECTION = COLLECTIONS / "ansible_collections" / "xdeploy" / "glance"
VENV_BIN = Path(sys.executable).parent
# The interpreter the tests run under has everything a module needs; pyenv shims break discovery.
PYTHON = sys.executable

_RECAP_LINE = re.compile(r"^(?P<host>\S+)\s+:\s+(?P<counts>(?:\w+=\d+\s*)+)$")
# "ok: [h] => {...}", "fatal: [h]: FAILED! => {...}", "ok: [h] => (item=x) => {...}", "failed: [h] (item=x) => {...}"
_RESULT_LINE = re.compile(r"^(?P<status>ok|changed|fatal|failed|skipping): \[(?P<host>[^\]]+)\]"
                          r"(?::\s*FAILED!)?(?: (?:=> )?\(item=.*?\))? => (?P<json>\{.*\})$")
# With -vvv: "<127.0.0.1> SSH: EXEC ssh ...", "<localhost> EXEC /bin/sh -c ..." and "Using module file /x/ping.py"
_REMOTE_COMMAND_LINE = re.compile(r"^<(?P<address>[^>]+)> (?:SSH: )?EXEC ")
_MODULE_FILE_LINE = re.compile(r"^Using module file (?P<path>\S+)$")


@dataclass(frozen=True)
class TaskResult:
    status: str  # ok, changed, fatal, failed (loop item), skipping
    host: str
    result: dict


@dataclass(frozen=True)
class PlaybookRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def recap(self) -> dict[str, dict[str, int]]:
        """PLAY RECAP counts per host: {'api1': {'ok': 5, 'changed': 0, 'failed': 0, ...}}."""
        recap: dict[str, dict[str, int]] = {}
        lines = self.stdout.split("PLAY RECAP", 1)[-1].splitlines() if "PLAY RECAP" in self.stdout else []
        for line in lines:
            match = _RECAP_LINE.match(line.strip())
            if match:
                counts = dict(pair.split("=") for pair in match["counts"].split())
                recap[match["host"]] = {key: int(value) for key, value in counts.items()}
        return recap

    @property
    def results(self) -> list[TaskResult]:
        results = []
        for line in self.stdout.splitlines():
            match = _RESULT_LINE.match(line)
            if match:
                host = match["host"].split(" -> ")[0]  # "api1 -> localhost" for a delegated task
                results.append(TaskResult(match["status"], host, json.loads(match["json"])))
        return results

    @property
    def remote_commands(self) -> Counter[str]:
        """Of a -vvv run: how many commands Ansible ran per host address (with pipelining, one per module run)."""
        return Counter(match["address"] for match in map(_REMOTE_COMMAND_LINE.match, self.stdout.splitlines())
                       if match)

    @property
    def modules_run(self) -> Counter[str]:
        """Of a -vvv run: how many times each module ran, over all hosts ({'glance_staging_probe': 2})."""
        return Counter(Path(match["path"]).stem for match in map(_MODULE_FILE_LINE.match, self.stdout.splitlines())
                       if match)

    def failure_messages(self, host: str) -> list[str]:
        return [r.result.get("msg", "") for r in self.results if r.host == host and r.status in ("fatal", "failed")]

    @property
    def warnings(self) -> list[str]:
        return [line[len("[WARNING]: "):] for line in self.stderr.splitlines() if line.startswith("[WARNING]: ")]

    def describe(self) -> str:
        """Everything Ansible printed, for assertion messages."""
        return f"rc={self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def ansible_env(workdir: Path) -> dict[str, str]:
    state = workdir / "ansible-state"
    env = dict(os.environ)
    env.update({
        "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        "ANSIBLE_HOME": str(state),
        "ANSIBLE_LOCAL_TEMP": str(state / "tmp"),
        "ANSIBLE_REMOTE_TMP": str(state / "remote-tmp"),
        "ANSIBLE_SSH_CONTROL_PATH_DIR": str(state / "cp"),
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
        "ANSIBLE_CALLBACK_FORMAT_PRETTY": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS": "ignore",  # kolla's group is "glance-api"
        "ANSIBLE_PIPELINING": "true",
    })
    env.pop("ANSIBLE_CONFIG", None)
    return env


def run_playbook(playbook: Path, inventory: str | Path, workdir: Path, *, extra_vars: dict | None = None,
                 check: bool = False, diff: bool = False, tags: str | None = None, limit: str | None = None,
                 env: dict[str, str] | None = None, extra_args: tuple[str, ...] = ()) -> PlaybookRun:
    command = [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(playbook), *extra_args]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    if tags:
        command += ["--tags", tags]
    if limit:
        command += ["--limit", limit]
    full_env = ansible_env(workdir)
    full_env.update(env or {})
    completed = subprocess.run(command, capture_output=True, text=True, env=full_env, cwd=workdir, timeout=600)
    return PlaybookRun(completed.returncode, completed.stdout, completed.stderr)


def local_inventory(workdir: Path, hosts: dict[str, dict] | None = None) -> Path:
    """A YAML inventory of local-connection hosts in kolla's glance-api group."""
    hosts = hosts or {"localhost": {}}
    inventory = {"glance-api": {"hosts": {
        name: {"ansible_connection": "local", "ansible_python_interpreter": PYTHON, **variables}
        for name, variables in hosts.items()
    }}}
    path = workdir / "inventory.yml"
    path.write_text(json.dumps(inventory, indent=2))  # JSON is YAML
    return path
