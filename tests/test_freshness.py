"""Stale pages on (a copy of) the real book, with kernels: `make html` shows what the
sources say now, in the English and the Chinese edition and in the Colab notebooks, and a
second build executes and rewrites nothing (issue 16, items 1 and 6).

The kernel-free cases (an older mtime, a leftover compiled catalog, the environment in
the stamp, caps of cached runs, provenance comments) are in tests/unit/test_freshness.py.

One book for the whole module (each build costs a minute): the landing page, section 3.2
and a page of the test's own that prints what 3.2's ``#@save`` code returns and reads a
data file next to it; the Chinese catalogs are copied too, so both editions are built.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookutil import REPO, build, colab_dir, copy_book, run_tool, runs_of
from tabbook.core.layout import Layout

OO_DESIGN = "chapter_linear-regression/oo-design.md"
PAGE = "chapter_x/page.md"
PAGE_TEXT = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
tabbook:
  depends: [table.csv]
---

# A Page Downstream

```{code-cell} ipython3
%%tab jax
from d2l import jax as d2l
print(d2l.greeting())
```

```{code-cell} ipython3
%%tab jax
print(open("table.csv").read().strip())
```
"""
SAVED = """
```{code-cell} ipython3
%%tab jax
def greeting():  #@save
    return "greeting version 1"
```
"""
PROSE = '\n+++ {"tab": "jax"}\n\nA prose cell that JAX readers see.\n\n+++\n'


def _make_html(root: Path) -> str:
    """`make html`: the library from the sources, then the build; its output."""
    res = run_tool(root, "lib")
    assert res.returncode == 0, res.stdout + res.stderr
    res = build(root, timeout=900)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-3000:]
    return out


def _shown(root: Path) -> list[str]:
    """The page as each edition and the JAX notebook (English, Chinese) show it."""
    html, colab = Layout(root).html(), colab_dir(root)
    return [(html / "chapter_x" / "page.html").read_text(),
            (html / "zh" / "chapter_x" / "page.html").read_text(),
            (colab / "jax" / "chapter_x" / "page.ipynb").read_text(),
            (colab / "zh" / "jax" / "chapter_x" / "page.ipynb").read_text()]


def _written(root: Path) -> dict[Path, int]:
    build_dir = Layout(root).build
    return {p: p.stat().st_mtime_ns for p in build_dir.rglob("*")
            if p.is_file() and p.suffix in (".html", ".ipynb")}


def _assert_second_build_does_nothing(root: Path) -> None:
    before = _written(root)
    out = _make_html(root)
    assert "nothing changed since the last build: executed 0 notebooks" in out, out[-3000:]
    assert _written(root) == before


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("fresh") / "book"
    root.mkdir()
    copy_book(root)
    shutil.copytree(REPO / "locales", root / "locales",
                    ignore=shutil.ignore_patterns("*.mo"))
    shutil.rmtree(root / "chapter_linear-classification")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n"
        "  - file: chapter_linear-regression/index\n"
        "    sections:\n      - file: chapter_linear-regression/oo-design\n"
        "  - file: chapter_x/page\n")
    (root / "chapter_x").mkdir()
    (root / PAGE).write_text(PAGE_TEXT)
    (root / "chapter_x" / "table.csv").write_text("table version 1\n")
    oo = root / OO_DESIGN
    text = oo.read_text()
    at = text.index("\n## Utilities")
    oo.write_text(text[:at] + "\n" + SAVED + text[at:])
    _make_html(root)
    for shown in _shown(root):
        assert "greeting version 1" in shown and "table version 1" in shown
    return root


@pytest.mark.book_build
def test_a_page_printing_changed_saved_code_is_rebuilt_everywhere(book):
    """Item 1: 3.2's `#@save` function changes; the page downstream, whose source did not
    change, re-executes and shows the new output in both editions and its notebooks."""
    oo = book / OO_DESIGN
    oo.write_text(oo.read_text().replace("greeting version 1", "greeting version 2"))
    out = _make_html(book)
    assert ("executed", PAGE, "jax") in runs_of(out), out[-3000:]
    for shown in _shown(book):
        assert "greeting version 2" in shown and "greeting version 1" not in shown
    _assert_second_build_does_nothing(book)


@pytest.mark.book_build
def test_a_declared_data_file_that_changed_re_executes_the_page(book):
    """Item 6: the page declares `tabbook: {depends: [table.csv]}`."""
    (book / "chapter_x" / "table.csv").write_text("table version 2\n")
    out = _make_html(book)
    assert ("executed", PAGE, "jax") in runs_of(out), out[-3000:]
    assert ("cached", OO_DESIGN, "jax") in runs_of(out)
    for shown in _shown(book):
        assert "table version 2" in shown and "table version 1" not in shown
    _assert_second_build_does_nothing(book)


@pytest.mark.book_build
def test_a_framework_prose_cell_above_saved_code_executes_nothing(book):
    """Item 6: a `+++ {"tab": "jax"}` cell above `#@save` code shifts the library's
    "cell N" comments: the runs stay cached, the prose appears."""
    oo = book / OO_DESIGN
    text = oo.read_text()
    at = text.index("\n```{code-cell} ipython3\n%%tab jax\ndef greeting():")
    oo.write_text(text[:at] + PROSE + text[at:])
    lib_before = (book / "d2l" / "jax.py").read_text()
    out = _make_html(book)
    assert (book / "d2l" / "jax.py").read_text() != lib_before  # the comments moved
    runs = runs_of(out)
    assert runs and all(kind == "cached" for kind, _, _ in runs), out[-3000:]
    html = (Layout(book).html() / "chapter_linear-regression" / "oo-design.html").read_text()
    assert "A prose cell that JAX readers see." in html
    _assert_second_build_does_nothing(book)
