"""Filters the staging role judges a host with.

They are thin wrappers: the sizing formula and every verdict live in xdeploy_glance (capacity,
staging_checks), which `xdeploy-glance verify` calls too, so the role and the checks agree.
"""
from __future__ import annotations

import functools

from ansible.errors import AnsibleFilterError

from xdeploy_glance import staging_checks
from xdeploy_glance.capacity import required_staging_bytes
from xdeploy_glance.settings import staging_path_from_uri, to_list
from xdeploy_glance.volumes import kolla_default_volumes


def _clear_errors(filter_function):
    """Bad values reach the play as one readable line, not a Python traceback."""
    @functools.wraps(filter_function)
    def wrapper(*args, **kwargs):
        try:
            return filter_function(*args, **kwargs)
        except (KeyError, ValueError) as error:
            raise AnsibleFilterError(f"{filter_function.__name__}: {error}") from None
    return wrapper


@_clear_errors
def glance_staging_path(uri):
    return staging_path_from_uri(uri)


@_clear_errors
def glance_api_default_volumes(glance_file_datadir_volume, node_config_directory="/etc/kolla"):
    """kolla's glance_api_default_volumes, rebuilt from what every play sees (xdeploy_glance.volumes)."""
    return kolla_default_volumes(glance_file_datadir_volume, node_config_directory)


@_clear_errors
def glance_staging_capacity_verdict(probe, max_image_size, max_virtual_size, concurrent_imports, headroom_percent,
                                    plugins, output_format):
    requirement = required_staging_bytes(max_image_size, max_virtual_size, concurrent_imports, headroom_percent,
                                         to_list(plugins), output_format)
    return staging_checks.capacity_verdict(requirement, probe).as_dict()


@_clear_errors
def glance_staging_rotational_verdict(probe, policy):
    return staging_checks.rotational_verdict(policy, probe).as_dict()


@_clear_errors
def glance_staging_filesystem_verdict(probe, shared):
    return staging_checks.filesystem_verdict(shared, probe).as_dict()


@_clear_errors
def glance_staging_directory_verdict(probe, allow_reown):
    return staging_checks.directory_verdict(probe, allow_reown).as_dict()


@_clear_errors
def glance_staging_directory_in_place(probe, mode):
    return staging_checks.directory_in_place(probe, mode)


class FilterModule:
    def filters(self):
        return {function.__name__: function for function in (
            glance_staging_path,
            glance_api_default_volumes,
            glance_staging_capacity_verdict,
            glance_staging_rotational_verdict,
            glance_staging_filesystem_verdict,
            glance_staging_directory_verdict,
            glance_staging_directory_in_place,
        )}
