"""`xdeploy-glance render` writes exactly the files in tests/golden/<case>/expected (see its README)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from xdeploy_glance.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("XDEPLOY_REGENERATE_GOLDEN") == "1"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "input").is_dir())


def tree(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): p.read_text() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_render_matches_the_golden_files(case, tmp_path, monkeypatch, capsys):
    source = case / "input"
    monkeypatch.chdir(source)
    argv = ["render", "--standalone", "-c", "globals.yml", "-o", str(tmp_path / "out")]
    for option, name in (("-i", "inventory.ini"), ("-p", "passwords.yml"), ("--overrides", "config")):
        if (source / name).exists():
            argv += [option, name]
    code = main(argv)
    written = tree(tmp_path / "out") if (tmp_path / "out").exists() else {}
    # A case whose expected/ holds only findings.txt shows errors: exit 1 and nothing written.
    assert (code, bool(written)) in ((0, True), (1, False))
    actual = {**written, "findings.txt": capsys.readouterr().err}
    expected_dir = case / "expected"
    if REGENERATE:
        for name, text in actual.items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_text(text)
        for stale in set(tree(expected_dir)) - set(actual):
            (expected_dir / stale).unlink()
    assert actual == tree(expected_dir), "regenerate with XDEPLOY_REGENERATE_GOLDEN=1 (tests/golden/README.md)"
