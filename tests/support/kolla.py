"""Run kolla-ansible's real glance role (its own ``site.yml``) on local hosts, for tests.

kolla-ansible 22.2.0 (ansible-core 2.19, Python 3.11) and 23.0.0 (ansible-core 2.21, Python 3.12)
are installed by ``scripts/test.sh``: 22.2.0 into the suite's own venv (``.venv``, same pip
resolution as this project), 23.0.0 into ``.venv-kolla23``. There is no container engine here:
kolla's container modules are replaced by **stand-ins** in the test copy of kolla's tree.

Stable API (the composition tests rely on it):

    KOLLA_VERSIONS = ("22.2.0", "23.0.0")
    GLANCE_PLAY = "Apply role glance"            kolla's play in site.yml

    kolla_install(version) -> KollaInstall
        .version, .venv, .bin (has ansible-playbook), .python, .tree (the pristine, read-only
        kolla ``ansible/`` directory), .collections (for ANSIBLE_COLLECTIONS_PATH).
        Raises KollaUnavailable when the venv is missing. Venvs: $XDEPLOY_KOLLA_VENV_22 /
        $XDEPLOY_KOLLA_VENV_23 if set; else 22.2.0 is the running interpreter's venv when
        kolla-ansible 22.2.0 is installed in it (else <repo>/.venv), 23.0.0 is <repo>/.venv-kolla23.
    Session fixture ``kolla`` (parametrized over KOLLA_VERSIONS, ids kolla-22.2.0 / kolla-23.0.0)
        gives a KollaInstall; it skips when the venv is missing, and fails instead when $CI is set.
    Session fixture ``kolla_tree``: one shared copy_tree() per version (for tests that do not
        patch the tree). Import both fixtures into a test module, or list this module in
        ``pytest_plugins``.

    copy_tree(version, dest, standin=True) -> Path
        A fresh writable copy of kolla's ``ansible/`` tree at ``dest`` (returned), with the
        stand-ins installed in ``library/`` (kolla_container.py, kolla_toolbox.py,
        kolla_container_facts.py): see "The container stand-in" below. Nothing else is changed.

    local_inventory(path, hosts, *, version, groups=None, interface="eth0", host_vars=None)
            -> LocalInventory
        An INI inventory at ``path``: kolla's own ``inventory/all-in-one`` for that version with
        its six top groups (control, network, compute, storage, monitoring, deployment) holding
        ``hosts``, so every kolla group exists; ``groups={"glance-api": ["h2"]}`` replaces a
        group's definition by an explicit host list. Each host: ansible_connection=local, the
        venv's python as ansible_python_interpreter, ansible_become=false (the harness runs as
        the user it is; kolla's ``become: true`` is overridden by the inventory variable),
        its own ``node_config_directory`` = <path's dir>/kolla-hosts/<host>/kolla, and an address
        127.0.0.<n> (n = 1, 2, ... in ``hosts`` order) that the seeded facts give ``interface``.
        It also creates <node_config_directory>/haproxy/services.d/ and proxysql/{users,rules}/,
        as kolla's loadbalancer deploy would have: kolla's loadbalancer play writes glance's
        haproxy and ProxySQL config there under ``--tags glance`` (``enable_haproxy: "no"`` and
        ``enable_proxysql: "no"`` in the globals skip that).
        LocalInventory: .path, .hosts, .interface, .addresses {host: ip},
        .node_config_directory(host) -> Path  (kolla writes <it>/glance-api/),
        .config_dir(host, service="glance-api") -> Path,
        .standin_dir(host, container="glance_api") -> Path,
        .restarts(host, container="glance_api") -> int   (stand-in (re)starts so far).
        If your globals set network_interface/api_interface, pass that name as ``interface``.

    write_passwords(version, dest) -> Path
        kolla's etc/kolla/passwords.yml of that version with every value filled
        deterministically (same file every time; ssh keys are placeholders, not real keys).
    write_globals(dest, values=None) -> Path
        BASE_GLOBALS (kolla_internal_vip_address 127.0.0.100) updated with ``values``.

    run_site(tree, version, inventory, globals_file, passwords_file, kolla_action,
             extra_vars=None, tags="glance", custom_config=None, limit=None, check=False,
             diff=False, workdir=None) -> SiteRun
        Runs ``<tree>/site.yml`` as ``kolla-ansible`` does (kolla_ansible/ansible.py build_args):
        ``-i INV -e @globals -e @passwords [-e node_custom_config=...] [-e extra_vars]
        -e kolla_action=... [-e kolla_serial=0 for reconfigure] -e CONFIG_DIR=<globals' dir>
        --tags glance``. ``custom_config`` is kolla's ``node_custom_config`` for this run (an
        empty <workdir>/config when None). Before site.yml, in the same ansible-playbook run, a
        harness play (SEED_PLAY, tag always) sets the facts kolla reads with
        ``set_fact cacheable: true`` (interface ipv4 address, hostname, processor_vcpus=2,
        os_family, python), so kolla's own gather-facts play skips ``setup`` as it does with a fact
        cache. State (ANSIBLE_HOME, temp dirs, the record) goes under ``workdir`` (default:
        <inventory's dir>/runs/<n>). ANSIBLE_COLLECTIONS_PATH is the collections cache.
        SiteRun: .returncode, .stdout, .stderr, .command, .records (one TaskRecord per host and
        task result: play, task, role, path, action, handler, host, status, changed, msg),
        .recap {host: {ok, changed, failed, ...}}, .tasks(play=None, host=None),
        .changed_tasks(play=GLANCE_PLAY) -> [TaskRecord], .failed_tasks(), .check() -> self
        (raises AssertionError with the output tail unless rc == 0).

The container stand-in (``tests/support/kolla_standin/library/kolla_container.py``): a
"container" is the directory <host>/kolla-standin/<name>/ next to the host's
node_config_directory. ``compare_container`` reports changed when the container never started,
when its image/volumes/environment/privileged/dimensions/healthcheck differ from those it was
started with, or when kolla's own ``set_configs.py --check`` (kolla 23.0.0 wheel, cached) exits 1
against the files it started from. ``recreate_or_restart_container``/``start_container`` append a
line to its ``restarts`` file and run set_configs.py with KOLLA_CONFIG_STRATEGY=COPY_ALWAYS.
set_configs.py runs as root in a private mount namespace (``unshare -m``): an overlay of the host's
``/`` with a throw-away tmpfs upper layer, the container's own directories bind-mounted at
/etc/glance, /etc/kolla, /var/log/kolla, /var/lib/glance (...), the host's
<node_config_directory>/<service>/ read-only at /var/lib/kolla/config_files, and kolla's users
(kolla 42400, glance 42415, fluentd 42474) only in the overlay's /etc/passwd and /etc/group;
nothing is written on the host outside the container directory (files there are owned by uid
42415). ``kolla_toolbox`` (Keystone registration, database) and every other engine call are
no-ops that report ok; ``kolla_container_facts`` reports no containers.

Collections: ``site.yml --tags glance`` needs two. ``ansible.utils``: group_vars/all/common.yml
uses its ``ipaddr`` filter. ``ansible.posix``: under --tags glance, kolla's loadbalancer play
includes the haproxy-config role for glance, whose ``ansible.posix.firewalld`` task must resolve
when the role is loaded, even though it is skipped. (openstack.cloud and the mysql modules are
only names that kolla_toolbox runs inside its container; community.docker / containers.podman
are named only by tasks that never load under --tags glance.) Galaxy is unreachable, so
ensure_collections(version) takes them from the ``ansible`` community package's wheel of the
matching ansible-core line (12.3.0 for 2.19, 14.5.0 for 2.21), downloaded once with
``pip download --no-deps`` and cached under ${XDEPLOY_GLANCE_CACHE:-$HOME/.cache/xdeploy-glance},
like ensure_set_configs() does for kolla's set_configs.py. Both use a lock and a completion
marker. ``python -m tests.support.kolla prepare`` fills the caches (scripts/test.sh runs it).
"""
from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
STANDIN = Path(__file__).resolve().parent / "kolla_standin"

KOLLA_VERSIONS = ("22.2.0", "23.0.0")
GLANCE_PLAY = "Apply role glance"
SEED_PLAY = "xdeploy-glance test harness: seed the facts kolla reads"
# the `ansible` community package release that bundles collections for each kolla's ansible-core
ANSIBLE_BUNDLES = {"22.2.0": "12.3.0", "23.0.0": "14.5.0"}
COLLECTIONS = ("ansible.utils", "ansible.posix")
KOLLA_IMAGE_VERSION = "23.0.0"  # the `kolla` image builder whose set_configs.py the stand-in runs
BASE_GLOBALS = {"kolla_internal_vip_address": "127.0.0.100"}
# The plugin's import settings the composition tests and the genconfig bench deploy with kolla.
IMPORT_GLOBALS = {
    "glance_enabled_import_methods": "web-download,glance-direct",
    "glance_image_import_plugins": "image_conversion,inject_image_metadata",
    "glance_web_download_allowed_ports": "80,443,8080",
    "glance_staging_rotational_policy": "ignore",
    "glance_staging_max_image_size": "1MiB",
    "glance_staging_concurrent_imports": 1,
}
STANDIN_MODULES = ("kolla_container.py", "kolla_toolbox.py", "kolla_container_facts.py")
COMPLETE_MARKER = ".xdeploy-glance-complete"
LOADBALANCER_DIRS = ("haproxy/services.d", "proxysql/users", "proxysql/rules")
TOP_GROUPS = ("control", "network", "compute", "storage", "monitoring", "deployment")


class KollaUnavailable(RuntimeError):
    """A kolla-ansible venv or a cached download the harness needs is missing."""


# --------------------------------------------------------------------------- caches

def cache_root() -> Path:
    return Path(os.environ.get("XDEPLOY_GLANCE_CACHE") or Path.home() / ".cache" / "xdeploy-glance")


def _cached(directory: Path, marker_text: str, build) -> Path:
    """Build `directory` once (lock + completion marker, as tests/support/glance_venv.py does)."""
    def complete() -> bool:
        marker = directory / COMPLETE_MARKER
        return marker.is_file() and marker.read_text() == marker_text

    if complete():
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / f"{directory.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not complete():
            if directory.exists():
                shutil.rmtree(directory)
            directory.mkdir()
            build(directory)
            (directory / COMPLETE_MARKER).write_text(marker_text)
    return directory


def _pip_download(python: Path | str, requirement: str, dest: Path) -> Path:
    result = subprocess.run([str(python), "-m", "pip", "download", "--quiet", "--no-deps",
                             "--disable-pip-version-check", "--only-binary", ":all:", "-d", str(dest),
                             requirement], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wheels = sorted(dest.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        tail = "\n".join(line for line in result.stdout.splitlines()
                         if not line.startswith("WARNING: Location"))[-3000:]
        raise KollaUnavailable(f"pip download {requirement} failed (exit {result.returncode}):\n{tail}")
    return wheels[0]


def ensure_collections(version: str, python: Path | str | None = None) -> Path:
    """The collections directory (for ANSIBLE_COLLECTIONS_PATH) for that kolla version.

    `python` downloads the wheel; it must satisfy the wheel's Requires-Python (the ansible 14
    line needs 3.12): by default that kolla version's venv python.
    """
    bundle = ANSIBLE_BUNDLES[version]
    directory = cache_root() / f"ansible-{bundle}-collections"

    def build(target: Path) -> None:
        with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
            wheel = _pip_download(python or kolla_install(version, collections=False).python,
                                  f"ansible=={bundle}", Path(scratch))
            with zipfile.ZipFile(wheel) as archive:
                for collection in COLLECTIONS:
                    prefix = "ansible_collections/{}/{}/".format(*collection.split("."))
                    members = [name for name in archive.namelist() if name.startswith(prefix)]
                    if not members:
                        raise KollaUnavailable(f"{wheel.name} has no {collection}")
                    archive.extractall(target, members)

    return _cached(directory, f"ansible=={bundle}\n" + "\n".join(COLLECTIONS) + "\n", build)


def ensure_set_configs() -> Path:
    """kolla's set_configs.py (kolla_set_configs in every kolla image), from the kolla wheel."""
    directory = cache_root() / f"kolla-{KOLLA_IMAGE_VERSION}-set_configs"

    def build(target: Path) -> None:
        with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
            wheel = _pip_download(sys.executable, f"kolla=={KOLLA_IMAGE_VERSION}", Path(scratch))
            with zipfile.ZipFile(wheel) as archive:
                (target / "set_configs.py").write_bytes(archive.read("kolla/docker/base/set_configs.py"))

    return _cached(directory, f"kolla=={KOLLA_IMAGE_VERSION}\n", build) / "set_configs.py"


# --------------------------------------------------------------------------- installs

@dataclass(frozen=True)
class KollaInstall:
    version: str
    venv: Path
    bin: Path
    python: Path
    tree: Path
    collections: Path | None


def _installed_version(venv: Path) -> str | None:
    for dist_info in venv.glob("lib/python3*/site-packages/kolla_ansible-*.dist-info"):
        return dist_info.name[len("kolla_ansible-"):-len(".dist-info")]
    return None


def kolla_venv_path(version: str) -> Path:
    major = version.split(".")[0]
    override = os.environ.get(f"XDEPLOY_KOLLA_VENV_{major}")
    if override:
        return Path(override)
    if version == KOLLA_VERSIONS[0]:
        running = Path(sys.prefix)
        if _installed_version(running) == version:
            return running
        return REPO / ".venv"
    return REPO / f".venv-kolla{major}"


# Files of kolla's tree that `xdeploy-glance integrate` patches: the pristine tree must not have
# been integrated in place (copy_tree() it first).
PRISTINE_FILES = ("site.yml", "roles/glance/tasks/config.yml")


def _check_pristine(venv: Path, tree: Path) -> None:
    records = {}
    for record in venv.glob("lib/python3*/site-packages/kolla_ansible-*.dist-info/RECORD"):
        for line in record.read_text().splitlines():
            name, _, rest = line.partition(",")
            if "/share/kolla-ansible/ansible/" in name:
                records[name.split("/share/kolla-ansible/ansible/", 1)[1]] = rest.split(",")[0]
    for name in PRISTINE_FILES:
        digest = base64.urlsafe_b64encode(hashlib.sha256((tree / name).read_bytes()).digest())
        if records.get(name) != "sha256=" + digest.decode().rstrip("="):
            raise KollaUnavailable(f"{tree / name} is not the file kolla-ansible installed (patched in "
                                   f"place?); reinstall kolla-ansible in {venv}")
    if (tree / "collections").exists():
        raise KollaUnavailable(f"{tree} has a collections/ folder kolla-ansible does not ship; "
                               f"reinstall kolla-ansible in {venv}")


def kolla_install(version: str, collections: bool = True) -> KollaInstall:
    venv = kolla_venv_path(version)
    found = _installed_version(venv)
    if found != version:
        raise KollaUnavailable(f"no kolla-ansible {version} in {venv} (found {found}); "
                               f"`bash scripts/test.sh` builds it")
    tree = venv / "share" / "kolla-ansible" / "ansible"
    if not (tree / "site.yml").is_file() or not (venv / "bin" / "ansible-playbook").exists():
        raise KollaUnavailable(f"{venv} lacks ansible-playbook or kolla's ansible/site.yml")
    _check_pristine(venv, tree)
    install = KollaInstall(version, venv, venv / "bin", venv / "bin" / "python", tree, None)
    if collections:
        install = KollaInstall(version, venv, install.bin, install.python, tree,
                               ensure_collections(version, install.python))
    return install


def _unavailable(message: str):
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session", params=KOLLA_VERSIONS, ids=lambda version: f"kolla-{version}")
def kolla(request) -> KollaInstall:
    try:
        return kolla_install(request.param)
    except KollaUnavailable as error:
        _unavailable(str(error))


@pytest.fixture(scope="session")
def kolla_tree(kolla, tmp_path_factory) -> Path:
    return copy_tree(kolla.version, tmp_path_factory.mktemp(f"kolla-{kolla.version}") / "ansible")


# --------------------------------------------------------------------------- tree

def copy_tree(version: str, dest: Path | str, standin: bool = True) -> Path:
    dest = Path(dest)
    shutil.copytree(kolla_install(version, collections=False).tree, dest,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for path in [dest, *dest.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    if standin:
        set_configs = ensure_set_configs()
        for name in STANDIN_MODULES:
            text = (STANDIN / "library" / name).read_text()
            (dest / "library" / name).write_text(text.replace("@SET_CONFIGS@", str(set_configs)))
    return dest


# --------------------------------------------------------------------------- inventory

@dataclass(frozen=True)
class LocalInventory:
    path: Path
    hosts: tuple[str, ...]
    interface: str
    addresses: dict[str, str]
    python: Path

    @property
    def root(self) -> Path:
        return self.path.parent / "kolla-hosts"

    def node_config_directory(self, host: str) -> Path:
        return self.root / host / "kolla"

    def config_dir(self, host: str, service: str = "glance-api") -> Path:
        return self.node_config_directory(host) / service

    def standin_dir(self, host: str, container: str = "glance_api") -> Path:
        return self.root / host / "kolla-standin" / container

    def restarts(self, host: str, container: str = "glance_api") -> int:
        counter = self.standin_dir(host, container) / "restarts"
        return len(counter.read_text().splitlines()) if counter.exists() else 0


def local_inventory(path: Path | str, hosts, *, version: str, groups: dict | None = None,
                    interface: str = "eth0", host_vars: dict | None = None) -> LocalInventory:
    path = Path(path)
    hosts = tuple(hosts)
    install = kolla_install(version, collections=False)
    addresses = {host: f"127.0.0.{index}" for index, host in enumerate(hosts, start=1)}
    inventory = LocalInventory(path, hosts, interface, addresses, install.python)
    groups = dict(groups or {})

    lines = ["# xdeploy-glance test harness: kolla's inventory/all-in-one with local hosts", ""]
    for group in TOP_GROUPS:
        members = groups.pop(group, hosts)
        lines += [f"[{group}]", *members, ""]
    # every other group exactly as kolla defines it, unless replaced
    sections = re.split(r"(?m)^(?=\[)", (install.tree / "inventory" / "all-in-one").read_text())
    for section in sections:
        header = re.match(r"\[([^\]:]+)(?::children)?\]", section)
        if not header or header[1] in TOP_GROUPS:
            continue
        if header[1] in groups:
            lines += [f"[{header[1]}]", *groups.pop(header[1]), ""]
        else:
            lines.append(section.rstrip() + "\n")
    for group, members in groups.items():
        lines += [f"[{group}]", *members, ""]

    lines.append("[all]")
    for host in hosts:
        values = {"ansible_connection": "local", "ansible_python_interpreter": str(install.python),
                  "ansible_become": "false",
                  "node_config_directory": str(inventory.node_config_directory(host)),
                  "xdeploy_test_address": addresses[host], **(host_vars or {}).get(host, {})}
        lines.append(host + "".join(f" {key}={value}" for key, value in values.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    for host in hosts:
        # kolla's loadbalancer play (it runs under --tags glance) writes glance's haproxy and
        # ProxySQL config into the directories the loadbalancer role's own deploy creates
        for directory in LOADBALANCER_DIRS:
            (inventory.node_config_directory(host) / directory).mkdir(parents=True, exist_ok=True)
    return inventory


# --------------------------------------------------------------------------- globals, passwords

UUID_KEYS = {"rbd_secret_uuid", "cinder_rbd_secret_uuid", "gnocchi_project_id", "gnocchi_resource_id",
             "gnocchi_user_id", "designate_pool_id"}
BLANK_KEYS = {"docker_registry_password"}


def _value(key: str) -> str:
    digest = hashlib.sha256(f"xdeploy-glance:{key}".encode()).digest()
    if key in UUID_KEYS:
        return str(uuid.UUID(bytes=digest[:16]))
    if key.endswith("_crypto_key") or "fernet" in key:
        return base64.urlsafe_b64encode(digest).decode()  # a valid Fernet key
    return digest.hex()[:40]


def write_passwords(version: str, dest: Path | str) -> Path:
    dest = Path(dest)
    template = kolla_install(version, collections=False).venv / "share" / "kolla-ansible" / \
        "etc_examples" / "kolla" / "passwords.yml"
    passwords = yaml.safe_load(template.read_text())
    for key, value in passwords.items():
        if isinstance(value, dict) or key.endswith("_ssh_key"):
            passwords[key] = {"private_key": f"placeholder private key {key}",
                              "public_key": f"ssh-rsa placeholder-{key}"}
        elif value is None and key not in BLANK_KEYS:
            passwords[key] = _value(key)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump(passwords, default_flow_style=False))
    dest.chmod(0o640)
    return dest


def write_globals(dest: Path | str, values: dict | None = None) -> Path:
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump({**BASE_GLOBALS, **(values or {})}, default_flow_style=False))
    return dest


# --------------------------------------------------------------------------- running site.yml

@dataclass(frozen=True)
class TaskRecord:
    play: str
    task: str
    role: str | None
    path: str
    action: str
    handler: bool
    host: str
    status: str  # ok, changed, failed, ignored, skipped, unreachable
    changed: bool
    msg: str = ""


_RECAP_LINE = re.compile(r"^(?P<host>\S+)\s+:\s+(?P<counts>(?:\w+=\d+\s*)+)$")


@dataclass(frozen=True)
class SiteRun:
    returncode: int
    stdout: str
    stderr: str
    command: tuple[str, ...]
    records: tuple[TaskRecord, ...] = field(repr=False)

    @property
    def recap(self) -> dict[str, dict[str, int]]:
        recap: dict[str, dict[str, int]] = {}
        if "PLAY RECAP" in self.stdout:
            for line in self.stdout.rsplit("PLAY RECAP", 1)[1].splitlines():
                match = _RECAP_LINE.match(line.strip())
                if match:
                    recap[match["host"]] = {key: int(value) for key, value in
                                            (pair.split("=") for pair in match["counts"].split())}
        return recap

    def tasks(self, play: str | None = None, host: str | None = None) -> list[TaskRecord]:
        return [record for record in self.records
                if (play is None or record.play == play) and (host is None or record.host == host)]

    def changed_tasks(self, play: str | None = GLANCE_PLAY) -> list[TaskRecord]:
        return [record for record in self.tasks(play) if record.changed]

    def failed_tasks(self) -> list[TaskRecord]:
        return [record for record in self.records if record.status in ("failed", "unreachable")]

    def check(self) -> SiteRun:
        if self.returncode != 0:
            raise AssertionError(f"ansible-playbook exited {self.returncode}: {' '.join(self.command)}\n"
                                 f"failed: {self.failed_tasks()}\n--- stdout (tail)\n{self.stdout[-8000:]}"
                                 f"\n--- stderr (tail)\n{self.stderr[-3000:]}")
        return self


def _seed_playbook(inventory: LocalInventory) -> str:
    facts = {
        inventory.interface: {"device": inventory.interface, "active": True,
                              "ipv4": {"address": "{{ xdeploy_test_address }}", "netmask": "255.0.0.0"}},
        "hostname": "{{ inventory_hostname }}",
        "processor_vcpus": 2,
        "os_family": "Debian",
        "distribution": "Debian",
        "python": {"executable": "{{ ansible_python_interpreter }}"},
    }
    play = [{"name": SEED_PLAY, "hosts": "all", "gather_facts": False, "tags": ["always"],
             "tasks": [{"name": "Set the facts kolla reads, as a fact cache would hold them",
                        "ansible.builtin.set_fact": {**facts, "cacheable": True}}]}]
    return yaml.safe_dump(play, default_flow_style=False, sort_keys=False)


def run_site(tree: Path | str, version: str, inventory: LocalInventory, globals_file: Path | str,
             passwords_file: Path | str, kolla_action: str, extra_vars: dict | None = None,
             tags: str | None = "glance", custom_config: Path | str | None = None,
             limit: str | None = None, check: bool = False, diff: bool = False,
             workdir: Path | str | None = None, timeout: int = 900) -> SiteRun:
    install = kolla_install(version)
    tree = Path(tree)
    if workdir is None:
        runs = inventory.path.parent / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=f"{kolla_action}-", dir=runs))
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if custom_config is None:
        custom_config = workdir / "config"
        custom_config.mkdir(exist_ok=True)
    seed = workdir / "seed-facts.yml"
    seed.write_text(_seed_playbook(inventory))
    record = workdir / "record.jsonl"
    record.unlink(missing_ok=True)
    (workdir / "tmp").mkdir(exist_ok=True)

    globals_file = Path(globals_file).resolve()
    command = [str(install.bin / "ansible-playbook"), "--inventory", str(inventory.path),
               "-e", f"@{globals_file}", "-e", f"@{Path(passwords_file).resolve()}",
               "-e", json.dumps({"node_custom_config": str(Path(custom_config).resolve())})]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    command += ["-e", f"kolla_action={kolla_action}"]
    if kolla_action == "reconfigure":
        command += ["-e", "kolla_serial=0"]
    command += ["-e", f"CONFIG_DIR={globals_file.parent}"]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    if limit:
        command += ["--limit", limit]
    if tags:
        command += ["--tags", tags]
    command += [str(seed), str(tree / "site.yml")]

    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update({
        "PATH": f"{install.bin}{os.pathsep}{env.get('PATH', '')}",
        "ANSIBLE_HOME": str(workdir / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(workdir / "tmp"),
        "ANSIBLE_REMOTE_TMP": str(workdir / "tmp"),
        "ANSIBLE_COLLECTIONS_PATH": str(install.collections),
        "ANSIBLE_CALLBACK_PLUGINS": str(STANDIN / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "xdeploy_kolla_record",
        "XDEPLOY_KOLLA_RECORD": str(record),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_PIPELINING": "1",
        "ANSIBLE_FORKS": "10",
        "ANSIBLE_CONFIG": str(workdir / "ansible.cfg"),
    })
    (workdir / "ansible.cfg").write_text("[defaults]\n")
    result = subprocess.run(command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, timeout=timeout)
    (workdir / "stdout.txt").write_text(result.stdout)
    records = tuple(TaskRecord(**json.loads(line)) for line in
                    (record.read_text().splitlines() if record.exists() else ()))
    return SiteRun(result.returncode, result.stdout, result.stderr, tuple(command), records)


# --------------------------------------------------------------------------- CLI

def main(argv: list[str]) -> int:
    """`python -m tests.support.kolla prepare`: fill the caches for every installed kolla venv."""
    if argv != ["prepare"]:
        print("usage: python -m tests.support.kolla prepare", file=sys.stderr)
        return 2
    print(f"set_configs.py: {ensure_set_configs()}")
    status = 0
    for version in KOLLA_VERSIONS:
        try:
            install = kolla_install(version)
        except KollaUnavailable as error:
            print(f"kolla-ansible {version}: {error}", file=sys.stderr)
            status = 1
            continue
        print(f"kolla-ansible {version}: {install.venv}, collections {install.collections}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
