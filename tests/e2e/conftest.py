"""End-to-end suite hooks: glance-api log lines go into the report of a failed test."""
from __future__ import annotations

import pytest

from tests.e2e.harness import NO_RELEVANT_LOG_LINES, GlanceClient, GlanceServer

LOG_MARKS = pytest.StashKey[dict]()


def _servers_of(item: pytest.Item) -> list[GlanceServer]:
    servers = []
    for value in getattr(item, "funcargs", {}).values():
        server = value.server if isinstance(value, GlanceClient) else value
        if isinstance(server, GlanceServer) and server not in servers:
            servers.append(server)
    return servers


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    result = yield
    item.stash[LOG_MARKS] = {id(server): server.log_mark() for server in _servers_of(item)}
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call" and report.failed:
        marks = item.stash.get(LOG_MARKS, {})
        failure = str(call.excinfo.value) if call.excinfo else ""
        for server in _servers_of(item):
            if any(f"--- {path} ---" in failure for path in server.log_paths()):
                continue  # the assertion message already carries this server's log lines
            excerpt = server.log_excerpt(since=marks.get(id(server)))
            if excerpt == NO_RELEVANT_LOG_LINES:
                continue
            report.sections.append((f"glance-api log during this test ({server.base_url})", excerpt))
    return report
