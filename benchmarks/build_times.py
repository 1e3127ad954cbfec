"""Wall times of book builds: cold, no-op, prose edit, one-framework code edit.

Each scenario runs on a fresh copy of the book (environments present), median of
--runs runs. Targets (from the build and freshness issues):
  no-op rebuild <= 0.2 s (content hashes only: no page is parsed);  prose edit <= 1.3 x
  a plain jupyter-book build of the same pages (no tabbook, no execution);  cold build
  <= 1.3 x (slowest single framework's execution + rendering).
--quick: the freshness figures only (no-op, prose edit, plain build), from the
checkout's execution cache: nothing executes. Prose edits and plain builds are taken in
turn (at least PAIRS of each) and the target is checked on the median of their ratios:
on a small machine either alone varies by a third from one minute to the next.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # (the tests' helpers)

from bookutil import copy_book, tool_command, tool_env  # noqa: E402

PAGE = "chapter_linear-classification/classification.md"
ENV = tool_env()
JB = str(Path(sys.executable).parent / "jupyter-book")


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    took = time.perf_counter() - start
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stdout[-3000:]}{res.stderr[-3000:]}")
    return took


def tabbook_build(root: Path) -> float:
    return timed(tool_command(root, "html"))


def fresh(tmp: Path, name: str, cache: bool) -> Path:
    root = tmp / name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    return copy_book(root, with_cache=cache)


def prose_edit(root: Path) -> None:
    page = root / PAGE
    page.write_text(page.read_text().replace("\n\n", f"\n\nEdited {time.time()}.\n\n", 1))


def code_edit(root: Path) -> None:
    page = root / PAGE
    text = page.read_text()
    m = re.search(r"%%tab pytorch\n", text)
    page.write_text(text[: m.end()] + f"# edit {time.time()}\n" + text[m.end():])


def plain_build(tmp: Path) -> float:
    """The same pages rendered by plain Jupyter Book: no tabbook, nothing executed."""
    from tabbook.core.myst_markdown import MYST_EXTENSIONS

    root = fresh(tmp, "plain", cache=False)
    cfg = root / "_config.yml"
    text = cfg.read_text().replace(
        "  local_extensions:\n    tabbook.sphinxext.sphinx_ext: ./\n", "")
    # (the MyST extensions the tool gives Sphinx itself: the pages parsed alike)
    cfg.write_text(text + f"parse:\n  myst_enable_extensions: {list(MYST_EXTENSIONS)}\n")
    return timed([JB, "build", str(root)])


def single_framework_execution(tmp: Path, fw_name: str) -> float:
    from tabbook.core.frameworks import BY_NAME
    from tabbook.sources.config import load_config
    from tabbook.sources.source import read_page
    from tabbook.sources.toc import book_sources
    from tabbook.stages.execute import execute_all

    root = fresh(tmp, f"single-{fw_name}", cache=False)
    pages = [read_page(root / p, root) for p in book_sources(root)]
    start = time.perf_counter()
    execute_all(pages, root, load_config(root), log=lambda *_: None,
                frameworks=(BY_NAME[fw_name],))
    return time.perf_counter() - start


def row(name, secs, target=None, ok=None):
    tail = f"   target {target}: {'OK' if ok else 'MISSED'}" if target else ""
    print(f"{name:<34}{secs:8.2f} s{tail}")


PAIRS = 7
"""Prose edits and plain builds taken in turn: at least this many of each."""


def prose_against_plain(warm: Path, tmp: Path, runs: int) -> tuple[float, float, float]:
    """A prose edit of ``warm`` and a plain build, in turn, ``max(runs, PAIRS)`` times (a
    slow spell of the machine then falls on both): (median prose edit, median plain
    build, median of the pairs' ratios: the figure the target is about)."""
    prose, plain = [], []
    for _ in range(max(runs, PAIRS)):
        prose_edit(warm)
        prose.append(tabbook_build(warm))
        plain.append(plain_build(tmp))
    ratios = [a / b for a, b in zip(prose, plain)]
    return statistics.median(prose), statistics.median(plain), statistics.median(ratios)


def prose_rows(prose: float, plain: float, ratio: float, pairs: int) -> None:
    row("prose edit", prose, f"<= 1.3 x the plain build (median ratio of {pairs} pairs: "
        f"{ratio:.2f})", ratio <= 1.3)
    row("plain jupyter-book build", plain)


def quick(tmp: Path, runs: int) -> None:
    """No-op rebuild and prose edit against the plain build, from the cache."""
    warm = fresh(tmp, "warm", cache=True)
    tabbook_build(warm)
    noop = median(lambda: tabbook_build(warm), max(runs, 5))
    prose, plain, ratio = prose_against_plain(warm, tmp, runs)
    print(f"build times (--quick), medians (no-op: of {max(runs, 5)} runs; prose edit and "
          f"plain build: of {max(runs, PAIRS)} taken in turn)")
    row("no-op rebuild", noop, "<= 0.2 s", noop <= 0.2)
    prose_rows(prose, plain, ratio, max(runs, PAIRS))


def median(f, runs: int) -> float:
    return statistics.median(f() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="only the no-op rebuild and the prose edit (nothing executes)")
    args = parser.parse_args()
    from tabbook.core.frameworks import NAMES

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if args.quick:
            return quick(tmp, args.runs)
        cold = median(lambda: tabbook_build(fresh(tmp, "cold", cache=False)), args.runs)
        warm = fresh(tmp, "warm", cache=False)
        tabbook_build(warm)
        noop = median(lambda: tabbook_build(warm), args.runs)

        def edited(edit):
            def one():
                edit(warm)
                return tabbook_build(warm)
            return one

        prose, plain, ratio = prose_against_plain(warm, tmp, args.runs)
        code = median(edited(code_edit), args.runs)
        singles = {fw: median(lambda fw=fw: single_framework_execution(tmp, fw), args.runs)
                   for fw in NAMES}
        slowest = max(singles, key=singles.get)
        render = plain  # rendering the same pages, nothing executed

    print(f"build times, median of {args.runs} runs")
    row("cold build (cache empty)", cold, f"<= 1.3 x {singles[slowest] + render:.2f} s",
        cold <= 1.3 * (singles[slowest] + render))
    row("no-op rebuild", noop, "<= 0.2 s", noop <= 0.2)
    prose_rows(prose, plain, ratio, max(args.runs, PAIRS))
    row("PyTorch code edit", code)
    for fw, secs in singles.items():
        row(f"execution, {fw} alone", secs)


if __name__ == "__main__":
    main()
