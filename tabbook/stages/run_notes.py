"""What the build says about a run besides its outputs: outputs that were capped or masked,
and files of the book the run read that its page does not declare.

A page's runs are cached by the hash of their code, environment and library, and of the
files its front matter declares (``tabbook: {depends: [...]}``); a data file it reads
without declaring it can change and leave the old outputs in place. So every run watches
which files it opens for reading (a Python audit hook, installed by the hidden first cell:
``open()``, ``io.open``, ``os.open`` and what uses them); a file of the book among them
that the page does not declare is named in a warning when the run executes, and its hash
is kept in the cache entry's stamp, so that a later build that takes the run from the
cache warns when that file has changed since.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat

from ..core import nbfast
from ..core.layout import Layout

WATCH_CODE = '''
def _tabbook_watch_reads():
    import os, sys, types
    state = types.ModuleType("_tabbook_reads")
    state.reads, state.written = set(), set()
    skip = (".py", ".pyc", ".so", ".pth")
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def hook(event, args):
        if event != "open":
            return
        try:
            path, mode, flags = args[0], args[1], args[2]
            if isinstance(path, int):
                return
            path = os.path.abspath(os.fsdecode(path))
            if path.endswith(skip):
                return
            writes = (any(c in mode for c in "wax+") if isinstance(mode, str)
                      else bool((flags or 0) & write_flags))
            if writes:
                state.written.add(path)
            elif path not in state.written:
                state.reads.add(path)
        except Exception:  # an audit hook that raises would fail the page's open()
            pass

    sys.modules["_tabbook_reads"] = state
    sys.addaudithook(hook)
_tabbook_watch_reads()
del _tabbook_watch_reads
'''
"""Appended to the hidden first cell of every run."""

REPORT_CODE = ("import sys as _s, json as _j\n"
               "print(_j.dumps(sorted(_s.modules['_tabbook_reads'].reads)))\n"
               "del _s, _j")
"""The hidden last cell: the files the run read (and did not write first), as JSON."""


def watch(nb: nbformat.NotebookNode) -> None:
    """Make the run of ``nb`` (its hidden setup cell first) report the files it reads."""
    nb.cells[0].source += WATCH_CODE
    nb.cells.append(nbfast.code_cell(REPORT_CODE))
    nb.cells[-1].metadata["tabbook"] = {"setup": True}


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def collect(nb: nbformat.NotebookNode, run, root: Path) -> dict[str, str]:
    """Pop the report cell of an executed ``nb`` (:func:`watch`): the files of the book the
    run read that its page does not declare, relative to the book -> their sha256."""
    cell = nb.cells.pop()
    text = "".join(o.get("text", "") for o in cell.get("outputs", []))
    try:
        paths = json.loads(text.strip().splitlines()[-1]) if text.strip() else []
    except ValueError:
        return {}
    root = Path(root).resolve()
    declared = {p.resolve() for p in run.page.dependency_paths()}
    # (the library is part of every key; the build folder and hidden ones are the tools')
    own = (root / "d2l", Layout(root).build.resolve())
    found = {}
    for name in paths:
        path = Path(name).resolve()
        if not path.is_file() or path in declared or not path.is_relative_to(root):
            continue
        rel = path.relative_to(root)
        if rel.parts[0].startswith(".") or any(path.is_relative_to(o) for o in own):
            continue
        found[rel.as_posix()] = _digest(path)
    return found


def _where(run, meta: dict) -> str:
    info = meta.get("tabbook", {})
    line = f":{info['line']}" if info.get("line") else ""
    cell = f", cell {info['cell']}" if info.get("cell") else ""
    return f"{run.page.relpath}{line}{cell}, framework {run.framework.name}"


def warn(run, nb: nbformat.NotebookNode, root: Path, log) -> None:
    """Warn about outputs that were capped or masked, and about files the run read that its
    page does not declare (changed since, for a run taken from the cache); on every build."""
    for cell in nb.cells:
        note = cell.metadata.get("tabbook", {}).get("guarded")
        if note:
            log(f"[tabbook] warning: {_where(run, cell.metadata)}: {note}")
    declare = ("declare it in the page's front matter, `tabbook: {depends: [...]}`, so that "
               "a change to it executes the page again")
    for rel, digest in sorted(run.reads.items()):
        where = f"{run.page.relpath} [{run.framework.name}]"
        if not run.cached:
            log(f"[tabbook] warning: {where} reads {rel}, which the page does not declare: "
                f"when it changes, the page keeps the outputs it has now; {declare}")
        elif _digest(Path(root) / rel) != digest:
            log(f"[tabbook] warning: {where}: {rel} changed since the page ran, and the page "
                f"does not declare it: its outputs are from the old {rel}; {declare}")
