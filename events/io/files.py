"""Writing files so that a reader never sees half of one, and a file stays what it was.

`--output` and the draft command replace a file whole (a temporary file beside it, flushed, then
renamed over it); the file keeps its mode (and owner, where allowed); a symbolic link stays a
link and its target is replaced; a new file gets the mode the umask gives, not mkstemp's 0600. A
target that is not a regular file (a FIFO, a terminal, /dev/null) cannot be replaced by one: it is
written to as it is.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace the file at `path` (or, for a symbolic link, its target) whole or not at all."""
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(target, "wb") as handle:  # a FIFO or a device: never replaced by a file
            handle.write(data)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if info is not None and (info.st_uid, info.st_gid) != _ids(tmp):
            with contextlib.suppress(OSError):  # not ours to give away: the mode stays kept
                os.chown(tmp, info.st_uid, info.st_gid)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _ids(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
