#!/usr/bin/python
# STAND-IN for kolla-ansible's kolla_container_facts module, installed by the xdeploy-glance test
# harness (tests/support/kolla.py, copy_tree) into a *test copy* of kolla's ansible/ tree. There is
# no container engine: it reports no containers, states, environments or volumes, which is what
# kolla sees on a fresh host.
from ansible.module_utils import basic


def main():
    raw = basic._load_params()
    spec = {key: {"type": "raw"} for key in raw if not key.startswith("_ansible")}
    module = basic.AnsibleModule(argument_spec=spec, supports_check_mode=True)
    module.exit_json(changed=False, standin=True, container_names=[], containers={}, states={}, envs={},
                     volumes={})


if __name__ == "__main__":
    main()
