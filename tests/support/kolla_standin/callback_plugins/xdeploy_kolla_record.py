# Part of the xdeploy-glance test harness (tests/support/kolla.py): records one JSON line per task
# result to the file named by $XDEPLOY_KOLLA_RECORD, next to the default stdout output.
from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: xdeploy_kolla_record
type: aggregate
short_description: JSON lines of task results for the xdeploy-glance kolla test harness
description: One JSON object per host and task result, written to $XDEPLOY_KOLLA_RECORD.
requirements: [enable in ANSIBLE_CALLBACKS_ENABLED]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "xdeploy_kolla_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._path = os.environ.get("XDEPLOY_KOLLA_RECORD")
        self._play = None

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()

    def _record(self, status, result):
        if not self._path:
            return
        task = result._task
        role = getattr(task, "_role", None)
        data = result._result
        entry = {
            "play": self._play,
            "task": task.get_name(),
            "role": role.get_name() if role else None,
            "path": task.get_path(),
            "action": task.action,
            "handler": type(task).__name__ == "Handler",
            "host": result._host.get_name(),
            "status": status,
            "changed": bool(data.get("changed", False)),
        }
        if status in ("failed", "unreachable"):
            entry["msg"] = str(data.get("msg", ""))[:2000]
        with open(self._path, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def v2_runner_on_ok(self, result):
        self._record("changed" if result._result.get("changed") else "ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record("ignored" if ignore_errors else "failed", result)

    def v2_runner_on_skipped(self, result):
        self._record("skipped", result)

    def v2_runner_on_unreachable(self, result):
        self._record("unreachable", result)
