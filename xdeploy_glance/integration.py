"""The plugin's place in a kolla-ansible (or XDeploy) `ansible/` tree: what `integrate` changes there.

Three edits, each recognisable by the `xdeploy-glance` marker it carries, and nothing else:

1. site.yml: the play applying role xdeploy.glance.glance_import, right before kolla's
   "Apply role glance" play, on the same hosts and with the same tag.
2. roles/glance/tasks/config.yml:
   - the glance-api.conf merge gets one more source, the plugin's file, right after kolla's own
     template: every operator override file still comes later and wins, in kolla's order;
   - glance-image-import.conf, which kolla copies whole from the operator's file, is merged from
     the plugin's file and the operator's (later wins per key), like every other kolla config.
3. collections/ansible_collections/xdeploy/glance: the collection shipped in this package, where
   ansible-playbook finds collections next to the playbook it runs.

`plan(tree)` works out the changes without writing; `apply(changes)` writes each file atomically.
A tree whose kolla parts do not look as expected is refused (TreeError) before anything is written.
"""
from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import resources

MARKER = "xdeploy-glance"
COLLECTION = Path("collections/ansible_collections/xdeploy/glance")
SITE = Path("site.yml")
GLANCE_CONFIG = Path("roles/glance/tasks/config.yml")
INPUTS = "{{ node_custom_config }}/xdeploy-glance"

KOLLA_GLANCE_PLAY = "- name: Apply role glance\n"
SITE_BLOCK = f"""\
# {MARKER}: begin (written by `xdeploy-glance integrate`; edit the plugin's settings in globals.yml)
- name: Apply role glance_import
  gather_facts: false
  hosts:
    - glance-api
    - "&enable_glance_True"
  serial: '{{{{ kolla_serial|default("0") }}}}'
  max_fail_percentage: >-
    {{{{ glance_max_fail_percentage |
       default(kolla_max_fail_percentage) |
       default(100) }}}}
  roles:
    - {{ role: xdeploy.glance.glance_import, tags: glance }}
# {MARKER}: end

"""

API_SOURCE_ANCHOR = '      - "{{ role_path }}/templates/glance-api.conf.j2"\n'
API_SOURCE_LINE = f'      - "{INPUTS}/glance-api.conf"  # {MARKER}\n'

IMPORT_COPY_TASK = """\
  ansible.builtin.copy:
    src: "{{ node_custom_config }}/glance/glance-image-import.conf"
    dest: "{{ node_config_directory }}/glance-api/glance-image-import.conf"
"""
IMPORT_MERGE_TASK = f"""\
  # {MARKER}: merged from the plugin's file and the operator's, which wins per key
  merge_configs:
    sources:
      - "{INPUTS}/glance-image-import.conf"
      - "{{{{ node_custom_config }}}}/glance/glance-image-import.conf"
    dest: "{{{{ node_config_directory }}}}/glance-api/glance-image-import.conf"
"""


class TreeError(Exception):
    """The directory is not a kolla-ansible `ansible/` tree this version knows how to integrate into."""


@dataclass(frozen=True)
class FileChange:
    path: Path
    before: str | None  # None: the file does not exist yet
    after: str


@dataclass(frozen=True)
class Plan:
    tree: Path
    files: tuple[FileChange, ...]  # site.yml and config.yml edits
    collection_stale: tuple[str, ...]  # collection files (relative) missing or different in the tree

    @property
    def up_to_date(self) -> bool:
        return not self.files and not self.collection_stale


def plan(tree: Path) -> Plan:
    site, config = tree / SITE, tree / GLANCE_CONFIG
    if not site.is_file() or not config.is_file():
        raise TreeError(f"{tree}: not a kolla-ansible ansible/ directory (no {SITE} or {GLANCE_CONFIG}); give the "
                        "directory that holds kolla's site.yml, e.g. <venv>/share/kolla-ansible/ansible")
    changes = []
    for path, edit in ((site, _site_text), (config, _config_text)):
        before = path.read_text(encoding="utf-8")
        after = edit(_strip_integration(before), path)
        if after != before:
            changes.append(FileChange(path, before, after))
    return Plan(tree, tuple(changes), _stale_collection_files(tree / COLLECTION))


def apply(plan_: Plan) -> None:
    for change in plan_.files:
        _write_atomically(change.path, change.after)
    if plan_.collection_stale:
        _replace_collection(plan_.tree / COLLECTION)


def _site_text(text: str, path: Path) -> str:
    if text.count(KOLLA_GLANCE_PLAY) != 1:
        raise TreeError(f"{path}: cannot find kolla's play {KOLLA_GLANCE_PLAY.strip()!r} exactly once")
    return text.replace(KOLLA_GLANCE_PLAY, SITE_BLOCK + KOLLA_GLANCE_PLAY)


def _config_text(text: str, path: Path) -> str:
    if text.count(API_SOURCE_ANCHOR) != 1:
        raise TreeError(f"{path}: cannot find the glance-api.conf template source of kolla's merge task exactly once")
    if text.count(IMPORT_COPY_TASK) != 1:
        raise TreeError(f"{path}: cannot find kolla's copy task for glance-image-import.conf exactly once")
    text = text.replace(API_SOURCE_ANCHOR, API_SOURCE_ANCHOR + API_SOURCE_LINE)
    return text.replace(IMPORT_COPY_TASK, IMPORT_MERGE_TASK)


def _strip_integration(text: str) -> str:
    """The file as kolla shipped it: this version's edits (and an older copy of the site.yml block) undone."""
    begin, end = f"# {MARKER}: begin", f"# {MARKER}: end\n"
    while begin in text and end in text:
        start = text.index(begin)
        stop = text.index(end, start) + len(end)
        if text[stop:stop + 1] == "\n":
            stop += 1
        text = text[:start] + text[stop:]
    text = text.replace(API_SOURCE_LINE, "")
    return text.replace(IMPORT_MERGE_TASK, IMPORT_COPY_TASK)


def _packaged_collection() -> Path:
    return resources.data_dir("collections") / "ansible_collections" / "xdeploy" / "glance"


def _collection_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"} if root.is_dir() else set()


def _stale_collection_files(installed: Path) -> tuple[str, ...]:
    shipped = _packaged_collection()
    wanted, present = _collection_files(shipped), _collection_files(installed)
    stale = {name for name in wanted if name not in present
             or not filecmp.cmp(shipped / name, installed / name, shallow=False)}
    return tuple(sorted(stale | (present - wanted)))


def _replace_collection(installed: Path) -> None:
    """The shipped collection takes the place of the old copy in one rename; a failure leaves the old one."""
    installed.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".glance-", dir=installed.parent))
    try:
        shutil.copytree(_packaged_collection(), staging / "glance",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        if installed.exists():
            old = staging / "old"
            installed.rename(old)
        (staging / "glance").rename(installed)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o7777
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
