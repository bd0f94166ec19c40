"""Glance's own tools, run from the cached glance==33.0.0 venv, to check what the renderer writes.

    oslo_config_validator(venv, path, namespaces, exclude_groups) -> CompletedProcess
        Option-name check with Glance's namespaces (the dynamic store groups excluded).
    GlanceWorker(venv)
        One long-lived Python in the Glance venv (the repository on its sys.path), so tests pay
        Glance's import time once:
            .deep_check(api_text, import_text) -> list[str]   xdeploy_glance.deep_check problems
            .oslo_parse(text) -> dict                         oslo_config.iniparser's reading
            .is_host_address(value) -> bool                   oslo.config's HostAddress type
    Session fixture `glance_worker` wraps it (registered in tests/conftest.py).
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
# The namespaces of upstream's oslo-config-generator/glance-api.conf that are installed with
# glance, plus `glance` (import options) and glance.multi_store ([glance_store] default_backend).
API_NAMESPACES = ("glance.api", "glance", "glance.store", "glance.multi_store", "oslo.concurrency", "oslo.db",
                  "oslo.log", "oslo.policy", "oslo.middleware.cors", "oslo.middleware.http_proxy_to_wsgi",
                  "keystonemiddleware.auth_token", "oslo.messaging", "oslo.limit")
IMPORT_NAMESPACES = ("glance",)
RESERVED_STORE_GROUPS = ("os_glance_staging_store", "os_glance_tasks_store")

_WORKER = r"""
import io, json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, sys.argv[1])
from oslo_config import iniparser, types
from xdeploy_glance import deep_check


class Recorder(iniparser.BaseParser):
    # What oslo_config.cfg.ConfigParser keeps: sections, and every value of a key (no key outside a section).
    def __init__(self):
        self.sections, self.current = {}, None

    def new_section(self, section):
        self.current = self.sections.setdefault(section, {})

    def assignment(self, key, value):
        if self.current is None:
            raise iniparser.ParseError("no section", self.lineno, key)
        self.current.setdefault(key, []).append(value)


def oslo_parse(text):
    recorder = Recorder()
    try:
        recorder.parse(io.StringIO(text, newline=None).readlines())
    except iniparser.ParseError as exc:
        return {"error": str(exc)}
    return {"sections": recorder.sections}


for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "deep_check":
        reply = [str(p) for p in deep_check.check_texts(request["api"], request["import"])]
    elif request["op"] == "host_address":
        try:
            types.HostAddress()(request["value"])
            reply = True
        except ValueError:
            reply = False
    else:
        reply = oslo_parse(request["text"])
    print(json.dumps(reply), flush=True)
"""


def oslo_config_validator(venv: Path, path: Path, namespaces, exclude_groups=()) -> subprocess.CompletedProcess:
    command = [str(venv / "bin" / "oslo-config-validator"), "--input-file", str(path)]
    command += [arg for namespace in namespaces for arg in ("--namespace", namespace)]
    command += [arg for group in exclude_groups for arg in ("--exclude-group", group)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def validator_errors(completed: subprocess.CompletedProcess) -> list[str]:
    """The validator's ERROR lines, without the os_brick noise every run prints."""
    return [line for line in completed.stderr.splitlines()
            if line.startswith("ERROR:") and "os_brick" not in line]


class GlanceWorker:
    def __init__(self, venv: Path) -> None:
        self._log = tempfile.TemporaryFile()
        self._process = subprocess.Popen([str(venv / "bin" / "python"), "-u", "-c", _WORKER, str(REPO)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True)

    def _ask(self, request: dict):
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        reply = self._process.stdout.readline()
        if not reply:
            self._log.seek(0)
            raise RuntimeError(f"the Glance worker died:\n{self._log.read().decode(errors='replace')[-4000:]}")
        return json.loads(reply)

    def deep_check(self, api_text: str, import_text: str) -> list[str]:
        return self._ask({"op": "deep_check", "api": api_text, "import": import_text})

    def oslo_parse(self, text: str) -> dict:
        return self._ask({"op": "oslo_parse", "text": text})

    def is_host_address(self, value: str) -> bool:
        """Whether oslo.config's HostAddress type (Glance's filter host lists) accepts the value."""
        return self._ask({"op": "host_address", "value": value})

    def close(self) -> None:
        self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


@pytest.fixture(scope="session")
def glance_worker(glance_venv):
    worker = GlanceWorker(glance_venv)
    yield worker
    worker.close()
