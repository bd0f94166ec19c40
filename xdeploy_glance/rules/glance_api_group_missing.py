"""The inventory given with -i has no host in the `glance-api` group.

kolla-ansible deploys glance-api on the hosts of the `glance-api` group (site.yml) and its glance
precheck fails when the inventory lacks the group. Without it the checks that span glance-api
hosts (multi-node-staging, glance-api-single-host) cannot run, so this is reported rather than
refused. It is only a note: a partial inventory (such as one file of a split inventory whose base
defines the group) is fine when kolla-ansible is given all of it; validate with the inventory
kolla-ansible reads to have those checks run.
"""
from .base import Problem, RuleContext, Severity

ID = "glance-api-group-missing"
SEVERITY = Severity.INFO
VARIABLES = ()


def check(context: RuleContext):
    if context.inventory is None or context.hosts:
        return
    from ..findings import Location

    yield Problem(None, f"the inventory {context.inventory} has no host in the group 'glance-api' (kolla's group for "
                        "the Glance API): the checks across glance-api hosts were skipped, and kolla's precheck "
                        "fails unless another inventory source defines the group",
                  "validate with the whole inventory kolla-ansible reads, or add the glance-api group",
                  location=Location(context.inventory))
