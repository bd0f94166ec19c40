"""bench/run.py runs and prints a well-formed table. Its timings are never asserted (issue 7)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real processes: Ansible, pip or the verify command

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"
HEADER = ("what", "wall", "peak RSS", "baseline", "baseline wall", "baseline RSS", "wall ×", "RSS ×", "target",
          "notes")
DURATION = re.compile(r"^(\d+ ms|\d+\.\d\d s)$")
SIZE = re.compile(r"^(\d+\.\d MiB|n/a)$")
RATIO = re.compile(r"^(\d+\.\d\d×|n/a)$")
GENCONFIG_BASELINE = "kolla-ansible alone"


def cells(line: str) -> list[str]:
    assert line.startswith("| ") and line.endswith(" |"), line
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]


def test_a_tiny_run_prints_and_writes_one_row_per_comparison(tmp_path):
    output = tmp_path / "benchmarks.md"
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--sections", "validate,files,inventory,render", "--runs", "1",
         "--files", "1,2", "--hosts", "1,2", "--yamllint-max-files", "1", "--output", str(output)],
        capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    header, separator, *body = completed.stdout.splitlines()
    assert tuple(cells(header)) == HEADER
    assert separator == "|" + "---|" * len(HEADER)
    rows = [cells(line) for line in body]
    assert [len(row) for row in rows] == [len(HEADER)] * len(rows)
    assert [(row[0], row[3]) for row in rows] == [
        ("`validate` cold, kolla globals.yml + import globals", "python -c 'import yaml'"),
        ("`validate` cold, kolla globals.yml + import globals", "yamllint"),
        ("`validate` cold, kolla globals.yml + import globals", "check-jsonschema"),
        ("`validate`, 1 globals file in one call", "python + PyYAML loading the same files"),
        ("`validate`, 1 globals file in one call", "yamllint"),
        ("`validate`, 2 globals files in one call", "python + PyYAML loading the same files"),
        ("`validate -i`, 1 host in glance-api", "ansible-inventory --list"),
        ("`validate -i`, 2 hosts in glance-api", "ansible-inventory --list"),
        ("`render`, 1 host", "ansible-inventory --list" if rows[8][1] != "not available yet" else ""),
        ("`render`, 2 hosts", "ansible-inventory --list" if rows[9][1] != "not available yet" else ""),
        ("`render` into an empty directory, 2 hosts", "ansible-inventory --list"),
        ("`validate -i` + `render`, 2 hosts", ""),
        ("`validate -i` + `render` into an empty directory, 2 hosts", ""),
    ]
    for row in rows[:8]:
        assert DURATION.match(row[1]) and DURATION.match(row[4]), row
        assert SIZE.match(row[2]) and SIZE.match(row[5]), row
        assert RATIO.match(row[6]) and RATIO.match(row[7]), row
    assert re.fullmatch(r"wall ≤ 1\.0×: (met|missed); RSS ≤ 1\.5×: (met|missed|n/a)", rows[1][8])
    assert re.fullmatch(r"-?\d+\.\d\d ms per extra file \(target ≤ 2 ms: (met|missed)\)", rows[5][9])  # largest count
    document = output.read_text(encoding="utf-8")
    assert document.startswith("# Benchmarks\n")
    assert completed.stdout in document
    assert "- validate: `" in document  # the exact commands, for anyone reproducing a row


def test_an_unknown_section_is_a_usage_error(tmp_path):
    completed = subprocess.run([sys.executable, str(BENCH), "--sections", "validate,speed", "--output",
                                str(tmp_path / "b.md")], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert "unknown section speed; choose from validate, files, inventory, render, genconfig" in completed.stderr
    assert not (tmp_path / "b.md").exists()


def run_genconfig(tmp_path, *arguments, env=None):
    output = tmp_path / "benchmarks.md"
    completed = subprocess.run([sys.executable, str(BENCH), "--sections", "genconfig", *arguments, "--output",
                                str(output)], capture_output=True, text=True, timeout=900, env=env)
    assert completed.returncode == 0, completed.stderr
    header, separator, *body = completed.stdout.splitlines()
    assert tuple(cells(header)) == HEADER
    assert completed.stdout in output.read_text(encoding="utf-8")
    return completed, [cells(line) for line in body]


def kolla_unavailable() -> str | None:
    from tests.support.kolla import KollaUnavailable, kolla_install

    try:
        install = kolla_install("22.2.0")
    except KollaUnavailable as error:
        return str(error)
    probe = subprocess.run([str(install.python), "-c", "import xdeploy_glance"], capture_output=True, timeout=120)
    return None if probe.returncode == 0 else f"xdeploy-glance is not installed in {install.venv}"


def assert_skipped(rows, hosts):
    assert [(row[0], row[1], row[3]) for row in rows] == [
        (f"`genconfig` no change, {count} local host{'s' if count > 1 else ''}", "skipped", GENCONFIG_BASELINE)
        for count in hosts]
    for row in rows:
        assert row[9].startswith("skipped: "), row
        assert row[2] == row[4] == row[6] == row[8] == "", row


def test_genconfig_without_kolla_ansible_prints_skipped_rows(tmp_path):
    env = {**os.environ, "XDEPLOY_KOLLA_VENV_22": str(tmp_path / "no-venv")}
    completed, rows = run_genconfig(tmp_path, env=env)
    assert_skipped(rows, [1, 5])
    assert "no kolla-ansible 22.2.0 in" in rows[0][9]
    assert "bench: genconfig skipped: kolla-ansible 22.2.0 is not available" in completed.stderr


@pytest.mark.kolla
def test_genconfig_compares_the_plugin_with_kolla_alone_in_one_run(tmp_path):
    """One host, one timed run per variant when kolla-ansible 22.2.0 is there (about a minute); else the skip row."""
    unavailable = kolla_unavailable()
    completed, rows = run_genconfig(tmp_path, "--genconfig-hosts", "1", "--genconfig-runs", "1")
    if unavailable:
        assert_skipped(rows, [1])
        return
    [row] = rows
    assert (row[0], row[3]) == ("`genconfig` no change, 1 local host", GENCONFIG_BASELINE)
    assert DURATION.match(row[1]) and DURATION.match(row[4]), row
    assert row[2] == row[5] == "n/a" and row[7] == "n/a", row  # the harness starts ansible-playbook itself
    assert RATIO.match(row[6]) and re.fullmatch(r"wall ≤ 1\.15×: (met|missed)", row[8]), row
    assert re.match(r"the plugin adds [+-]\d+ % \(target ≤ 15 %: (met|missed)\); "
                    r"plugin integrated: changed=0 in every run; kolla alone: changed=0 in every run; "
                    r"first runs \(untimed warm-up\): plugin integrated ", row[9]), row
    document = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert "- genconfig, plugin integrated, 1 host: `" in document and "kolla_action=config" in document
