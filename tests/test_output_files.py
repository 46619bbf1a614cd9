"""Issue 12 §4 (files): `--output -` is standard output; `--output` onto a symlink writes through
to its target (the link stays a link) and keeps the target's mode; a new file gets the umask's
mode; files are replaced atomically, never half written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from events.io.files import write_atomic

REPO = Path(__file__).resolve().parents[1]
FEED = REPO / "fixtures" / "rust-community-calendar.ics"
ARGS = ("--from", "2025-11-19", "--calendar", str(FEED), "--no-archive")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "events", *args],
        capture_output=True,
        cwd=cwd or REPO,
        env=env,
        timeout=120,
    )


def test_output_dash_is_standard_output(tmp_path, plain):
    dashed = run(*ARGS, "--output", "-", cwd=tmp_path)
    assert dashed.returncode == 0
    assert dashed.stdout == plain.encode() and dashed.stdout.startswith(b"Rusty Events between")
    assert not (tmp_path / "-").exists()


def test_output_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path, plain):
    target = tmp_path / "site" / "events.md"
    target.parent.mkdir()
    target.write_text("old\n")
    target.chmod(0o604)
    link = tmp_path / "events.md"
    link.symlink_to(target)

    done = run(*ARGS, "--output", str(link))

    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == plain.encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert not list(tmp_path.rglob(".*.tmp"))


def test_a_dangling_symlink_gets_its_target_created(tmp_path):
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "real.md")
    write_atomic(link, b"x\n")
    assert link.is_symlink() and (tmp_path / "real.md").read_bytes() == b"x\n"


def test_a_new_file_gets_the_umask_mode_and_an_old_one_keeps_its_own(tmp_path):
    old_umask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.md", b"new\n")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640
    kept = tmp_path / "kept.md"
    kept.write_bytes(b"old\n")
    kept.chmod(0o600)
    write_atomic(kept, b"new\n")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_bytes() == b"new\n"


def test_a_directory_is_never_replaced(tmp_path):
    folder = tmp_path / "dir"
    folder.mkdir()
    (tmp_path / "link").symlink_to(folder)
    for path in (folder, tmp_path / "link"):
        with pytest.raises(IsADirectoryError):
            write_atomic(path, b"x")
    assert folder.is_dir() and (tmp_path / "link").is_symlink()


def test_a_device_is_written_to_not_replaced():
    write_atomic("/dev/null", b"x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "block.md"
    path.write_bytes(b"old\n")

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["block.md"]
