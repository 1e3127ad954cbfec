"""The execution cache is keyed by content: what did not change does not run again.

Checked on a copy of the book, starting from the cache `make html` left behind.
"""

from __future__ import annotations

import re

import pytest

from bookutil import build, copy_book, runs_of

pytestmark = pytest.mark.book_build
PAGE = "chapter_linear-classification/classification.md"


def _executed(res) -> list[tuple[str, str]]:
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    return [(page, fw) for kind, page, fw in runs_of(out) if kind == "executed"]


@pytest.fixture(scope="module")
def book(tmp_path_factory, built_html):
    root = copy_book(tmp_path_factory.mktemp("cachebook"))
    # the copy's first build renders everything, taking every notebook from the cache
    res = build(root)
    assert _executed(res) == [], "the copied cache was not reused"
    assert len(runs_of(res.stdout + res.stderr)) >= 8  # 2 pages x 4 frameworks at least
    return root


def test_noop_rebuild_executes_nothing(book):
    res = build(book)
    assert _executed(res) == []
    assert "nothing changed since the last build" in res.stdout
    # even when Sphinx re-renders every page, every notebook comes from the cache
    res = build(book, "--all")
    assert _executed(res) == []
    assert len(runs_of(res.stdout + res.stderr)) >= 8


def test_prose_edit_executes_nothing(book):
    page = book / PAGE
    text = page.read_text()
    # change a sentence of prose (not code)
    new = text.replace("\n\n", "\n\nA sentence added by the cache test.\n\n", 1)
    assert new != text
    page.write_text(new)
    res = build(book)
    assert _executed(res) == []
    html = (book / "_build" / "html" / PAGE.replace(".md", ".html")).read_text()
    assert "A sentence added by the cache test." in html


def test_pytorch_cell_edit_executes_only_pytorch(book):
    page = book / PAGE
    text = page.read_text()
    m = re.search(r"```\{code-cell\}[^\n]*\n(?::[^\n]*\n)*%%tab pytorch\n", text)
    assert m, "no PyTorch-only cell on the page"
    page.write_text(text[: m.end()] + "# edited by the cache test\n" + text[m.end():])
    assert _executed(build(book)) == [(PAGE, "pytorch")]
    assert _executed(build(book)) == []  # and that run is now cached too
