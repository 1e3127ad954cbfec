"""The execution cache is keyed by content: what did not change does not run again.

Checked on the tiny book (``tests/fixtures/tinybook``, one page in every framework;
:func:`bookutil.tiny_book`), whose cache starts with the fixture's runs. That keys do
not depend on the book's folder (a copy reuses the cache) is checked kernel-free in
``tests/unit/test_cache_keys.py``.
"""

from __future__ import annotations

import re

import pytest

from bookutil import TINY_PAGE as PAGE
from bookutil import build, runs_of, tiny_book
from tabbook.core.layout import Layout

pytestmark = pytest.mark.book_build


def _executed(res) -> list[tuple[str, str]]:
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    return [(page, fw) for kind, page, fw in runs_of(out) if kind == "executed"]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tiny_book(tmp_path_factory.mktemp("cachebook") / "book")
    # the first build renders everything, taking every notebook from the cache
    res = build(root)
    assert _executed(res) == [], "the cache was not reused"
    assert len(runs_of(res.stdout + res.stderr)) == 4  # 1 page x 4 frameworks
    return root


def test_noop_rebuild_executes_nothing(book):
    res = build(book)
    assert _executed(res) == []
    assert "nothing changed since the last build" in res.stdout
    # even when Sphinx re-renders every page, every notebook comes from the cache
    res = build(book, "--all")
    assert _executed(res) == []
    assert len(runs_of(res.stdout + res.stderr)) == 4


def test_prose_edit_executes_nothing(book):
    page = book / PAGE
    text = page.read_text()
    # change a sentence of prose (not code)
    new = text.replace("Prose that every framework shares.\n",
                       "Prose that every framework shares.\n\n"
                       "A sentence added by the cache test.\n", 1)
    assert new != text
    page.write_text(new)
    res = build(book)
    assert _executed(res) == []
    html = (Layout(book).html() / PAGE.replace(".md", ".html")).read_text()
    assert "A sentence added by the cache test." in html


def test_pytorch_cell_edit_executes_only_pytorch(book):
    page = book / PAGE
    text = page.read_text()
    m = re.search(r"```\{code-cell\}[^\n]*\n(?::[^\n]*\n)*%%tab pytorch\n", text)
    assert m, "no PyTorch-only cell on the page"
    page.write_text(text[: m.end()] + "# edited by the cache test\n" + text[m.end():])
    assert _executed(build(book)) == [(PAGE, "pytorch")]
    assert _executed(build(book)) == []  # and that run is now cached too
