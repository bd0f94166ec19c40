"""Fixtures shared by the whole suite live in tests/support and are registered here."""

pytest_plugins = [
    "tests.support.filesystems",
    "tests.support.glance_tools",
    "tests.support.glance_venv",
    "tests.support.ssh_hosts",
]
