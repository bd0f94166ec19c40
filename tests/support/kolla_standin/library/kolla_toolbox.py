#!/usr/bin/python
# STAND-IN for kolla-ansible's kolla_toolbox module, installed by the xdeploy-glance test harness
# (tests/support/kolla.py, copy_tree) into a *test copy* of kolla's ansible/ tree. kolla runs the
# named module (openstack.cloud.*, mysql_db, ...) inside the kolla_toolbox container; there is no
# container engine, Keystone or database here, so this is a no-op that reports ok and echoes what
# it was asked to run.
from ansible.module_utils import basic


def main():
    raw = basic._load_params()
    spec = {key: {"type": "raw"} for key in raw if not key.startswith("_ansible")}
    module = basic.AnsibleModule(argument_spec=spec, supports_check_mode=True)
    module.exit_json(changed=False, standin=True, module_name=module.params.get("module_name"))


if __name__ == "__main__":
    main()
