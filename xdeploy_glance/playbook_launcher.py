"""ansible-playbook, started with the Ansible settings the packaged roles need (`reconfigure` runs it).

    python -m xdeploy_glance.playbook_launcher [ansible-playbook arguments]

Three settings depend on whether the user configured them, which only Ansible's own configuration
can tell. Deciding them here, inside the ansible-playbook process after it has loaded that
configuration, saves `reconfigure` loading it a second time (and parsing the inventory) first:

- pipelining: every task is a module run on every host, and pipelining sends each through the
  connection it already has instead of copying it to a temporary file first (kolla-ansible's
  ansible.cfg enables it too);
- the Python of local-connection hosts: interpreter discovery on a pyenv machine can pick a shim
  that fails (rc 127), while the Python running Ansible has everything the modules need. Remote
  hosts keep discovery, and an interpreter the inventory names always wins;
- an inventory source no plugin can parse is an error, not a warning followed by a play on no
  host that succeeds.

A value from ansible.cfg or the environment is left alone. Ansible reads the first two from the
environment each time it needs them, so setting them here takes effect for the whole run; the
third it reads from its constants module, which is set too.
"""
from __future__ import annotations

import os
import sys

# Templated by Ansible for each host; the variable ansible_python_interpreter, where the inventory
# sets it, takes precedence over this setting.
LOCAL_HOSTS_USE_ANSIBLE_PYTHON = ("{{ ansible_playbook_python if (ansible_connection | default('')) == 'local' "
                                  "else '%s' }}")


def settings_to_add(config) -> dict[str, str]:
    """The environment entries for settings the user left at Ansible's default (`config`: its ConfigManager)."""
    added = {}
    if _is_default(config, "ANSIBLE_PIPELINING"):
        added["ANSIBLE_PIPELINING"] = "True"
    if _is_default(config, "INTERPRETER_PYTHON"):
        added["ANSIBLE_PYTHON_INTERPRETER"] = LOCAL_HOSTS_USE_ANSIBLE_PYTHON % config.get_config_default(
            "INTERPRETER_PYTHON")
    return added


def _is_default(config, setting: str) -> bool:
    return config.get_config_value_and_origin(setting)[1] == "default"


def main(argv: list[str]) -> None:
    """Runs ansible-playbook with `argv` and exits with its status."""
    from ansible.cli.playbook import main as ansible_playbook  # sets up the locale, then loads the configuration
    from ansible import constants

    os.environ.update(settings_to_add(constants.config))
    if _is_default(constants.config, "INVENTORY_ANY_UNPARSED_IS_FAILED"):
        constants.INVENTORY_ANY_UNPARSED_IS_FAILED = True
    ansible_playbook(["ansible-playbook", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
