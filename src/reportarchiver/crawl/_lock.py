"""One crawl per database: an advisory lock file next to it.

``flock`` locks belong to the open file, so the kernel drops them when the holder dies, even
by ``kill -9``: a stale lock cannot outlive its process, and the next run simply takes it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import LockedError


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def crawl_lock(db_path: Path) -> Iterator[Path]:
    """Hold the crawl lock of ``db_path`` or raise LockedError naming the holder."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
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
        yield path
    finally:
        os.close(fd)  # closing releases the flock
