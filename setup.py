"""Package list only; everything else is in pyproject.toml.

The data folders at the top of the repository are shipped as data packages of
xdeploy_glance (see package-dir in pyproject.toml); find_packages cannot see them
because they hold no Python code.
"""
from setuptools import find_packages, setup

DATA_PACKAGES = ["xdeploy_glance.schemas", "xdeploy_glance.templates", "xdeploy_glance.collections"]

setup(packages=find_packages(include=["xdeploy_glance", "xdeploy_glance.*"]) + DATA_PACKAGES)
