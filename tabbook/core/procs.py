"""A kernel's whole process tree, read from Linux's ``/proc`` (no psutil), and killed.

A cell may start processes that outlive its kernel: a server started with
``subprocess.Popen``, ``os.system("... &")``, a process in a session of its own
(``start_new_session=True``). jupyter_client starts each kernel in a session of its own
(its pid is the session's and the process group's id) and, at a clean shutdown, lets
only the kernel exit. :func:`kill_tree` kills what is left: every process of the
kernel's session, and every process that was a descendant of the kernel when
:func:`descendants` last looked (each checked by its start time, so a reused pid is
not touched).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, int, int] | None:
    """(parent pid, session id, start time) of a process, ``None`` when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: fields follow the last ')'
    fields = text[text.rindex(")") + 2:].split()
    if fields[0] == "Z":  # a zombie: already dead, waiting to be reaped
        return None
    return int(fields[1]), int(fields[3]), int(fields[19])


def _table() -> dict[int, tuple[int, int, int]]:
    table = {}
    for name in os.listdir(PROC):
        if name.isdigit():
            info = _stat(int(name))
            if info is not None:
                table[int(name)] = info
    return table


def descendants(pid: int) -> dict[int, int]:
    """The living descendants of ``pid``: pid -> start time (empty without /proc)."""
    if not PROC.is_dir():
        return {}
    table = _table()
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, todo = {}, list(children.get(pid, []))
    while todo:
        p = todo.pop()
        if p not in found:
            found[p] = table[p][2]
            todo += children.get(p, [])
    return found


def kill_tree(session: int, known: dict[int, int] | None = None) -> list[int]:
    """SIGKILL the processes of ``session`` (a kernel's pid) and the ``known`` descendants
    (pid -> start time) that are still the same processes, with their own descendants.
    Returns the pids killed."""
    if not PROC.is_dir():  # not Linux: the process group at least
        try:
            os.killpg(session, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return []
    table = _table()
    targets = {p for p, (_, sid, _) in table.items() if sid == session}
    targets |= {p for p, start in (known or {}).items() if p in table and table[p][2] == start}
    for p in list(targets):
        targets |= set(descendants(p))
    targets.discard(os.getpid())
    killed = []
    for p in sorted(targets):
        try:
            os.kill(p, signal.SIGKILL)
            killed.append(p)
        except (ProcessLookupError, PermissionError):
            pass
    return killed
