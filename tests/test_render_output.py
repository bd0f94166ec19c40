"""Writing rendered files: atomic replacement on a real (full) filesystem, and --diff with secrets masked."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from xdeploy_glance.cli import main
from xdeploy_glance.render.masking import MASK, mask_line
from xdeploy_glance.render.output import RenderedFile, WriteError, write_files

PAGE = 4096
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What a standalone glance-api cannot start without: `-c CONNECTION -p PASSWORDS` after a test's globals.
CONNECTION = FIXTURES / "standalone-connection.yml"
PASSWORDS = FIXTURES / "standalone-passwords.yml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def fill(directory: Path) -> None:
    """Write until the filesystem is full."""
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * PAGE)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.root
def test_a_render_into_a_full_filesystem_fails_cleanly_and_keeps_the_old_files(tmp_path, mount_tmpfs, capsys):
    target = mount_tmpfs("256k").mount_point
    globals_file = write(tmp_path / "globals.yml", "glance_enabled_import_methods: glance-direct\n")
    assert run(capsys, "render", "--standalone", "-c", globals_file, "-c", CONNECTION, "-p", PASSWORDS,
               "-o", target)[0] == 0
    write(globals_file, "glance_enabled_import_methods: glance-direct,web-download\n"
                        "glance_image_import_plugins: image_conversion\n")
    fill(target)
    # One free page: room for the first new file but not the second, so the first must not be renamed either.
    with open(target / "filler", "r+b") as handle:
        handle.truncate(os.path.getsize(target / "filler") - PAGE)
    before = snapshot(target)

    code, out, err = run(capsys, "render", "--standalone", "-c", globals_file, "-c", CONNECTION, "-p", PASSWORDS,
                         "-o", target)

    assert code == 1
    assert out == ""
    # The first file fitted in the free page; the second did not, so neither replaced its old version.
    assert f"cannot write {target / 'glance-image-import.conf'}: No space left on device; " \
           "the previous files are unchanged" in err
    assert snapshot(target) == before  # byte for byte, and no temporary file left behind


@pytest.mark.root
def test_write_files_reports_the_failing_file(mount_tmpfs):
    target = mount_tmpfs("64k").mount_point
    fill(target)
    with pytest.raises(WriteError, match=f"cannot write {target}/glance-api.conf: No space left on device"):
        write_files(target, [RenderedFile("glance-api.conf", "[DEFAULT]\n" + "x = y\n" * 2000)])
    assert sorted(p.name for p in target.iterdir()) == ["filler"]


def test_files_replace_old_ones_with_mode_0640_in_fresh_directories(tmp_path):
    old = write(tmp_path / "api1" / "glance-api.conf", "old\n")
    os.chmod(old, 0o644)
    written = write_files(tmp_path, [RenderedFile("api1/glance-api.conf", "new\n"),
                                     RenderedFile("api2/glance-api.conf", "other\n")])
    assert written == [tmp_path / "api1" / "glance-api.conf", tmp_path / "api2" / "glance-api.conf"]
    assert old.read_text() == "new\n"
    assert {p.stat().st_mode & 0o777 for p in written} == {0o640}
    assert (tmp_path / "api2").stat().st_mode & 0o777 == 0o750
    assert sorted(p.name for p in (tmp_path / "api1").iterdir()) == ["glance-api.conf"]


def test_diff_shows_changes_masks_secrets_and_writes_nothing(tmp_path, capsys):
    globals_file = write(tmp_path / "globals.yml", "glance_enabled_import_methods: glance-direct\n"
                                                   "glance_database_address: db:3306\n"
                                                   "keystone_internal_url: http://ks:5000\n")
    passwords = write(tmp_path / "passwords.yml", "glance_database_password: Sup3rSecret\n"
                                                  "glance_keystone_password: KsSecret9\n")
    out_dir = tmp_path / "out"
    assert run(capsys, "render", "--standalone", "-c", globals_file, "-p", passwords, "-o", out_dir)[0] == 0
    before = snapshot(out_dir)
    write(globals_file, "glance_enabled_import_methods: glance-direct,web-download\n"
                        "glance_database_address: db2:3306\nkeystone_internal_url: http://ks:5000\n")
    write(passwords, "glance_database_password: N3wSecret\nglance_keystone_password: KsSecret9\n")

    code, out, err = run(capsys, "render", "--standalone", "-c", globals_file, "-p", passwords, "-o", out_dir, "--diff")

    assert code == 0
    assert snapshot(out_dir) == before
    assert f"--- {out_dir / 'glance-api.conf'}\n+++ {out_dir / 'glance-api.conf'} (rendered)\n" in out
    assert "-enabled_import_methods = [glance-direct]\n+enabled_import_methods = [glance-direct,web-download]\n" in out
    assert f"-connection = mysql+pymysql://glance:{MASK}@db:3306/glance\n" in out
    assert f"+connection = mysql+pymysql://glance:{MASK}@db2:3306/glance\n" in out
    for secret in ("Sup3rSecret", "N3wSecret", "KsSecret9"):
        assert secret not in out and secret not in err
    assert "glance-image-import.conf" not in out  # unchanged files show no diff


def test_diff_against_an_empty_directory_shows_new_files(tmp_path, capsys):
    globals_file = write(tmp_path / "globals.yml", "glance_enabled_import_methods: glance-direct\n")
    code, out, _ = run(capsys, "render", "--standalone", "-c", globals_file, "-c", CONNECTION, "-p", PASSWORDS,
                       "-o", tmp_path / "out", "--diff")
    assert code == 0
    assert out.count("--- /dev/null\n") == 2
    assert not (tmp_path / "out").exists()


def test_diff_masks_secrets_that_overrides_bring(tmp_path, capsys):
    globals_file = write(tmp_path / "globals.yml", "glance_enabled_import_methods: glance-direct\n")
    write(tmp_path / "config" / "global.conf",
          "[DEFAULT]\ntransport_url = rabbit://openstack:RabbitPass1@10.0.0.5:5672//\n"
          "[keystone_authtoken]\nmemcache_secret_key = McKey123\n")
    code, out, _ = run(capsys, "render", "--standalone", "-c", globals_file, "-c", CONNECTION, "-p", PASSWORDS,
                       "--overrides", tmp_path / "config", "-o", tmp_path / "out", "--diff")
    assert code == 0
    assert f"+transport_url = rabbit://openstack:{MASK}@10.0.0.5:5672//\n" in out
    assert f"+memcache_secret_key = {MASK}\n" in out
    assert "RabbitPass1" not in out and "McKey123" not in out


@pytest.mark.parametrize("line, secrets, expected", [
    ("password = hunter2", (), f"password = {MASK}"),
    ("+s3_store_secret_key = abc", (), f"+s3_store_secret_key = {MASK}"),
    ("connection = mysql+pymysql://glance:p%40ss@db/glance", (), f"connection = mysql+pymysql://glance:{MASK}@db/glance"),
    ("note = hunter2 again", ("hunter2",), f"note = {MASK} again"),
    ("url = mysql://u:p%40ss@h/x", ("p@ss",), f"url = mysql://u:{MASK}@h/x"),
    ("flavor = keystone", ("x" * 0,), "flavor = keystone"),
])
def test_mask_line(line, secrets, expected):
    assert mask_line(line, secrets) == expected


def test_a_file_already_as_rendered_is_left_alone_and_one_with_another_mode_is_rewritten(tmp_path, capsys):
    globals_file = write(tmp_path / "globals.yml", "glance_enabled_import_methods: glance-direct\n")
    out_dir = tmp_path / "out"
    assert run(capsys, "render", "--standalone", "-c", globals_file, "-c", CONNECTION, "-p", PASSWORDS,
               "-o", out_dir)[0] == 0
    api, image_import = out_dir / "glance-api.conf", out_dir / "glance-image-import.conf"
    os.chmod(image_import, 0o644)
    before = {path: os.stat(path) for path in (api, image_import)}

    code, out, _ = run(capsys, "render", "--standalone", "-c", globals_file, "-c", CONNECTION, "-p", PASSWORDS,
                       "-o", out_dir)

    assert code == 0
    assert out.splitlines() == [f"unchanged {api}", f"wrote {image_import}"]
    assert (os.stat(api).st_ino, os.stat(api).st_mtime_ns) == (before[api].st_ino, before[api].st_mtime_ns)
    assert os.stat(image_import).st_ino != before[image_import].st_ino
    assert os.stat(image_import).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in out_dir.iterdir()) == ["glance-api.conf", "glance-image-import.conf"]


def test_write_files_writes_a_batch_larger_than_one_sync_batch(tmp_path):
    from xdeploy_glance.render.output import BATCH

    files = [RenderedFile(f"host{index}/glance-api.conf", f"[DEFAULT]\nindex = {index}\n")
             for index in range(BATCH + 3)]
    written = write_files(tmp_path, files)
    assert written == [tmp_path / f.path for f in files]
    assert all((tmp_path / f.path).read_text() == f.text for f in files)
    assert sorted(p.name for p in tmp_path.rglob(".*")) == []  # no temporary file left behind
