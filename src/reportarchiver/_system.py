"""Two facts about the running system, used across packages: the time, and whether a
process lives."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def utcnow() -> str:
    """The current UTC time as ISO 8601 with seconds, the format of every timestamp stored."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def pid_alive(pid: int | None) -> bool:
    """Whether process ``pid`` exists (a zombie counts as alive, as signal 0 sees it)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
