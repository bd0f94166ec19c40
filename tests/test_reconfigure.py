"""`xdeploy-glance reconfigure`'s usage errors: each exits 2 with one clear line before Ansible starts.

reconfigure runs kolla-ansible's own site.yml in a tree `xdeploy-glance integrate` patched; those runs
are tested with a real kolla-ansible tree by the composition tests. Here the trees are minimal fakes.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from xdeploy_glance.commands.reconfigure import TAGS
from xdeploy_glance.integration import API_SOURCE_ANCHOR, IMPORT_COPY_TASK, KOLLA_GLANCE_PLAY


def reconfigure(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xdeploy_glance", "reconfigure", *args], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)


def fake_kolla_tree(root: Path) -> Path:
    """The two places of kolla's ansible/ tree `integrate` patches, with exactly the anchors it looks for."""
    (root / "roles" / "glance" / "tasks").mkdir(parents=True)
    (root / "site.yml").write_text("---\n- name: Apply role common\n  hosts: all\n\n" + KOLLA_GLANCE_PLAY
                                   + "  hosts: glance-api\n  roles:\n    - { role: glance, tags: glance }\n")
    (root / "roles" / "glance" / "tasks" / "config.yml").write_text(
        "---\n- name: Copying over glance-api.conf\n  merge_configs:\n    sources:\n" + API_SOURCE_ANCHOR
        + "- name: Copying over glance-image-import.conf\n" + IMPORT_COPY_TASK)
    return root


def globals_and_inventory(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "globals.yml").write_text("glance_staging_max_image_size: 1G\n")
    (tmp_path / "inventory").write_text("[glance-api]\nlocalhost ansible_connection=local\n")
    return tmp_path / "globals.yml", tmp_path / "inventory"


def assert_no_ansible(run: subprocess.CompletedProcess) -> None:
    assert "PLAY" not in run.stdout and "Traceback" not in run.stderr, run.stdout + run.stderr


def test_missing_globals_and_inventory_exit_2(tmp_path):
    missing = reconfigure(tmp_path, "-c", str(tmp_path / "nope.yml"), "-i", str(tmp_path / "inventory"))
    globals_file, inventory = globals_and_inventory(tmp_path)
    no_inventory = reconfigure(tmp_path, "-c", str(globals_file))
    absent_inventory = reconfigure(tmp_path, "-c", str(globals_file), "-i", str(tmp_path / "absent"))

    assert missing.returncode == 2 and "nope.yml: no such file or directory" in missing.stderr
    assert no_inventory.returncode == 2 and "no inventory given" in no_inventory.stderr
    assert absent_inventory.returncode == 2 and f"{tmp_path / 'absent'}: no such inventory" in absent_inventory.stderr
    for run in (missing, no_inventory, absent_inventory):
        assert_no_ansible(run)


def test_an_unknown_tag_is_refused_with_the_valid_list(tmp_path):
    globals_file, inventory = globals_and_inventory(tmp_path)

    run = reconfigure(tmp_path, "-c", str(globals_file), "-i", str(inventory), "--tags", "glance,glance_confg")

    assert run.returncode == 2, run.stdout + run.stderr
    assert f"unknown tag(s) glance_confg: use {', '.join(TAGS)}" in run.stderr
    assert "glance_staging" in TAGS and "glance" in TAGS
    assert_no_ansible(run)


def test_a_tree_that_is_not_kollas_is_refused(tmp_path):
    globals_file, inventory = globals_and_inventory(tmp_path)
    (tmp_path / "elsewhere").mkdir()

    run = reconfigure(tmp_path, "-c", str(globals_file), "-i", str(inventory), "--ansible-dir",
                      str(tmp_path / "elsewhere"))

    assert run.returncode == 2, run.stdout + run.stderr
    assert f"{tmp_path / 'elsewhere'}: not a kolla-ansible ansible/ directory" in run.stderr
    assert_no_ansible(run)


def test_an_unintegrated_kolla_tree_says_to_run_integrate(tmp_path):
    globals_file, inventory = globals_and_inventory(tmp_path)
    tree = fake_kolla_tree(tmp_path / "ansible")
    before = {path: path.read_text() for path in tree.rglob("*") if path.is_file()}

    run = reconfigure(tmp_path, "-c", str(globals_file), "-i", str(inventory), "--ansible-dir", str(tree))

    assert run.returncode == 2, run.stdout + run.stderr
    assert (f"{tree}: xdeploy-glance is not integrated into this tree (or an older copy is): run "
            f"xdeploy-glance integrate --ansible-dir {tree}") in run.stderr
    assert {path: path.read_text() for path in tree.rglob("*") if path.is_file()} == before  # reconfigure wrote nothing
    assert_no_ansible(run)


def test_the_fake_tree_is_one_integrate_accepts(tmp_path):
    """So the test above is refused for being unintegrated, not for being unrecognisable."""
    tree = fake_kolla_tree(tmp_path / "ansible")

    run = subprocess.run([sys.executable, "-m", "xdeploy_glance", "integrate", "--ansible-dir", str(tree)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "xdeploy.glance.glance_import" in (tree / "site.yml").read_text()


def test_a_billion_laughs_globals_file_is_refused_before_ansible_reads_it(tmp_path):
    """Issue 16 #17: Ansible's loader has no alias limit; the validator's loader refuses the file first."""
    _, inventory = globals_and_inventory(tmp_path)
    bomb = tmp_path / "bomb.yml"
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(9))}]" for i in range(1, 10)]
    bomb.write_text("\n".join(levels) + "\n")

    run = reconfigure(tmp_path, "-c", str(bomb), "-i", str(inventory), "--ansible-dir", str(fake_kolla_tree(tmp_path / "t")))

    assert run.returncode == 1, run.stdout + run.stderr
    assert "ansible-playbook was not started" in run.stderr
    assert_no_ansible(run)
