"""Fixtures shared by the whole suite live in tests/support and are registered here."""
import os

import pytest
from hypothesis import settings

pytest_plugins = [
    "tests.support.filesystems",
    "tests.support.glance_tools",
    "tests.support.glance_venv",
    "tests.support.ssh_hosts",
]

# CI must judge the commit, not the luck of a random seed: there the property tests run the same
# examples every time. Developers' runs keep exploring new ones (that is how the gaps fixed in
# staging-uri-form, units.parse_size and staging-required were found).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


ROOT_REASON = "needs root (mounts, loop devices, sshd, the kolla container stand-in)"


# Tests with these marks start real Ansible runs, servers, filesystems or venvs: they are slow too.
SLOW_BY_KIND = ("root", "kolla", "e2e", "glance")


def pytest_collection_modifyitems(config, items):
    """Marks slow what is slow by its kind (`pytest -m "not slow"` is the developer's fast loop), and is the one
    root skip: a test marked `root` (optionally `root(reason=...)`) is skipped, with its reason, when the suite
    does not run as root. CI runs as root, so there nothing is skipped."""
    for item in items:
        if any(item.get_closest_marker(kind) for kind in SLOW_BY_KIND):
            item.add_marker(pytest.mark.slow)
    if os.geteuid() == 0:
        return
    for item in items:
        marker = item.get_closest_marker("root")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else ROOT_REASON)
            item.add_marker(pytest.mark.skip(reason=f"not root: {reason}"))


@pytest.fixture(autouse=True)
def kolla_config_dir(tmp_path_factory, monkeypatch):
    """kolla's default directory for every test: one with an empty passwords.yml, never the machine's
    /etc/kolla, so a command run without -c or -p reads what the test set up and nothing else."""
    directory = tmp_path_factory.mktemp("kolla")
    (directory / "passwords.yml").write_text("")
    monkeypatch.setenv("XDEPLOY_CONFIG_DIR", str(directory))
    return directory
