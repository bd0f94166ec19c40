"""Imported into the test glance-api process only (uWSGI `--import`), never into a deployment.

1. SQLite stands in for MariaDB in the tests, and oslo.db opens every SQLite transaction with a
   deferred BEGIN. Two glance threads that both read, then write (the API thread finishing
   POST /import and the task thread marking the task `processing`) then deadlock, and SQLite
   answers one of them `database is locked` at once instead of waiting, which MariaDB would
   do. Glance swallows that error in its task pool and the task stays `pending` forever.
   BEGIN IMMEDIATE takes the write lock up front, so transactions queue instead of deadlocking.
2. Glance runs import tasks in a concurrent.futures pool and never looks at their results, so
   an exception there leaves no trace. Log it, so a stuck import explains itself in the log.
"""
from __future__ import annotations

import concurrent.futures
import logging

import sqlalchemy

LOG = logging.getLogger("glance.e2e_test_shims")
BUSY_TIMEOUT_MS = 30000


# A listener on the Engine class runs before the listeners oslo.db puts on its engine instance,
# also for an engine created before this module was imported; oslo.db then sees the marker and
# skips its own BEGIN.
@sqlalchemy.event.listens_for(sqlalchemy.engine.Engine, "begin")
def _begin_immediate(connection):
    if connection.dialect.name == "sqlite" and "in_transaction" not in connection.info:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.info["in_transaction"] = True


_original_submit = concurrent.futures.ThreadPoolExecutor.submit


def _submit_and_report(self, fn, /, *args, **kwargs):
    future = _original_submit(self, fn, *args, **kwargs)

    def report(done: concurrent.futures.Future) -> None:
        error = None if done.cancelled() else done.exception()
        if error is not None:
            LOG.error("exception in a glance thread-pool task %r (glance ignores it)", fn,
                      exc_info=(type(error), error, error.__traceback__))

    future.add_done_callback(report)
    return future


concurrent.futures.ThreadPoolExecutor.submit = _submit_and_report
