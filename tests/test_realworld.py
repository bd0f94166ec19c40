"""The real-world corpus (tests/realworld/, 17 kolla deployments from public repositories): exactly the
true findings, and nothing else.

Each case is run as its README describes: `xdeploy-glance validate -c globals.yml [-i <inventory>]`,
then the supplementary `xdeploy-glance render -c globals.yml --overrides config` pass for the
cases that have kolla override files (only the renderer's own findings, override-* and render-*,
are compared there; the validator's are the first pass's). Lines are the copied files' lines
(upstream line + 2, for the origin and licence lines).

The expectations follow the verdicts in tests/realworld/README.md: every FALSE finding is gone,
every MISS is now found. Where the verdict reads differently today, the reason is next to the case:
- electrocucaracha-distributed, satackey-train-3ctl-fqdn: kolla runs glance-api on the first of
  3 controllers (file store on the named volume): glance-api-single-host is the real problem the
  issue lists as missed ("a file backend on 3 controllers leaves glance-api on one of them").
- osism-cloud-in-a-box, osism-testbed-ceph-conversion, scs-hardware-landscape-3ctl (render): the
  README judged a render that wrote whole files. Under the composition the plugin's
  glance-image-import.conf lands in glance.conf.d and wins over the overlay's glance-api.conf, so the
  overlay's image_import_plugins and output_format really never apply: the finding is true now, it
  is reported at the operator's line and names the plugin's file as the winner (it does not point at
  the plugin's output).
- kayobe-stackhpc-jinja-template: not a globals file but a Jinja template kayobe renders first, so
  out of scope; it is not valid YAML and says so (yaml-syntax).
- maine-conversion-override (render): override-templated is by design (verdict).
- scs-hardware-landscape-3ctl: its inventory is one file of OSISM's split inventory, without the
  glance-api group: a note (glance-api-group-missing, info), no longer a usage error.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from xdeploy_glance.cli import main

CORPUS = Path(__file__).resolve().parent / "realworld"
INVENTORIES = ("multinode", "all-in-one", "inventory", "20-roles")

# case -> {"validate": {(file, line, rule, variable)}, "render": {(file, line, rule)}}; a missing key: none.
# file is relative to the case; line 0 means the finding points at the file as a whole.
EXPECTED: dict[str, dict[str, set]] = {
    "ceph-designate-2024": {},
    "electrocucaracha-distributed": {
        "validate": {("multinode", 0, "glance-api-single-host", "glance_file_datadir_volume")},
        # the MISS: [lvm1] is a cinder store section, but kolla's enabled_backends names cinder, not lvm1
        "render": {("config/glance/glance-api.conf", 4, "override-wrong-section")},
    },
    "erikevenson-2025-aio": {},
    # Ceph on 3 controllers: every host runs glance-api, and kolla (2024.1) writes each its own
    # worker_self_reference_url, so there is no multi-node staging problem
    "goodmanners-3ctl-ceph-squid": {},
    # the MISS: swapped words
    "kayobe-cumulus-swift-rgw": {"validate": {("globals.yml", 20, "variable-misspelled", "glance_file_backend")}},
    # legacy [glance_store] options: right for their release (queens), so no override-wrong-section
    "kayobe-eod-ceph-legacy-stores": {},
    "kayobe-irisdb-ceph-rbd-libvirt": {},
    "kayobe-stackhpc-ci-multinode-ceph": {"validate": {("globals.yml", 12, "templated-value", "openstack_cacert")}},
    "kayobe-stackhpc-jinja-template": {"validate": {("globals.yml", 25, "yaml-syntax", None)}},
    "kolla-ansible-sample-master": {},
    "maine-conversion-override": {"render": {("config/glance.conf", 11, "override-templated")}},
    # same value twice: a warning, not an error (exit 0)
    "minis-rocky-dupkeys": {"validate": {("globals.yml", 28, "yaml-duplicate-key-same-value", "enable_cinder_backend_lvm"),
                                         ("globals.yml", 29, "yaml-duplicate-key-same-value", "cinder_volume_group")}},
    # their import-plugin overlay in glance-api.conf stands: the plugin's glance-image-import.conf (read
    # after it) leaves Glance's defaults out, so nothing overrides it (the corpus verdict: FALSE)
    "osism-cloud-in-a-box": {},
    "osism-designate-glance-disabled": {},
    "osism-testbed-ceph-conversion": {},
    "satackey-train-3ctl-fqdn": {"validate": {("multinode", 0, "glance-api-single-host", "glance_file_datadir_volume")}},
    "scs-hardware-landscape-3ctl": {
        "validate": {("20-roles", 0, "glance-api-group-missing", None)},
    },
}
# exit status of validate: 1 only where an error is expected
FAILING = {"kayobe-stackhpc-jinja-template"}
_TEXT_FINDING = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+):\d+)?: (?P<severity>error|warning|info) \[(?P<rule>[\w-]+)\]")


def _cases() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def _inventory(case: Path) -> Path | None:
    return next((case / name for name in INVENTORIES if (case / name).is_file()), None)


def _relative(case: Path, file: str) -> str:
    return str(Path(file).resolve().relative_to(case.resolve()))


def test_every_case_of_the_corpus_has_expectations():
    assert _cases() == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_exactly_the_true_findings(name, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .xdeploy-glance.yml of the repository applies
    case = CORPUS / name
    args = ["validate", "-c", str(case / "globals.yml"), "--format", "json"]
    if _inventory(case) is not None:
        args += ["-i", str(_inventory(case))]

    code = main(args)

    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == []
    found = {(_relative(case, f["file"]), f["line"], f["rule"], f["variable"]) for f in report["findings"]}
    assert found == EXPECTED[name].get("validate", set())
    assert code == (1 if name in FAILING else 0)


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if (CORPUS / n / "config").is_dir()))
def test_render_with_the_overrides_reports_exactly_the_true_findings(name, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = CORPUS / name

    main(["render", "-c", str(case / "globals.yml"), "--overrides", str(case / "config"), "-o", str(tmp_path / "out")])

    found = set()
    for line in capsys.readouterr().err.splitlines():
        match = _TEXT_FINDING.match(line)
        if match and match["rule"].startswith(("override-", "render-")):
            found.add((_relative(case, match["file"]), int(match["line"] or 0), match["rule"]))
    assert found == EXPECTED[name].get("render", set())


def test_the_copied_files_keep_their_origin_and_licence_lines():
    for path in CORPUS.rglob("*"):
        if path.is_file() and path.name != "README.md":
            first, second = path.read_text(encoding="utf-8").splitlines()[:2]
            assert first.startswith("# origin: github:") and second.startswith("# license: "), path
