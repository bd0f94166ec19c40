"""Property: any globals the validator accepts render to files Glance 33's option types accept.

Globals are generated from the JSON Schema (each variable's x-kind, enum, pattern, bounds and
x-choices), with values deliberately mixed with characters that break INI files. Whatever the
validator lets through (no error finding) must render, and the deep check in the Glance venv must
convert every value of both files without complaint.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from xdeploy_glance import schema
from xdeploy_glance.render import check_values, render_host
from xdeploy_glance.rules.filter_host_invalid import is_host_name, is_ip_address

pytestmark = pytest.mark.glance

RISKY = "abcxyz019.-_:/ '\"#;[],=%\n"
SECRETS = {"glance_database_password": "db-secret", "glance_keystone_password": "ks-secret",
           "memcache_secret_key": "mc", "glance_backend_s3_access_key": "ak", "glance_backend_s3_secret_key": "sk",
           "vmware_vcenter_host_password": "vp"}
# The values a working standalone glance-api needs besides the secrets (the database, Keystone, each store's
# endpoint; rendering without them is an error): under the generated globals, which may change or clear them.
NEEDED = {"glance_database_address": "db.example:3306", "keystone_internal_url": "http://keystone.example:5000",
          "glance_backend_s3_url": "http://s3.example", "glance_backend_s3_bucket": "images",
          "vmware_vcenter_host_ip": "10.0.0.9", "vmware_vcenter_host_username": "glance",
          "vmware_vcenter_name": "dc1", "vmware_datastore_name": "ds1"}

words = st.text(alphabet=RISKY, max_size=12)
paths = st.lists(st.text(alphabet="abcxyz019._-", min_size=1, max_size=8), min_size=1, max_size=4).map(
    lambda parts: "/" + "/".join(parts))
hosts = st.one_of(st.ip_addresses().map(str), st.from_regex(r"[a-z0-9-]{1,10}(\.[a-z0-9-]{1,10}){0,2}\.?",
                                                            fullmatch=True), words)
texts = st.one_of(words, paths, paths.map(lambda p: "file://" + p), st.just(""),
                  st.builds(lambda h, p: f"http://{h}:{p}", hosts, st.integers(1, 65535)))


def kolla_bool(flag: bool):
    return st.sampled_from([flag, "yes" if flag else "no", str(flag).lower(), "on" if flag else "off"])


def strategy(name: str, prop: dict):
    kind = prop["x-kind"]
    nullable = "null" in str(prop.get("type")) or '"null"' in str(prop.get("anyOf"))
    if kind == "list":
        if "x-choices" in prop:
            item = st.sampled_from(prop["x-choices"])
        elif prop.get("x-item") == "port":
            item = st.one_of(st.integers(0, 70000), st.integers(1, 65535).map(str))
        elif name.endswith("_hosts"):
            item = hosts
        else:
            item = words
        items = st.lists(item, max_size=4)
        value = st.one_of(items, items.map(lambda values: ",".join(map(str, values))))
    elif kind == "bool":
        value = st.booleans().flatmap(kolla_bool)
    elif kind == "size":
        value = st.one_of(st.integers(1, 2**50),
                          st.builds(lambda n, unit: f"{n}{unit}", st.integers(1, 4096), st.sampled_from(["M", "GiB", "G"])))
    elif kind == "mapping":
        value = st.dictionaries(words, st.one_of(words, st.integers(0, 99), st.booleans()), max_size=3)
        if name == "glance_extra_file_stores":
            value = st.dictionaries(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), paths, max_size=2)
    elif kind == "integer":
        value = st.integers(prop.get("minimum", -5), prop.get("maximum", 10**6))
    elif "enum" in prop:
        value = st.sampled_from(prop["enum"])
    elif "pattern" in prop:
        value = st.from_regex(prop["pattern"], fullmatch=True)
    else:
        value = texts
    return st.one_of(st.none(), value) if nullable else value


STRATEGIES = {name: strategy(name, prop) for name, prop in schema.schema_document()["properties"].items()}


@st.composite
def globals_documents(draw) -> dict:
    names = draw(st.lists(st.sampled_from(sorted(STRATEGIES)), max_size=10, unique=True))
    return {name: draw(STRATEGIES[name]) for name in names}


@given(globals_documents())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
def test_globals_the_validator_accepts_render_to_files_glance_accepts(glance_worker, values):
    checked = check_values({**NEEDED, **values})
    assume(not [f for f in checked.findings if str(f.severity) == "error"])
    result = render_host(checked.settings, "api1", SECRETS)
    # Generated globals may clear a value glance-api cannot start without: then an error names it and
    # nothing is rendered; no other error is allowed.
    cleared = {name for name in NEEDED if values.get(name, NEEDED[name]) in (None, "")}
    errors = {(f.rule, f.variable) for f in result.findings if str(f.severity) == "error"}
    assert errors <= {("render-value-missing", name) for name in cleared}, \
        [(f.rule, f.message) for f in result.findings]
    if cleared & {"glance_database_address", "keystone_internal_url"}:
        assert not result.ok and result.files == ()
    if not result.ok:
        return
    assert not [f for f in result.findings if f.rule.startswith("override-")]
    files = {f.path: f.text for f in result.files}
    assert glance_worker.deep_check(files["glance-api.conf"], files["glance-image-import.conf"]) == []


@given(hosts)
@settings(max_examples=300, deadline=None)
def test_the_host_check_agrees_with_oslo_config_host_address(glance_worker, host):
    assert (is_ip_address(host) or is_host_name(host)) == glance_worker.is_host_address(host)
