"""The execution cache: what a run is, its content-hash key, and its entries.

For a page and a framework, the run's notebook (:func:`framework_notebook`) holds that
framework's code cells only (``%%tab`` lines removed). Its cache key (:func:`cache_key`,
the one place a key is computed) is the hash of its code, its kernel and environment, the
library files it imports and the files the page declares, so a prose edit re-executes
nothing and an edit to one framework's cell re-executes only that framework's notebook.

An entry (``<cache_dir>/exec/<key>.ipynb``, :func:`cache_path`) is the executed notebook
stamped with its key, framework and the digest of its cells (:func:`store`); one that is
cut short, altered or filed under another key is a miss (:func:`load_cached`). The cache
(docs/cache.md) is machine-free, so the runs of several machines merge by copying files.
Executing what the cache lacks is :mod:`tabbook.stages.execute`'s job.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..core import nbfast
from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.frameworks import FRAMEWORKS, Framework
from ..core.layout import Layout
from ..core.outputs import guard_outputs
from ..sources.config import BookConfig
from ..sources.envs import read_requirements
from ..sources.source import GENERATED_PREFIX, PROVENANCE_PREFIX, Cell, Page

CACHE_VERSION = "2"  # bump when what an executed notebook holds changes
ENTRY_STAMP = "tabbook_entry"  # notebook metadata of a cache entry: key, framework, digest

# Hidden first cell of every run: SVG plots, reproducible SVG bytes, seeded RNGs.
SETUP_CODE = """\
%config InlineBackend.figure_formats = ['svg']
%config InlineBackend.print_figure_kwargs = {'bbox_inches': 'tight', 'metadata': {'Date': None}}
import random as _random, numpy as _np, matplotlib as _mpl
_mpl.rcParams['svg.hashsalt'] = 'tabbook'
_random.seed(0); _np.random.seed(0)
del _random, _np, _mpl
"""


@dataclass
class Run:
    """One page executed (or taken from the cache) in one framework."""
    page: Page
    framework: Framework
    key: str
    notebook: nbformat.NotebookNode | None = None
    cached: bool = False
    seconds: float = 0.0
    device: str = "cpu"
    """The device the run computed on (a ``"gpu"`` framework's probe says it)."""
    reads: dict[str, str] = field(default_factory=dict)
    """Files of the book it read that its page does not declare -> sha256 (run_notes)."""


def code_cells(page: Page, fw: Framework) -> list[Cell]:
    return [c for c in page.cells if c.kind == "code" and fw.name in c.frameworks]


def framework_notebook(page: Page, fw: Framework) -> nbformat.NotebookNode:
    """The notebook that runs: ``fw``'s code cells of ``page``, ``%%tab`` lines removed."""
    nb = nbfast.notebook()
    nb.metadata["kernelspec"] = {"name": fw.kernel, "display_name": f"D2L {fw.label}",
                                 "language": "python"}
    for cell in code_cells(page, fw):
        nbcell = nbfast.code_cell(cell.source.rstrip("\n"))
        nbcell.id = f"cell-{cell.index}"
        if cell.tags:
            nbcell.metadata["tags"] = list(cell.tags)
        nbcell.metadata["tabbook"] = {"cell": cell.index, "line": cell.line}
        nb.cells.append(nbcell)
    return nb


def library_files(root: Path, fw: Framework) -> list[Path]:
    """The library files a ``fw`` notebook can import: its module and the shared ones."""
    other = {f"{f.module}.py" for f in FRAMEWORKS if f is not fw}
    return sorted(p for p in (Path(root) / "d2l").glob("*.py") if p.name not in other)


PROVENANCE_RE = re.compile(rb"^[ \t]*(?:" + re.escape(PROVENANCE_PREFIX.encode()) + rb"|"
                           + re.escape(GENERATED_PREFIX.encode()) + rb").*$", re.M)


def library_text(path: Path) -> bytes:
    """A library file as it runs: without its provenance comments ("# Defined in Section
    3.2 (...), ... cell 7") and its first line, which name pages and cell positions that a
    rename or a prose cell added above changes; the lines stay, so line numbers in
    tracebacks do not move."""
    return PROVENANCE_RE.sub(b"#", Path(path).read_bytes())


def cache_key(page: Page, fw: Framework, root: Path) -> str:
    h = hashlib.sha256()
    payload = {
        "version": CACHE_VERSION,
        "kernel": fw.kernel,
        "requirements": read_requirements(fw, root).decode("utf-8", "replace"),
        "python": fw.python,
        "setup": SETUP_CODE + fw.seed,
        "cells": [[c.source, sorted(c.tags)] for c in code_cells(page, fw)],
        # the page's folder is the working directory, so it is part of what runs
        "folder": Path(page.relpath).parent.as_posix(),
    }
    if fw.device != "cpu":  # (absent for the CPU: the CPU build's keys never change)
        payload["device"] = fw.device
    h.update(json.dumps(payload, sort_keys=True).encode())
    for lib in library_files(root, fw):
        h.update(lib.name.encode() + b"\0" + library_text(lib) + b"\0")
    # the files the page declares it reads (front matter `tabbook: {depends: [...]}`)
    for rel, path in zip(page.depends, page.dependency_paths()):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BookError(f"cannot read {rel!r}, which `tabbook: depends:` names: "
                            f"{exc.strerror}", path=page.relpath) from None
        h.update(b"depends\0" + rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def cache_path(root: Path, cfg: BookConfig, key: str) -> Path:
    return Layout(root, cfg.cache_dir).exec_cache / f"{key}.ipynb"


def _cells_digest(nb: nbformat.NotebookNode) -> str:
    """sha256 of an entry's cells (sources and outputs): its integrity check."""
    return hashlib.sha256(json.dumps(nb.cells, sort_keys=True).encode()).hexdigest()


def store(run: Run, root: Path, cfg: BookConfig) -> Path:
    """Write ``run``'s notebook into the cache as ``exec/<key>.ipynb``, stamped with its key,
    framework and the digest of its cells (checked by :func:`load_cached`)."""
    nb = copy.deepcopy(run.notebook)
    nb.metadata[ENTRY_STAMP] = {"key": run.key, "framework": run.framework.name,
                                "device": run.device, "cells_sha256": _cells_digest(nb),
                                **({"reads": run.reads} if run.reads else {})}
    path = cache_path(root, cfg, run.key)
    write_atomic(path, nbfast.writes(nb))
    return path


def _integrity_problem(nb: nbformat.NotebookNode, run: Run) -> str | None:
    """Why a cache entry read from the file of ``run.key`` is not ``run``'s run (None: it is)."""
    stamp = nb.metadata.pop(ENTRY_STAMP, None)
    want = [c.source for c in framework_notebook(run.page, run.framework).cells]
    if [c.get("source") for c in nb.cells] != want:
        return "its cells are not the page's cells"
    if stamp is None:  # nothing vouches for its outputs (edited, or older than stamps)
        return "it has no stamp (its outputs cannot be checked)"
    if not isinstance(stamp, dict):
        return "its stamp is not a mapping"
    if stamp.get("key") != run.key:
        return "its stamp names another key (a file renamed or copied under a wrong name)"
    if stamp.get("framework") != run.framework.name:
        return f"its stamp names another framework ({stamp.get('framework')!r})"
    if stamp.get("cells_sha256") != _cells_digest(nb):
        return "its cells do not match their digest (the file was altered or damaged)"
    run.device = str(stamp.get("device", "cpu"))
    run.reads = dict(stamp.get("reads") or {})
    return None


def plan(pages: list[Page], root: Path, frameworks=FRAMEWORKS) -> list[Run]:
    """One run per page and framework that has code on that page."""
    return [Run(page, fw, cache_key(page, fw, root))
            for page in pages for fw in frameworks if code_cells(page, fw)]


def load_cached(run: Run, root: Path, cfg: BookConfig, log=print) -> bool:
    """Fill ``run.notebook`` from the execution cache; whether it was there.

    A cache entry cut short (a full disk, a crash) or one that holds other cells (a
    file copied in by hand) is a miss: it is logged, deleted and executed again.
    """
    path = cache_path(root, cfg, run.key)
    if not path.is_file():
        return False
    try:
        nb = nbformat.read(path, as_version=4)
        problem = _integrity_problem(nb, run)
    except Exception as exc:  # JSON, validation, encoding: whatever a damaged file gives
        problem = f"it cannot be read ({type(exc).__name__}: {str(exc)[:200]})"
    if problem is not None:
        log(f"[tabbook] warning: the cache entry {path} of {run.page.relpath} "
            f"[{run.framework.name}] is corrupt: {problem}; deleted it, executing again")
        path.unlink(missing_ok=True)
        return False
    # a secret set since the run executed; the caps were applied when it ran, once
    guard_outputs(nb, cap=False)
    run.notebook = nb
    run.cached = True
    return True


def cached_runs(pages: list[Page], root: Path, cfg: BookConfig, frameworks=FRAMEWORKS
                ) -> dict[tuple[str, str], nbformat.NotebookNode | None]:
    """(docname, framework name) -> the cached run of the current sources, executing nothing.

    ``None`` where the page has changed since its last run (or never ran).
    """
    out = {}
    for run in plan(pages, root, frameworks):
        out[(run.page.docname, run.framework.name)] = (
            run.notebook if load_cached(run, root, cfg) else None)
    return out
