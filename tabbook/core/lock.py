"""One build at a time per checkout: a lock file in the build folder (:data:`LOCK_FILE`).

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

from .layout import LOCK_FILE  # noqa: E402  (re-exported)

HELD_ENV = "TABBOOK_LOCK_HELD"
"""Set by a command that holds the lock for the children it runs (``python -m tabbook
edition``): the book whose lock the parent holds."""


def held_by_parent_env(root: Path) -> dict[str, str]:
    """The environment entry a child of a lock holder inherits (:data:`HELD_ENV`)."""
    return {HELD_ENV: str(Path(root).resolve())}


@contextmanager
def book_lock(root: Path, what: str):
    """Hold the book's lock while the block runs; wait, saying so, while another holds it.

    A command run by one that holds the lock (``html`` runs ``edition`` for each edition)
    runs under its parent's lock."""
    if os.environ.get(HELD_ENV) == str(Path(root).resolve()):
        yield
        return
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
