"""Cache entries are portable and checked: no machine path in a key or an entry; a renamed,
altered or foreign entry is a miss (deleted, logged), never a wrong output. Kernel-free: the
tiny book's hand-written runs are stored the way a build stores what it executed."""

from __future__ import annotations

import json
import shutil

import pytest

from bookutil import REPO
from tabbook.sources.config import BookConfig
from tabbook.sources.source import read_page
from tabbook.stages.cache import ENTRY_STAMP, Run, cache_path, load_cached, plan, store
from tabbook.stages.shards import merge_shards
from tinybook import PAGE, TINYBOOK, executed_runs


def _book(dst):
    shutil.copytree(TINYBOOK, dst)
    shutil.copytree(REPO / "envs", dst / "envs")
    return dst


@pytest.fixture
def stored(tmp_path):
    """(root, {framework: run}) with every run of the tiny page stored in the cache."""
    root = _book(tmp_path / "book")
    page = read_page(root / PAGE, root)
    runs = {r.framework.name: r for r in plan([page], root)}
    for name, nb in executed_runs().items():
        runs[name].notebook = nb
        store(runs[name], root, BookConfig())
    return root, runs


def _fresh(run: Run) -> Run:
    return Run(run.page, run.framework, run.key)


def test_keys_do_not_depend_on_the_folder(stored, tmp_path):
    root, runs = stored
    other = _book(tmp_path / "elsewhere" / "copy")
    keys = {r.framework.name: r.key for r in plan([read_page(other / PAGE, other)], other)}
    assert keys == {name: run.key for name, run in runs.items()}


def test_stored_entry_loads_without_its_stamp(stored):
    root, runs = stored
    cfg = BookConfig()
    path = cache_path(root, cfg, runs["jax"].key)
    stamp = json.loads(path.read_text())["metadata"][ENTRY_STAMP]
    assert stamp["key"] == runs["jax"].key and stamp["framework"] == "jax"
    assert str(root) not in path.read_text()
    run = _fresh(runs["jax"])
    assert load_cached(run, root, cfg)
    assert ENTRY_STAMP not in run.notebook.metadata  # the page never sees it
    assert run.notebook.cells == executed_runs()["jax"].cells


def test_altered_entry_is_a_miss(stored):
    root, runs = stored
    cfg = BookConfig()
    path = cache_path(root, cfg, runs["jax"].key)
    data = json.loads(path.read_text())
    cell = next(c for c in data["cells"] if c.get("outputs"))
    out = cell["outputs"][0]
    out["text"] = "altered\n"
    path.write_text(json.dumps(data))
    logged = []
    assert not load_cached(_fresh(runs["jax"]), root, cfg, logged.append)
    assert "do not match their digest" in logged[0] and not path.exists()


def test_entry_under_another_key_is_a_miss(stored):
    root, runs = stored
    cfg = BookConfig()
    run = runs["jax"]
    wrong = _fresh(run)
    wrong.key = "0" * 64  # e.g. the same cells, but another library or requirements file
    shutil.copy(cache_path(root, cfg, run.key), cache_path(root, cfg, wrong.key))
    logged = []
    assert not load_cached(wrong, root, cfg, logged.append)
    assert "names another key" in logged[0]
    assert load_cached(_fresh(run), root, cfg)  # the right one still loads


def test_merging_shards_is_copying_files(stored, tmp_path):
    root, runs = stored
    cfg = BookConfig()
    shard = cache_path(root, cfg, "x").parent
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    names = sorted(p.name for p in shard.glob("*.ipynb"))
    for i, name in enumerate(names):
        shutil.copy(shard / name, (a if i % 2 else b) / name)
    shutil.rmtree(shard)
    assert merge_shards([a, b, a], shard) == len(names)  # the same entry twice: kept once
    for run in runs.values():
        assert load_cached(_fresh(run), root, cfg)


def test_entry_without_a_stamp_is_a_miss(stored):
    """Issue 28 item 6: an entry whose stamp was removed (edited outputs, or a file written
    before stamps existed) cannot prove it is the run of its key; it is never read."""
    root, runs = stored
    cfg = BookConfig()
    path = cache_path(root, cfg, runs["jax"].key)
    data = json.loads(path.read_text())
    del data["metadata"][ENTRY_STAMP]
    cell = next(c for c in data["cells"] if c.get("outputs"))
    cell["outputs"][0]["text"] = "edited by hand\n"
    path.write_text(json.dumps(data))
    logged = []
    assert not load_cached(_fresh(runs["jax"]), root, cfg, logged.append)
    assert "has no stamp" in logged[0] and not path.exists()
