"""Package list only; everything else is in pyproject.toml.

The data folders at the top of the repository are shipped as data packages of
xdeploy_glance (see package-dir in pyproject.toml); find_packages cannot see them
because they hold no Python code. The collection's folders are listed one by one:
setuptools warns about every folder of package data it is not told is a package.
"""
from setuptools import find_namespace_packages, find_packages, setup

DATA_PACKAGES = ["xdeploy_glance.schemas", "xdeploy_glance.templates", "xdeploy_glance.collections"]
COLLECTION_PACKAGES = [f"xdeploy_glance.collections.{name}" for name in find_namespace_packages(where="collections")]

setup(packages=find_packages(include=["xdeploy_glance", "xdeploy_glance.*"]) + DATA_PACKAGES + COLLECTION_PACKAGES)
