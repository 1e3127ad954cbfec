"""Several machines, one book: execute per framework, merge the cache shards, render with none.

Three copies of the tiny book (tests/fixtures/tinybook, one page with code in every
framework; run here with real kernels). Copy A executes PyTorch and MXNet with
`python -m tabbook execute` (what `make execute FRAMEWORK=...` runs), copy B JAX and
TensorFlow. Copy A then builds its HTML on its own (executing only the frameworks its cache
lacks): the single-machine build. Copy C receives the two `_build/.tabbook/exec` folders,
copied file by file into one, and builds both editions with `TABBOOK_ENV_DIR` pointing at an
empty folder (and pip cut off from any index, so an environment could not be made by
accident): it executes nothing, creates no environment, and its pages have the bodies of A's.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from pathlib import Path

import pytest

import bookutil
from bookutil import REPO, build, exec_cache, run_tool, runs_of
from tabbook.core.frameworks import BY_NAME, NAMES
from tabbook.core.layout import Layout
from tabbook.sources.book import read_book
from tabbook.sources.config import load_config
from tabbook.sources.envs import ensure_all
from tabbook.stages.cache import cache_key, load_cached, plan
from tabbook.stages.execute import execute_all

pytestmark = pytest.mark.book_build
PAGE = "chapter_demo/page"


def tiny_book(dst: Path) -> Path:
    """A buildable copy of the tiny book (:func:`bookutil.tiny_book`, its cache empty) and an
    (empty) Chinese catalog folder, so both editions build."""
    bookutil.tiny_book(dst, seed_cache=False)
    (dst / "locales" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    return dst


def tabbook(root: Path, *args: str, env: dict | None = None) -> str:
    res = run_tool(root, *args, env=env, timeout=1800)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    return out


def executed(out: str) -> list[tuple[str, str]]:
    return sorted((fw, page) for kind, page, fw in runs_of(out) if kind == "executed")


def body(html: Path) -> str:
    """The article of a page: what the reader reads (the shell around it names no run)."""
    m = re.search(r"<article[^>]*>.*</article>", html.read_text(encoding="utf-8"), re.S)
    assert m, f"{html} has no article"
    return m.group(0)


def entries(root: Path) -> set[str]:
    return {p.name for p in exec_cache(root).glob("*.ipynb")}


@pytest.fixture(scope="module")
def machines(tmp_path_factory):
    base = tmp_path_factory.mktemp("shards")
    a, b, c = (tiny_book(base / name) for name in "abc")
    out_a = tabbook(a, "execute", "--framework", "pytorch", "--framework", "mxnet")
    out_b = tabbook(b, "execute", "--framework", "jax", "--framework", "tensorflow")
    return a, b, c, out_a, out_b


def test_execute_runs_only_the_frameworks_named(machines):
    a, b, _, out_a, out_b = machines
    assert executed(out_a) == [("mxnet", f"{PAGE}.md"), ("pytorch", f"{PAGE}.md")]
    assert executed(out_b) == [("jax", f"{PAGE}.md"), ("tensorflow", f"{PAGE}.md")]
    assert "jax" not in out_a and "tensorflow" not in out_a  # not even its environment
    assert len(entries(a)) == len(entries(b)) == 2 and not entries(a) & entries(b)
    # no Sphinx run: nothing rendered
    assert not Layout(a).html_root.exists()
    # the shard holds no path of the machine (or of the book's folder) that made it
    for entry in exec_cache(a).glob("*.ipynb"):
        text = entry.read_text(encoding="utf-8")
        assert str(a) not in text and str(Path.home()) not in text, entry
    # again: everything is cached
    assert executed(tabbook(a, "execute", "--framework", "pytorch")) == []


def test_merged_shards_render_with_no_framework(machines, tmp_path):
    a, b, c, _, _ = machines
    # the single-machine build: A renders, executing only what its cache lacks
    out = build(a)
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    log = out.stdout + out.stderr
    assert executed(log) == [("jax", f"{PAGE}.md"), ("tensorflow", f"{PAGE}.md")]
    assert "executing them in jax (1), tensorflow (1)" in log

    # merge: copy both shards' files into C's cache folder
    cache = exec_cache(c)
    cache.mkdir(parents=True)
    for shard in (a, b):
        for entry in exec_cache(shard).glob("*.ipynb"):
            shutil.copy2(entry, cache / entry.name)
    envs = tmp_path / "no-envs"
    envs.mkdir()
    env = dict(os.environ, TABBOOK_ENV_DIR=str(envs), PIP_NO_INDEX="1", PIP_FIND_LINKS=str(envs),
               TABBOOK_NO_EXECUTE="1")  # (a run C lacked would be an error, not a run)
    # B alone lacks A's shard: with TABBOOK_NO_EXECUTE it fails, naming what is missing
    res = run_tool(b, "html", env=env, timeout=900)
    assert res.returncode != 0
    assert "lacks 2 runs (chapter_demo/page.md [pytorch], chapter_demo/page.md [mxnet])" in (
        res.stdout + res.stderr)
    assert list(envs.iterdir()) == []
    log = tabbook(c, "html", env=env)
    runs = runs_of(log)
    # each edition reads every run from the cache
    assert executed(log) == [], log[-3000:]
    assert sorted(runs) == sorted(2 * [("cached", f"{PAGE}.md", name) for name in NAMES])
    assert "executing nothing, no framework environment needed" in log
    assert list(envs.iterdir()) == []  # no environment created
    for edition in ("", "zh/"):
        page_a, page_c = (Layout(r).html_root / f"{edition}{PAGE}.html" for r in (a, c))
        assert body(page_c) == body(page_a), edition
    # and each framework's output is there
    text = (Layout(c).html() / f"{PAGE}.html").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"{name} 2" in text


def test_damaged_entry_is_a_miss(machines):
    a = machines[0]
    entry = sorted(exec_cache(a).glob("*.ipynb"))[0]
    text = entry.read_text(encoding="utf-8")
    # an altered output that still parses: caught by the entry's digest, executed again
    m = re.search(r'"text": \[?\s*"(\w+) 2', text)
    assert m, "no output to alter"
    entry.write_text(text.replace(f"{m.group(1)} 2", f"{m.group(1)} 3", 1), encoding="utf-8")
    out = tabbook(a, "execute")
    assert "is corrupt: its cells do not match their digest" in out
    assert len(executed(out)) == 1
    assert entry.read_text(encoding="utf-8") != text.replace(f"{m.group(1)} 2",
                                                             f"{m.group(1)} 3", 1)


def test_gpu_framework_is_its_own_entry_and_names_its_device(machines):
    """A framework whose table entry says ``device="gpu"`` runs under another key (the CPU
    entries stay valid) and its last output names the device; on this machine, which has no
    GPU, that is the CPU, and the outputs are otherwise the CPU run's."""
    a = machines[0]
    cpu = BY_NAME["pytorch"]
    gpu = dataclasses.replace(cpu, device="gpu")
    pages, cfg = read_book(a), load_config(a)
    page = next(p for p in pages if p.docname == PAGE)
    assert cache_key(page, gpu, a) != cache_key(page, cpu, a)
    logged: list[str] = []
    runs = execute_all(pages, a, cfg, log=logged.append, frameworks=(gpu,),
                       before_execute=lambda fws: ensure_all(a, [f.name for f in fws]))
    run = runs[(PAGE, "pytorch")]
    assert not run.cached and run.device == "cpu"
    assert f"[tabbook] executed  {PAGE}.md [pytorch]" in "\n".join(logged)
    assert " on cpu" in "\n".join(logged)
    cpu_run = next(r for r in plan([page], a, (cpu,)))
    assert load_cached(cpu_run, a, cfg)
    last = run.notebook.cells[-1].outputs[-1]  # (joined to the cell's own stdout)
    assert last["text"].endswith("\n[PyTorch ran on: cpu]\n")
    last["text"] = last["text"][: -len("[PyTorch ran on: cpu]\n")]
    assert run.notebook.cells == cpu_run.notebook.cells
    # read back from the cache, the entry says its device too
    again = next(r for r in plan([page], a, (gpu,)))
    assert load_cached(again, a, cfg) and again.device == "cpu"


def test_whole_book_on_three_machines(built_html, tmp_path, own_tmp):
    """The book itself: A executes PyTorch and MXNet, B JAX and TensorFlow, with warm kernels
    (TABBOOK_WARM_KERNELS=1); C merges the two shards and renders both editions with no
    framework environment; its pages have the bodies of the repository's own
    single-machine build (`make html`).

    Warm kernels give the outputs of fresh ones: every page in every framework is executed
    warm here, and each entry is byte for byte the run `make html` left in the
    repository's cache (a new kernel per page); no warm server is left running."""
    from bookutil import copy_book, warm_servers_left, without_stamp

    machines = {}
    for name in "abc":
        (tmp_path / name).mkdir()
        machines[name] = copy_book(tmp_path / name, with_cache=False)
        # (copy_book leaves the catalogs out: the Chinese edition needs them)
        shutil.copytree(REPO / "locales", machines[name] / "locales")
    # (a $TMPDIR of its own: its warm servers are told apart from other tests')
    warm = dict(os.environ, TABBOOK_WARM_KERNELS="1", TMPDIR=own_tmp)
    out_a = tabbook(machines["a"], "execute", "--framework", "pytorch", "--framework",
                    "mxnet", env=warm)
    out_b = tabbook(machines["b"], "execute", "--framework", "jax", "--framework",
                    "tensorflow", env=warm)
    assert not warm_servers_left(own_tmp, within=10)
    assert {fw for fw, _ in executed(out_a)} == {"pytorch", "mxnet"}
    assert {fw for fw, _ in executed(out_b)} == {"jax", "tensorflow"}
    assert all(kind == "executed" for kind, _, _ in runs_of(out_a) + runs_of(out_b))
    cache = exec_cache(machines["c"])
    cache.mkdir(parents=True)
    for shard in ("a", "b"):
        for entry in exec_cache(machines[shard]).glob("*.ipynb"):
            shutil.copy2(entry, cache / entry.name)
    usual = exec_cache(REPO)
    merged = sorted(cache.glob("*.ipynb"))
    assert len(merged) >= 8  # 2 pages x 4 frameworks at least
    for entry in merged:
        assert (usual / entry.name).exists(), f"{entry.name}: a key `make html` did not make"
        assert without_stamp(entry.read_bytes()) == without_stamp(
            (usual / entry.name).read_bytes()), f"{entry.name}: warm and fresh runs differ"
    envs = tmp_path / "no-envs"
    envs.mkdir()
    log = tabbook(machines["c"], "html", env=dict(
        os.environ, TABBOOK_ENV_DIR=str(envs), TABBOOK_NO_EXECUTE="1", PIP_NO_INDEX="1"))
    assert executed(log) == [] and list(envs.iterdir()) == []
    html = Layout(machines["c"]).html_root
    pages = [p.relative_to(built_html) for p in built_html.rglob("chapter_*/*.html")]
    assert len(pages) >= 4  # 2 pages x 2 editions at least
    for rel in pages:
        assert body(html / rel) == body(built_html / rel), rel
