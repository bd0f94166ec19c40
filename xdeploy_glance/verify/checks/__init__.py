"""The shipped host checks, one test per check and host: `pytest --pyargs xdeploy_glance.verify.checks`.

See xdeploy_glance.verify.plugin for the options and fixtures they use.
"""
