"""Glance as kolla deploys it, behind a real Keystone 30 and a real MariaDB, for the e2e tests.

- kolla-ansible 23.0.0's genconfig with the plugin integrated (tests/e2e/kolla_deployment.py), with
  globals that only move kolla's ports (Glance, Keystone, MariaDB, memcached) onto free local ones;
- Debian's MariaDB (datadir on the test's scratch directory) and memcached, Keystone 30 under uWSGI
  (tests/support/keystone.py), started while genconfig runs;
- what kolla_toolbox would do for glance in a real deploy (the stand-in's kolla_toolbox is a no-op):
  the glance database and its user with kolla's ``glance_database_password``, and Keystone's
  service project, glance user (``glance_keystone_password``), image service and endpoints;
- kolla's bootstrap container, then glance_api, both as the container stand-in
  (tests/support/glance_container.py), with kolla's ``[keystone_authtoken]``, ``[database]``
  and the production ``keystone`` paste flavor unchanged;
- a non-admin member user (project ``demo``, roles member and reader) and an admin, each with the
  OS_* environment python-openstackclient 10.5.0 reads.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.e2e.harness import free_port
from tests.e2e.kolla_deployment import KollaGlance, kolla_glance
from tests.support import keystone as ks
from tests.support.glance_container import GlanceApiStandIn

MEMBER = "demo-member"
MEMBER_PASSWORD = "demo-member-secret"


@dataclass
class KollaStack:
    deployment: KollaGlance
    keystone: ks.Keystone
    mariadb: ks.MariaDB
    memcached: ks.Memcached
    glance: GlanceApiStandIn
    venv: Path
    passwords: dict = field(repr=False)
    glances: dict = field(default_factory=dict, repr=False)  # every host's stand-in, by host

    def os_env(self, user: str = MEMBER, password: str = MEMBER_PASSWORD, project: str = "demo") -> dict:
        """The environment a user's shell has for python-openstackclient (and curl)."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("OS_")}
        env.update(PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
                   OS_AUTH_URL=f"{self.keystone.url}/v3", OS_IDENTITY_API_VERSION="3",
                   OS_USERNAME=user, OS_PASSWORD=password, OS_PROJECT_NAME=project,
                   OS_USER_DOMAIN_NAME="Default", OS_PROJECT_DOMAIN_NAME="Default",
                   OS_REGION_NAME="RegionOne", OS_INTERFACE="public")
        return env

    def admin_env(self) -> dict:
        return self.os_env("admin", ks.ADMIN_PASSWORD, "admin")

    def stop(self) -> None:
        for service in (*self.glances.values(), self.glance, self.keystone, self.memcached, self.mariadb):
            service.stop()


def start_stack(root: Path, globals_values: dict | None = None, hosts=("api1",)) -> KollaStack:
    venv = ks.ensure_stack_venv()
    ports = {"keystone": free_port(), "database": free_port(), "memcached": free_port()}
    values = {"keystone_public_port": ports["keystone"], "keystone_internal_port": ports["keystone"],
              "database_port": ports["database"], "memcached_port": ports["memcached"],
              **(globals_values or {})}
    deployment = kolla_glance(root, values, hosts)
    passwords = yaml.safe_load(deployment.passwords_file.read_text())

    mariadb = ks.MariaDB(root / "mariadb", ports["database"])
    memcached = ks.Memcached(root, ports["memcached"])
    keystone = ks.Keystone(venv, root / "keystone",
                           f"mysql+pymysql://keystone:keystone-db@127.0.0.1:{ports['database']}/keystone",
                           ports["keystone"])
    failures: list[BaseException] = []

    def services() -> None:
        try:
            mariadb.start()
            mariadb.create_database("keystone", "keystone", "keystone-db")
            mariadb.create_database("glance", "glance", passwords["glance_database_password"])
            memcached.start()
            keystone.start()
            ks.register_glance(keystone, passwords["glance_keystone_password"],
                               f"http://127.0.0.1:{deployment.port}", MEMBER, MEMBER_PASSWORD)
        except BaseException as error:  # re-raised in the test's thread
            failures.append(error)

    thread = threading.Thread(target=services, daemon=True)
    thread.start()
    glances: dict = {}
    try:
        deployment.genconfig()
        for host in hosts:
            glances[host] = deployment.standin(host)
        thread.join()
        if failures:
            raise failures[0]
        glances[hosts[0]].bootstrap()
        for glance in glances.values():
            glance.start()
    except BaseException:
        thread.join()
        for service in (*glances.values(), keystone, memcached, mariadb):
            service.stop()
        raise
    return KollaStack(deployment, keystone, mariadb, memcached, glances[hosts[0]], venv, passwords, glances)
