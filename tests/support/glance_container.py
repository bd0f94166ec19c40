"""A STAND-IN for kolla's glance_api container that really runs Glance, with no container engine.

There is no container engine on the test machines. This starts Glance the way kolla's glance_api
container starts it, from kolla's own pieces, in the namespace of the kolla_container stand-in
(tests/support/kolla_standin/library/kolla_container.py: ``namespace_command``, the same shell
script, extended by its NS_* hooks):

- **config**: what kolla's genconfig wrote (tests/support/kolla.run_site, kolla_action=config, with
  the plugin integrated): ``<node_config_directory>/glance-api/`` read-only at
  /var/lib/kolla/config_files, as in kolla's ``glance_api_default_volumes``;
- **volumes**: that list as kolla's glance role renders it for the host (``kolla_volumes()`` runs
  kolla's role defaults through ansible-playbook): a host-directory source is bind-mounted at its
  destination (``glance_file_datadir_volume`` as a host path: /var/lib/glance), a named volume gets a
  directory under the stand-in's ``volumes/`` (owned by glance, as docker initialises a new named
  volume from the image), a file source (/etc/localtime) is left to the overlay's lower layer;
- **the image**: an overlay root over the host's / (throw-away upper layer) holding kolla's scripts
  from the ``kolla`` 23.0.0 wheel (kolla_set_configs, kolla_start, kolla_copy_cacerts,
  kolla_install_projects, glance-base's and glance-api's extend_start, healthcheck_curl, the
  sudoers), a fresh /etc/glance with what glance-base copies there (the glance 33.0.0 sdist's
  ``etc/``, kolla's rootwrap files with kolla's exec_dirs), kolla's users (glance 42415, kolla
  42400, fluentd 42474), and a Glance 33 venv at /var/lib/kolla/venv, built once inside such a
  namespace with Debian's python3 (so its shebangs carry that path) and cached like
  tests/support/glance_venv.py caches its venv;
- **start**: as the glance user (groups glance, kolla), kolla's unmodified ``kolla_start`` with
  ``KOLLA_CONFIG_STRATEGY=COPY_ALWAYS``: ``sudo -E kolla_set_configs`` copies what config.json lists,
  the extend scripts run, then config.json's command (``uwsgi /etc/glance/glance-api-uwsgi.ini``,
  kolla's rendered ini).

Deviations from kolla's image, all test-only: uWSGI is the ``pyuwsgi`` wheel (kolla compiles uWSGI;
the same core, no compiler run in CI), the venv holds glance, glance_store without its optional
cinder/vmware/swift/s3 drivers, PyMySQL and python-memcached (what the file store, kolla's
``mysql+pymysql`` connection and kolla's memcached settings need), the host's kernel, network and
/dev/shm are shared, and there is no image layer on disk: the overlay's upper layer is a tmpfs that
goes away with the namespace.

Stable API:

    ensure_image() -> Path                 cached image files: <it>/root (copied into the overlay's
                                           root), <it>/etc-glance (a fresh /etc/glance)
    ensure_container_venv() -> Path        the cached venv directory mounted at /var/lib/kolla/venv
    kolla_volumes(tree, version, inventory, host, globals_file, passwords_file, extra_vars=None)
        -> list[str]                       kolla's rendered glance-api volumes for that host
    GlanceApiStandIn(config_dir, volumes, workdir)
        .bootstrap() -> str                kolla's bootstrap container (KOLLA_BOOTSTRAP: db_sync, metadefs)
        .start(timeout=...) -> self        waits for /healthcheck (raises StandInError with the log)
        .url                               http://address:port of uwsgi's ``http`` in kolla's ini
        .exec(*argv, user="root") -> CompletedProcess   run a command inside (``docker exec``)
        .set_configs_check() -> CompletedProcess         ``kolla_set_configs --check`` inside
        .host_path(container_path) -> Path               where a container path lives on the host
        .log() -> str                      glance-api's log (kolla_logs volume) plus kolla_start's output
        .stop()
"""
from __future__ import annotations

import configparser
import http.client
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

from tests.support import kolla as kolla_support
from tests.support.processes import end_process_group

KOLLA_IMAGE_VERSION = kolla_support.KOLLA_IMAGE_VERSION
GLANCE_VERSION = "33.0.0"
CONTAINER_VENV = "/var/lib/kolla/venv"
CONFIG_MOUNT = "/var/lib/kolla/config_files"
DEBIAN_PYTHON = "/usr/bin/python3"
# the venv kolla's glance-api image has at /var/lib/kolla/venv, trimmed (see the module docstring)
VENV_REQUIREMENTS = (f"glance=={GLANCE_VERSION}", "pyuwsgi==2.0.30.post1", "PyMySQL", "python-memcached")
GLANCE_UID = 42415
KOLLA_GID = 42400
CONTAINER_PATH = f"{CONTAINER_VENV}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PASSED_ENV = re.compile(r"^(PIP_\w+|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)$")
# kolla wheel member -> (path in the image, mode), as kolla's base, glance-base and glance-api Dockerfiles put them
IMAGE_FILES = {
    "kolla/docker/base/set_configs.py": ("usr/local/bin/kolla_set_configs", 0o755),
    "kolla/docker/base/start.sh": ("usr/local/bin/kolla_start", 0o755),
    "kolla/docker/base/copy_cacerts.sh": ("usr/local/bin/kolla_copy_cacerts", 0o755),
    "kolla/docker/base/install_projects.sh": ("usr/local/bin/kolla_install_projects", 0o755),
    "kolla/docker/base/healthcheck_curl": ("usr/local/bin/healthcheck_curl", 0o755),
    "kolla/docker/base/sudoers": ("etc/sudoers", 0o440),
    "kolla/docker/glance/glance-base/extend_start.sh": ("usr/local/bin/kolla_extend_start", 0o644),
    "kolla/docker/glance/glance-api/extend_start.sh": ("usr/local/bin/kolla_glance_extend_start", 0o644),
    "kolla/docker/glance/glance-base/glance_sudoers": ("etc/sudoers.d/kolla_glance_sudoers", 0o440),
}
ROOTWRAP_PREFIX = "kolla/docker/glance/glance-base/etc/glance/"
EXEC_DIRS = "exec_dirs=/var/lib/kolla/venv/bin,/sbin,/usr/sbin,/bin,/usr/bin,/usr/local/bin,/usr/local/sbin"


class StandInError(RuntimeError):
    """The stand-in could not be built or Glance did not start in it."""


def _standin_module():
    """kolla_standin/library/kolla_container.py, imported as a module (its namespace code)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "xdeploy_kolla_container_standin", kolla_support.STANDIN / "library" / "kolla_container.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(argv, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def _download(requirement: str, dest: Path, binary: bool) -> Path:
    option = ["--only-binary", ":all:"] if binary else ["--no-binary", ":all:"]
    result = _run([sys.executable, "-m", "pip", "download",
                   "--quiet", "--no-deps", "--disable-pip-version-check", *option, "-d", str(dest), requirement])
    found = sorted(dest.iterdir())
    if result.returncode != 0 or not found:
        raise StandInError(f"pip download {requirement} failed (exit {result.returncode}):\n{result.stdout[-3000:]}")
    return found[0]


def ensure_image() -> Path:
    """kolla's glance-api image files and a pristine /etc/glance, cached."""
    directory = kolla_support.cache_root() / f"kolla-{KOLLA_IMAGE_VERSION}-glance-api-{GLANCE_VERSION}-image"

    def build(target: Path) -> None:
        root, etc = target / "root", target / "etc-glance"
        with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
            wheel = _download(f"kolla=={KOLLA_IMAGE_VERSION}", Path(scratch) / "kolla", binary=True)
            with zipfile.ZipFile(wheel) as archive:
                for member, (path, mode) in IMAGE_FILES.items():
                    out = root / path
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(archive.read(member))
                    out.chmod(mode)
                # glance-base: COPY etc/glance /etc/glance (kolla's rootwrap files) ...
                for member in archive.namelist():
                    if member.startswith(ROOTWRAP_PREFIX) and not member.endswith("/"):
                        out = etc / member[len(ROOTWRAP_PREFIX):]
                        out.parent.mkdir(parents=True, exist_ok=True)
                        out.write_bytes(archive.read(member))
            # ... then cp -r /glance/etc/* /etc/glance/ from the source tree, sed exec_dirs
            sdist = _download(f"glance=={GLANCE_VERSION}", Path(scratch) / "glance", binary=False)
            prefix = f"glance-{GLANCE_VERSION}/etc/"
            with tarfile.open(sdist) as archive:
                for member in archive.getmembers():
                    if member.name.startswith(prefix) and member.isfile():
                        out = etc / member.name[len(prefix):]
                        out.parent.mkdir(parents=True, exist_ok=True)
                        out.write_bytes(archive.extractfile(member).read())
            rootwrap = etc / "rootwrap.conf"
            if rootwrap.exists():
                rootwrap.write_text(re.sub(r"(?m)^exec_dirs.*$", EXEC_DIRS, rootwrap.read_text()))
        if not (etc / "glance-api-paste.ini").is_file():
            raise StandInError("the glance sdist has no etc/glance-api-paste.ini")

    marker = f"kolla=={KOLLA_IMAGE_VERSION}\nglance=={GLANCE_VERSION}\n" + "\n".join(sorted(IMAGE_FILES)) + "\n"
    return kolla_support._cached(directory, marker, build)


def _namespace(standin, scratch: Path, state: Path, config: Path, command, **kwargs):
    return standin.namespace_command(str(scratch), str(state), str(config), str(kolla_support.ensure_set_configs()),
                                     command, **kwargs)


def _passed_env() -> list[str]:
    return [f"{key}={value}" for key, value in os.environ.items() if PASSED_ENV.match(key)]


def ensure_container_venv() -> Path:
    """The venv mounted at /var/lib/kolla/venv, built once inside a stand-in namespace."""
    python = subprocess.run([DEBIAN_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    directory = kolla_support.cache_root() / f"kolla-venv-glance-{GLANCE_VERSION}-debian-py{python}"

    def build(target: Path) -> None:
        standin = _standin_module()
        pip_cache = Path.home() / ".cache" / "pip"
        pip_cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="venv-build-", dir=target.parent) as scratch:
            scratch = Path(scratch)
            for name in ("ns", "state", "config"):
                (scratch / name).mkdir()
            script = (f"{DEBIAN_PYTHON} -m venv {CONTAINER_VENV} && "
                      f"{CONTAINER_VENV}/bin/pip install --quiet --disable-pip-version-check "
                      + " ".join(f"'{r}'" for r in VENV_REQUIREMENTS))
            argv, env = _namespace(standin, scratch / "ns", scratch / "state", scratch / "config",
                                   ["env", "HOME=/root", *_passed_env(), "sh", "-c", script],
                                   volumes=[f"{target}:{CONTAINER_VENV}", f"{pip_cache}:/root/.cache/pip"])
            result = _run(argv, env=env, timeout=1200)
        if result.returncode != 0:
            raise StandInError(f"building the stand-in's venv failed (exit {result.returncode}):\n"
                               f"{result.stdout[-4000:]}")

    return kolla_support._cached(directory, "\n".join(VENV_REQUIREMENTS) + "\n", build)


VOLUMES_PLAYBOOK = """\
# xdeploy-glance test harness: kolla's glance-api volumes for each host, as kolla's glance role renders them
- hosts: glance-api
  gather_facts: false
  tasks:
    - ansible.builtin.include_vars: roles/glance/defaults/main.yml
    - ansible.builtin.copy:
        content: "{{ glance_services['glance-api'].volumes | select | list | to_nice_yaml }}"
        dest: "{{ xdeploy_volumes_dir }}/{{ inventory_hostname }}.yml"
      delegate_to: localhost
"""


def kolla_volumes(tree: Path, version: str, inventory, host: str, globals_file: Path, passwords_file: Path,
                  extra_vars: dict | None = None, workdir: Path | None = None) -> list[str]:
    """kolla's ``glance_services['glance-api'].volumes`` (glance_api_default_volumes + extra) for `host`."""
    install = kolla_support.kolla_install(version)
    workdir = Path(workdir or tempfile.mkdtemp(prefix="volumes-", dir=inventory.path.parent))
    workdir.mkdir(parents=True, exist_ok=True)
    playbook = Path(tree) / "xdeploy-test-glance-volumes.yml"  # next to site.yml: group_vars/all apply
    playbook.write_text(VOLUMES_PLAYBOOK)
    command = [str(install.bin / "ansible-playbook"), "-i", str(inventory.path), "--limit", host,
               "-e", f"@{Path(globals_file).resolve()}", "-e", f"@{Path(passwords_file).resolve()}",
               "-e", f"xdeploy_volumes_dir={workdir}"]
    if extra_vars:
        import json
        command += ["-e", json.dumps(extra_vars)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(ANSIBLE_HOME=str(workdir / "ansible-home"), ANSIBLE_LOCAL_TEMP=str(workdir / "tmp"),
               ANSIBLE_COLLECTIONS_PATH=str(install.collections), ANSIBLE_NOCOLOR="1",
               ANSIBLE_CONFIG=str(workdir / "ansible.cfg"))
    (workdir / "ansible.cfg").write_text("[defaults]\n")
    result = _run([*command, str(playbook)], env=env, cwd=workdir, timeout=300)
    out = workdir / f"{host}.yml"
    if result.returncode != 0 or not out.exists():
        raise StandInError(f"rendering kolla's glance-api volumes failed (exit {result.returncode}):\n"
                           f"{result.stdout[-4000:]}")
    return list(yaml.safe_load(out.read_text()))


class GlanceApiStandIn:
    """kolla's glance_api container, stood in for by a mount namespace running kolla_start (see module doc)."""

    def __init__(self, config_dir: Path, volumes: list[str], workdir: Path, env: dict | None = None):
        self.config_dir = Path(config_dir)
        self.workdir = Path(workdir)
        self.env = dict(env or {})
        self.state = self.workdir / "container"
        self.named = self.workdir / "volumes"
        self.binds: list[tuple[str, str, bool]] = []  # (host, container, read-only)
        self.volumes = list(volumes)
        for spec in volumes:
            parts = str(spec).split(":")
            source, target = parts[0], parts[1].rstrip("/") or "/"
            read_only = len(parts) > 2 and "ro" in parts[2].split(",")
            if target == CONFIG_MOUNT:
                continue  # namespace_command mounts the config directory read-only there
            if source.startswith("/"):
                if Path(source).is_dir():
                    self.binds.append((source.rstrip("/") or "/", target, read_only))
                continue  # a file (/etc/localtime): the overlay's lower layer holds the host's
            self.binds.append((str(self.named / source), target, read_only))
        self.process: subprocess.Popen | None = None
        self.scratch: Path | None = None
        self.url = self._url()

    # ------------------------------------------------------------------ paths

    def _url(self) -> str:
        ini = configparser.ConfigParser(strict=False, interpolation=None)
        ini.read_string((self.config_dir / "glance-api-uwsgi.ini").read_text())
        address = ini.get("uwsgi", "http", fallback=None) or ini.get("uwsgi", "https")
        return f"http://{address}"

    def host_path(self, container_path: str) -> Path:
        """The host path behind a container path (longest volume destination), or the writable layer's."""
        best = None
        for host, target, _ in self.binds:
            if container_path == target or container_path.startswith(target.rstrip("/") + "/"):
                if best is None or len(target) > len(best[1]):
                    best = (host, target)
        if best is None:
            return self.state / "fs" / container_path.lstrip("/")  # not persisted: see the module doc
        return Path(best[0]) / os.path.relpath(container_path, best[1])

    @property
    def log_file(self) -> Path:
        return self.host_path("/var/log/kolla/glance/glance-api.log")

    def log(self) -> str:
        parts = []
        for path in (self.workdir / "kolla_start.log", self.host_path("/var/log/kolla/glance/glance-api-uwsgi.log"),
                     self.log_file):
            if path.exists():
                parts.append(f"--- {path} ---\n" + path.read_text(errors="replace")[-20000:])
        return "\n".join(parts)

    # ------------------------------------------------------------------ lifecycle

    def _prepare(self) -> None:
        image = ensure_image()
        if self.state.exists():
            shutil.rmtree(self.state)
        fs = self.state / "fs"
        shutil.copytree(image / "etc-glance", fs / "etc" / "glance")  # the image's /etc/glance, fresh
        audit_map = ensure_container_venv() / "etc" / "pycadf" / "glance_api_audit_map.conf"
        if audit_map.exists():
            shutil.copy(audit_map, fs / "etc" / "glance")
        for path in [fs / "etc" / "glance", *(fs / "etc" / "glance").rglob("*")]:
            os.chown(path, GLANCE_UID, GLANCE_UID)
        for host, target, _ in self.binds:
            if host.startswith(str(self.named)) and not Path(host).exists():
                Path(host).mkdir(parents=True)
                os.chown(host, GLANCE_UID, GLANCE_UID)  # docker initialises a new named volume from the image

    def _argv(self, command: list[str], **kwargs):
        volumes = [f"{ensure_container_venv()}:{CONTAINER_VENV}:ro",
                   *(f"{host}:{target}{':ro' if ro else ''}" for host, target, ro in self.binds)]
        return _namespace(_standin_module(), self.scratch, self.state, self.config_dir, command,
                          image=str(ensure_image() / "root"), volumes=volumes, proc=True, **kwargs)

    def _spawn(self, log_name: str, extra_env: dict | None = None) -> subprocess.Popen:
        self._prepare()
        self.scratch = Path(tempfile.mkdtemp(prefix="ns-", dir=self.workdir))
        env = [f"{key}={value}" for key, value in {**self.env, **(extra_env or {})}.items()]
        command = ["env", f"PATH={CONTAINER_PATH}", "HOME=/var/lib/glance", "USER=glance", "LOGNAME=glance",
                   "KOLLA_CONFIG_STRATEGY=COPY_ALWAYS", "KOLLA_SERVICE_NAME=glance-api", *env,
                   "setpriv", f"--reuid={GLANCE_UID}", f"--regid={GLANCE_UID}",
                   f"--groups={GLANCE_UID},{KOLLA_GID}", "--", "kolla_start"]
        argv, env_vars = self._argv(command)
        self._log_handle = open(self.workdir / log_name, "w")
        return subprocess.Popen(argv, env=env_vars, stdout=self._log_handle, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)

    def bootstrap(self, timeout: float = 300.0) -> str:
        """kolla's bootstrap_glance container: the same image and volumes with KOLLA_BOOTSTRAP set
        (glance-base's extend_start runs ``glance-manage db_sync`` and ``db_load_metadefs``, then exits)."""
        self.process = self._spawn("bootstrap.log", {"KOLLA_BOOTSTRAP": ""})
        try:
            returncode = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise StandInError(f"kolla's bootstrap did not finish within {timeout:.0f}s "
                               f"(kolla's [database] max_retries = -1 retries forever):\n"
                               f"{(self.workdir / 'bootstrap.log').read_text()[-6000:]}")
        output = (self.workdir / "bootstrap.log").read_text()
        self.process = None
        self._log_handle.close()
        self.scratch.rmdir()
        if returncode != 0:
            raise StandInError(f"kolla's bootstrap exited {returncode}:\n{output[-6000:]}")
        return output

    def start(self, timeout: float = 120.0) -> GlanceApiStandIn:
        self.process = self._spawn("kolla_start.log")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StandInError(f"the glance_api stand-in exited {self.process.returncode}:\n{self.log()}")
            if self.healthcheck() == 200:
                return self
            time.sleep(0.5)
        self.stop()
        raise StandInError(f"glance-api did not answer /healthcheck within {timeout:.0f}s:\n{self.log()}")

    def healthcheck(self) -> int | None:
        host, port = self.url[len("http://"):].rsplit(":", 1)
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        try:
            connection.request("GET", "/healthcheck")
            return connection.getresponse().status
        except OSError:
            return None
        finally:
            connection.close()

    def exec(self, *argv: str, user: str = "root", timeout: float = 120) -> subprocess.CompletedProcess:
        """Run a command in the running stand-in, as ``docker exec`` would (its mounts, its root)."""
        if self.process is None or self.process.poll() is not None:
            raise StandInError("the stand-in is not running")
        prefix = [] if user == "root" else ["setpriv", f"--reuid={GLANCE_UID}", f"--regid={GLANCE_UID}",
                                            f"--groups={GLANCE_UID},{KOLLA_GID}", "--"]
        return _run(["nsenter", "-t", str(self.process.pid), "-m", "chroot", str(self.scratch / "root"),
                     "env", "-i", f"PATH={CONTAINER_PATH}", "HOME=/", *prefix, *argv], timeout=timeout)

    def set_configs_check(self) -> subprocess.CompletedProcess:
        return self.exec("kolla_set_configs", "--check")

    def stop(self) -> None:
        if self.process is None:
            return
        end_process_group(self.process)
        self._log_handle.close()
        self.process = None
        if self.scratch is not None:
            try:
                self.scratch.rmdir()
            except OSError:
                pass
