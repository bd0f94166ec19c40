"""Host verification: pytest-testinfra checks that a deployed host still matches the globals.

`plugin` is the pytest plugin (registered through the pytest11 entry point, so it is imported by
every pytest run: it must stay cheap to import and inert unless the checks are collected).
`checks` holds the test modules, run as `pytest --pyargs xdeploy_glance.verify.checks`.
`xdeploy-glance verify` wraps that run with the right flags.
"""
