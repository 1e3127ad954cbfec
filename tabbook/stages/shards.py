"""Execution without rendering, one framework (or a few) at a time: the cache's shards.

``python -m tabbook execute --framework NAME`` (``make execute FRAMEWORK=NAME``) executes
what the execution cache lacks for those frameworks only, with no Sphinx run, creating and
registering only their environments and kernels. What it adds to the execution cache's
``exec/`` folder (:func:`tabbook.stages.cache.cache_path`) is that job's *shard* of the
cache: one file per run, named by its content key (:func:`tabbook.stages.cache.cache_key`),
holding no path of the machine that made it. Shards of several machines merge by copying
their files into one folder (:func:`merge_shards`, or ``cp``); a render job whose cache then
holds every run executes nothing and needs no framework. The layout is documented in docs/cache.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..core.frameworks import FRAMEWORKS, Framework
from ..sources.book import read_book
from ..sources.config import load_config
from ..sources.envs import ensure_all
from .cache import cache_path
from .execute import execute_all


def selected(names: list[str] | None) -> tuple[Framework, ...]:
    """The frameworks named (table order); every framework when none is."""
    if not names:
        return FRAMEWORKS
    return tuple(fw for fw in FRAMEWORKS if fw.name in set(names))


def execute_frameworks(root: Path, names: list[str] | None = None, log=print) -> dict:
    """Execute every page the cache lacks in the frameworks ``names`` (all when empty).

    Returns ``{framework name: (executed, cached)}`` counts.
    """
    root = Path(root)
    cfg = load_config(root)
    fws = selected(names)
    runs = execute_all(read_book(root), root, cfg, log=log, frameworks=fws,
                       before_execute=lambda need: ensure_all(root, [f.name for f in need], log))
    counts = {fw.name: [0, 0] for fw in fws}
    for run in runs.values():
        counts[run.framework.name][0 if not run.cached else 1] += 1
    shard = cache_path(root, cfg, "x").parent
    for name, (executed, cached) in counts.items():
        log(f"[tabbook] {name}: executed {executed}, cached {cached}")
    log(f"[tabbook] the cache ({shard}) holds every run of "
        + ", ".join(fw.name for fw in fws))
    return {name: tuple(c) for name, c in counts.items()}


def merge_shards(shards: list[Path], into: Path) -> int:
    """Copy every cache entry of the folders ``shards`` into ``into``; how many were new.

    Entries are named by content key, so the same name means the same run: an entry
    already present is kept. (An entry damaged on the way fails its integrity check
    when read and is executed again: a miss, never a wrong output.)
    """
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    added = 0
    for shard in shards:
        for entry in sorted(Path(shard).glob("*.ipynb")):
            target = into / entry.name
            if not target.exists():
                tmp = target.with_suffix(".ipynb.part")
                shutil.copyfile(entry, tmp)
                tmp.replace(target)
                added += 1
    return added

