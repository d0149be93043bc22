"""Exclusive advisory locks (``flock``) that keep two netease-scraper runs off one file.

Every file a run writes (crawl output and state, clean output and failures) is locked the same
way, so a ``clean`` cannot overwrite a file a ``crawl`` is appending to, and two crawls cannot share
a state. The lock is taken on an open file, so the kernel drops it when the process dies.
"""

from __future__ import annotations

__all__ = ["try_lock"]


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on the open file ``fd`` without waiting; False if another run holds it.

    Where there is no ``flock`` (Windows) or the filesystem refuses it (some network mounts), the
    file is used unlocked: refusing to run there would help no one.
    """
    try:
        import fcntl
    except ImportError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return True
