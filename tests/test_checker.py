"""The pipeline as a whole: merging, deferral of templated values, and robustness on any values."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from xdeploy_glance import checker, schema
from xdeploy_glance.findings import Finding, Severity
from xdeploy_glance.loading import GlobalsDocument
from xdeploy_glance.checker import MergedGlobals

FIXTURES = Path(__file__).parent / "fixtures"


def test_kolla_globals_validate_without_noise(tmp_path):
    assert checker.run([str(FIXTURES / "kolla-ansible-globals.yml")]).findings == ()


def test_kolla_globals_with_the_import_globals_appended(tmp_path):
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text((FIXTURES / "kolla-ansible-globals.yml").read_text() +
                            'glance_enabled_import_methods: "web-download,glance-direct"\n'
                            'glance_image_import_plugins: "image_conversion,inject_image_metadata"\n'
                            'glance_staging_store_uri: "file:///var/lib/glance/staging"\n')
    result = checker.run([str(globals_file)])
    assert sorted((f.rule, f.variable) for f in result.findings) == [
        ("inject-metadata-admin-role", "glance_inject_image_metadata_ignore_user_roles"),
        ("inject-metadata-noop", "glance_image_import_plugins")]
    assert result.settings.staging_path == "/var/lib/glance/staging"


def test_a_templated_value_skips_the_rules_that_read_it_and_uses_the_default(tmp_path):
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text('glance_staging_store_uri: "file://{{ x }}"\nglance_file_datadir: /var/lib/glance/staging\n')
    result = checker.run([str(globals_file)])
    assert [(f.rule, f.severity) for f in result.findings] == [("templated-value", Severity.INFO)]


def test_settings_normalize_kolla_spellings(tmp_path):
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text('glance_enabled_import_methods: " web-download , glance-direct,"\n'
                            'glance_backend_ceph: "yes"\nglance_staging_max_image_size: "1.5GiB"\n'
                            'glance_web_download_allowed_ports: [80, "8080"]\n')
    settings = checker.run([str(globals_file)]).settings
    assert settings.value("glance_enabled_import_methods") == ("web-download", "glance-direct")
    assert settings.value("glance_backend_ceph") is True
    assert settings.value("glance_backend_file") is False  # kolla's derived default
    assert settings.value("glance_staging_max_image_size") == 1610612736
    assert settings.value("glance_web_download_allowed_ports") == (80, 8080)
    assert settings.location("glance_backend_ceph").line == 2
    assert settings.location("glance_image_size_cap") is None  # a default


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) |
    st.text(max_size=30) | st.sampled_from(["glance-direct", "file:///x", "20GiB", "yes", "{{ x }}", "0750"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(sorted(schema.variables())), _JSONISH, max_size=8))
def test_any_values_give_findings_never_an_exception(values):
    document = GlobalsDocument("g.yml", values)
    merged = MergedGlobals(dict(values), {}, (document,))
    result = checker.check_globals(merged)
    assert all(isinstance(f, Finding) for f in result.findings)


def test_a_float_that_is_whole_is_a_size_as_json_schema_says(tmp_path):
    globals_file = tmp_path / "globals.yml"
    globals_file.write_text("glance_staging_max_image_size: 2048.0\nglance_image_size_cap: 1.5\n")
    result = checker.run([str(globals_file)])
    assert result.settings.value("glance_staging_max_image_size") == 2048
    assert [(f.rule, f.variable) for f in result.findings] == [("schema", "glance_image_size_cap")]
