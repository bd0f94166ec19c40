"""Writes the plugin's merge sources for kolla-ansible's glance role, on the deploy host.

kolla's glance role stays the only writer of Glance's files: this action writes only its own
inputs, `<node_custom_config>/xdeploy-glance/glance-api.conf` (the options the plugin owns) and
`.../glance-image-import.conf`, which the integrated glance role merges before the operator's
override files (see `xdeploy-glance integrate`). The files come from xdeploy_glance.render, the
code behind `xdeploy-glance render`, fed with the values Ansible resolved; the operator's override
files are read as kolla reads them (Jinja resolved with this host's variables) and their mistakes
reported. A file already holding the rendered text is left alone, so a second run reports ok.
"""
from __future__ import annotations

from pathlib import Path

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.template import trust_as_template
from ansible.utils.display import Display

from xdeploy_glance.ansible_vars import findings_text, host_globals
from xdeploy_glance.findings import Severity, has_errors
from xdeploy_glance.render import OverrideError, check_values, output
from xdeploy_glance.render.api import render_inputs

display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(("node_custom_config", "hosts"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        custom = Path(self._task.args["node_custom_config"])
        checked = check_values(host_globals(self._templar, task_vars))
        if has_errors(checked.findings):
            raise AnsibleActionFail("The Glance image-import settings are invalid; nothing was written:\n"
                                    + findings_text([f for f in checked.findings if f.severity is Severity.ERROR]))
        try:
            rendered = render_inputs(checked.settings, custom if custom.is_dir() else None,
                                     list(self._task.args.get("hosts") or ()), self._template_override, checked)
        except OverrideError as error:
            raise AnsibleActionFail(str(error)) from None
        for finding in rendered.findings:
            if finding.severity is Severity.WARNING:
                display.warning(findings_text([finding]))
        if not rendered.ok:
            raise AnsibleActionFail("Cannot render the Glance import options; nothing was written:\n"
                                    + findings_text([f for f in rendered.findings if f.severity is Severity.ERROR]))
        stale = [f for f in rendered.files if _current_text(custom / f.path) != f.text]
        if self._task.diff and stale:
            result["diff"] = [{"before_header": str(custom / f.path), "before": _current_text(custom / f.path) or "",
                               "after_header": str(custom / f.path), "after": f.text} for f in stale]
        if stale and not self._task.check_mode:
            try:
                output.write_files(custom, stale)
            except output.WriteError as error:
                raise AnsibleActionFail(str(error)) from None
        result.update(changed=bool(stale), files=[str(custom / f.path) for f in rendered.files])
        return result

    def _template_override(self, text, path):
        """Jinja in an override file sees the host's variables, as with kolla's merge_configs."""
        templar = self._templar.copy_with_new_env(searchpath=[str(path.parent)])
        return str(templar.template(trust_as_template(text), escape_backslashes=False,
                                    overrides=dict(lstrip_blocks=True)))


def _current_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
