"""One crawl per database: an advisory lock file next to it.

``flock`` locks belong to the open file, so the kernel drops them when the holder dies, even
by ``kill -9``: a stale lock cannot outlive its process, and the next run simply takes it.
The lock is keyed on the database's real path, so a symlink to the same file finds the same
lock, and the lock file itself is never followed through a symlink (``O_NOFOLLOW``): it could
otherwise truncate whatever file the link points at.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import LockedError, StoreError

#: Locks this process holds (a second crawl lock of one database in the same process fails
#: like one in another process).
_held: set[Path] = set()


def lock_path(db_path: Path) -> Path:
    """The lock file of the database at ``db_path`` (symlinks resolved)."""
    real = Path(os.path.realpath(db_path))
    return real.with_name(real.name + ".lock")


@contextmanager
def crawl_lock(db_path: Path) -> Iterator[Path]:
    """Hold the crawl lock of ``db_path`` or raise LockedError naming the holder."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:  # ELOOP: the lock file is a symlink, which is never followed
        raise StoreError(f"cannot open the crawl lock {path}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            raise LockedError(
                f"another crawl is running on {db_path} ({holder}); lock file {path}") from None
        stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {stamp}".encode(), 0)
        _held.add(path)
        try:
            yield path
        finally:
            _held.discard(path)
    finally:
        os.close(fd)  # closing releases the flock


def holds_lock(db_path: Path) -> bool:
    """True while this process holds the crawl lock of ``db_path``."""
    return lock_path(db_path) in _held
