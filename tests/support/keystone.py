"""A real Keystone 30 under uWSGI, and a real MariaDB, on 127.0.0.1, for the e2e tests of kolla's glance.

Stable API:

    ensure_stack_venv() -> Path
        keystone 30.0.0, pyuwsgi, PyMySQL, python-memcached and python-openstackclient 10.5.0 in one
        venv, built once like tests/support/glance_venv.py builds its venv:
        ${XDEPLOY_GLANCE_CACHE:-~/.cache/xdeploy-glance}/keystone-30.0.0-osc-10.5.0-py3.<minor>.
        Its bin/openstack is the client the documented commands use.
    ensure_apt(*packages)                  apt-get install when missing (root), as ensure_qemu_img does
    MariaDB(workdir).start() / .sql(text) / .stop()
        Debian's mariadbd with its datadir on the test's scratch directory, a private socket, TCP on
        127.0.0.1:<free port>; root by unix socket.
    Memcached(port).start() / .stop()      Debian's memcached on 127.0.0.1.
    Keystone(venv, workdir, database_url, port).start() -> self
        keystone.conf (fernet, [identity] password_hash_rounds = 4), db_sync, fernet_setup,
        credential_setup, bootstrap (admin, RegionOne, public/internal endpoints), then uWSGI with
        keystone.wsgi.api:application.  .url, .admin_token(), .request(method, path, body, token)
    register_glance(keystone, glance_password, image_url, member_user, member_password) -> dict
        the service project, the glance user (admin in service), the image service and its
        endpoints, a `demo` project with a non-admin member user (roles member and reader).
"""
from __future__ import annotations

import fcntl
import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.support.kolla import cache_root
from tests.support.processes import end_process_group

KEYSTONE_VERSION = "30.0.0"
OSC_VERSION = "10.5.0"
REQUIREMENTS = (f"keystone=={KEYSTONE_VERSION}", f"python-openstackclient=={OSC_VERSION}", "pyuwsgi==2.0.30.post1",
                "PyMySQL", "python-memcached")
COMPLETE_MARKER = ".xdeploy-glance-complete"
ADMIN_PASSWORD = "admin-secret"


class StackError(RuntimeError):
    """Keystone, MariaDB or memcached could not be provided or started."""


def _run(argv, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def stack_venv_path() -> Path:
    return cache_root() / (f"keystone-{KEYSTONE_VERSION}-osc-{OSC_VERSION}-"
                           f"py{sys.version_info.major}.{sys.version_info.minor}")


def ensure_stack_venv() -> Path:
    venv = stack_venv_path()
    marker_text = "\n".join(REQUIREMENTS) + "\n"

    def complete() -> bool:
        marker = venv / COMPLETE_MARKER
        return marker.is_file() and marker.read_text() == marker_text

    if complete():
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not complete():
            if venv.exists():
                shutil.rmtree(venv)
            for command in ([sys.executable, "-m", "venv", str(venv)],
                            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                             "--disable-pip-version-check", *REQUIREMENTS]):
                result = _run(command, timeout=1200)
                if result.returncode != 0:
                    raise StackError(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout[-4000:]}")
            (venv / COMPLETE_MARKER).write_text(marker_text)
    return venv


def ensure_apt(*packages: str) -> None:
    missing = [package for package in packages
               if "install ok installed" not in _run(["dpkg-query", "-W", "-f=${Status}", package]).stdout]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise StackError(f"missing Debian packages {missing} (add them to scripts/test.sh's APT_PACKAGES)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]):
        result = _run(command, env=env, timeout=900)
        if result.returncode != 0:
            raise StackError(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout[-3000:]}")


def free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Daemon:
    process: subprocess.Popen | None = None
    log_path: Path

    def _spawn(self, argv, env=None, cwd=None) -> None:
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=env, cwd=cwd, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-8000:] if self.log_path.exists() else ""

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StackError(f"{what} exited {self.process.returncode}:\n{self.log()}")
            if ready():
                return
            time.sleep(0.3)
        self.stop()
        raise StackError(f"{what} not ready within {timeout:.0f}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None:
            return
        end_process_group(self.process)
        self._log.close()
        self.process = None


def _port_open(port: int) -> bool:
    import socket
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class MariaDB(_Daemon):
    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.datadir = self.workdir / "datadir"
        self.socket = self.workdir / "mysqld.sock"
        self.log_path = self.workdir / "mariadbd.log"

    def start(self, timeout: float = 90) -> MariaDB:
        ensure_apt("mariadb-server")
        self.workdir.mkdir(parents=True, exist_ok=True)
        # as root: the test's scratch directories are private to root
        install = _run(["mariadb-install-db", "--no-defaults", "--user=root", f"--datadir={self.datadir}",
                        "--auth-root-authentication-method=socket", "--skip-test-db"], timeout=300)
        if install.returncode != 0:
            raise StackError(f"mariadb-install-db exited {install.returncode}:\n{install.stdout[-3000:]}")
        self._spawn(["mariadbd", "--no-defaults", "--user=root", f"--datadir={self.datadir}",
                     f"--socket={self.socket}", f"--pid-file={self.workdir / 'mysqld.pid'}", "--bind-address=127.0.0.1",
                     f"--port={self.port}", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
                     "--innodb-log-file-size=8M", "--performance-schema=OFF", "--skip-name-resolve",
                     "--innodb-flush-log-at-trx-commit=0", "--max-connections=200"])
        self._wait(lambda: self.socket.exists() and _port_open(self.port), timeout, "mariadbd")
        return self

    def sql(self, text: str) -> str:
        result = _run(["mariadb", f"--socket={self.socket}", "-uroot", "-e", text], timeout=60)
        if result.returncode != 0:
            raise StackError(f"mariadb -e {text!r} exited {result.returncode}:\n{result.stdout}")
        return result.stdout

    def create_database(self, name: str, user: str, password: str) -> None:
        self.sql(f"CREATE DATABASE {name}; CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'; "
                 f"GRANT ALL PRIVILEGES ON {name}.* TO '{user}'@'%';")


class Memcached(_Daemon):
    def __init__(self, workdir: Path, port: int | None = None):
        self.port = port or free_port()
        self.log_path = Path(workdir) / "memcached.log"

    def start(self, timeout: float = 30) -> Memcached:
        ensure_apt("memcached")
        self._spawn(["memcached", "-u", "nobody", "-l", "127.0.0.1", "-p", str(self.port), "-U", "0", "-m", "32"])
        self._wait(lambda: _port_open(self.port), timeout, "memcached")
        return self


KEYSTONE_CONF = """\
[DEFAULT]
log_file = {workdir}/keystone.log
[database]
connection = {database_url}
[token]
provider = fernet
[fernet_tokens]
key_repository = {workdir}/fernet-keys
[credential]
key_repository = {workdir}/credential-keys
[identity]
password_hash_rounds = 4
[cache]
enabled = false
"""


class Keystone(_Daemon):
    def __init__(self, venv: Path, workdir: Path, database_url: str, port: int | None = None):
        self.venv = Path(venv)
        self.workdir = Path(workdir)
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "uwsgi.log"

    def _manage(self, *args: str) -> None:
        result = _run([str(self.venv / "bin" / "keystone-manage"), "--config-file", str(self.conf), *args],
                      timeout=300)
        if result.returncode != 0:
            raise StackError(f"keystone-manage {args[0]} exited {result.returncode}:\n{result.stdout[-4000:]}")

    def start(self, timeout: float = 120) -> Keystone:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for keys in ("fernet-keys", "credential-keys"):
            (self.workdir / keys).mkdir(mode=0o700, exist_ok=True)
        self.conf = self.workdir / "keystone.conf"
        self.conf.write_text(KEYSTONE_CONF.format(workdir=self.workdir, database_url=self.database_url))
        self._manage("db_sync")
        self._manage("fernet_setup", "--keystone-user", "root", "--keystone-group", "root")
        self._manage("credential_setup", "--keystone-user", "root", "--keystone-group", "root")
        self._manage("bootstrap", "--bootstrap-password", ADMIN_PASSWORD, "--bootstrap-region-id", "RegionOne",
                     "--bootstrap-public-url", f"{self.url}/v3", "--bootstrap-internal-url", f"{self.url}/v3",
                     "--bootstrap-admin-url", f"{self.url}/v3")
        env = {**os.environ, "OS_KEYSTONE_CONFIG_DIR": str(self.workdir)}
        # keystone reads keystone.conf from OS_KEYSTONE_CONFIG_DIR under WSGI
        self._spawn([str(self.venv / "bin" / "uwsgi"), "--http-socket", f"127.0.0.1:{self.port}",
                     "--module", "keystone.wsgi.api:application", "--master", "--processes", "2",
                     "--need-app", "--die-on-term", "--lazy-apps", "--enable-threads",
                     # as kolla's uwsgi.ini: clients must not reuse a connection uWSGI closes
                     "--add-header", "Connection: close"], env=env, cwd=self.workdir)
        self._wait(lambda: self._get("/v3") == 200, timeout, "keystone under uWSGI")
        return self

    def _get(self, path: str) -> int | None:
        try:
            return self.request("GET", path)[0]
        except OSError:
            return None

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["X-Auth-Token"] = token
        try:
            connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, (json.loads(data) if data else None), response.getheader("X-Subject-Token")
        finally:
            connection.close()

    def token(self, user: str, password: str, project: str, domain: str = "default") -> str:
        status, body, token = self.request("POST", "/v3/auth/tokens", {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": user, "domain": {"id": domain}, "password": password}}},
            "scope": {"project": {"name": project, "domain": {"id": domain}}}}})
        if status != 201:
            raise StackError(f"token for {user} in {project}: HTTP {status} {body}")
        return token

    def admin_token(self) -> str:
        return self.token("admin", ADMIN_PASSWORD, "admin")

    def create(self, token: str, collection: str, entity: str, values: dict) -> dict:
        status, body, _ = self.request("POST", f"/v3/{collection}", {entity: values}, token)
        if status != 201:
            raise StackError(f"POST /v3/{collection} {values}: HTTP {status} {body}")
        return body[entity]

    def find(self, token: str, collection: str, name: str) -> dict:
        status, body, _ = self.request("GET", f"/v3/{collection}?name={name}", token=token)
        if status != 200 or not body[collection]:
            raise StackError(f"no {name} in /v3/{collection}: HTTP {status} {body}")
        return body[collection][0]

    def grant(self, token: str, project: dict, user: dict, role: dict) -> None:
        status, body, _ = self.request("PUT", f"/v3/projects/{project['id']}/users/{user['id']}/roles/{role['id']}",
                                       token=token)
        if status not in (200, 204):
            raise StackError(f"grant {role['name']} to {user['name']}: HTTP {status} {body}")


def register_glance(keystone: Keystone, glance_password: str, image_url: str, member_user: str,
                    member_password: str) -> dict:
    """What kolla's service-ks-register does for glance, plus a project with a non-admin member user."""
    token = keystone.admin_token()
    service_project = keystone.create(token, "projects", "project", {"name": "service", "domain_id": "default"})
    glance = keystone.create(token, "users", "user", {"name": "glance", "domain_id": "default",
                                                      "password": glance_password})
    admin_role = keystone.find(token, "roles", "admin")
    keystone.grant(token, service_project, glance, admin_role)
    service = keystone.create(token, "services", "service", {"name": "glance", "type": "image"})
    for interface in ("public", "internal"):
        keystone.create(token, "endpoints", "endpoint", {"service_id": service["id"], "interface": interface,
                                                         "url": image_url, "region_id": "RegionOne"})
    demo = keystone.create(token, "projects", "project", {"name": "demo", "domain_id": "default"})
    member = keystone.create(token, "users", "user", {"name": member_user, "domain_id": "default",
                                                      "password": member_password})
    for role in ("member", "reader"):
        keystone.grant(token, demo, member, keystone.find(token, "roles", role))
    return {"service_project": service_project, "demo_project": demo, "member": member}
