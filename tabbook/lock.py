"""One build at a time per checkout: a lock file in ``_build``.

Two builds at once would both run every kernel and race on the cache and the HTML.
The lock is an ``fcntl`` lock, so it is released when its process ends, however it
ends: no stale lock to delete by hand.
"""

from __future__ import annotations

import fcntl
import os
import sys
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "_build/.tabbook.lock"


@contextmanager
def book_lock(root: Path, what: str):
    """Hold the book's lock while the block runs; wait, saying so, while another holds it."""
    path = Path(root) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            print(f"[tabbook] another tabbook command is using {Path(root).resolve()} "
                  f"({holder}); waiting for it to finish (stop it, or press Ctrl-C)",
                  file=sys.stderr, flush=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(f"`{what}`, pid {os.getpid()}\n")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
