"""A data file a page reads without declaring it is named (issue 28 item 9): when the run
executes, and, once the file has changed, in every later build that takes the run from
the cache (its old outputs stay: a declared file would have executed the page again)."""

from __future__ import annotations

import pytest

from bookutil import execute_pytorch, one_cell_book

pytestmark = pytest.mark.book_build

CODE = ("print(open('data.txt').read().strip(), open('declared.txt').read().strip())\n"
        "open('made.txt', 'w').write('x')\nprint(open('made.txt').read())")
FRONT = "---\ntabbook:\n  depends: [declared.txt]\n---\n\n"


def test_an_undeclared_file_a_page_reads_is_named(tmp_path):
    root = one_cell_book(tmp_path / "book", {"p": CODE}, front=FRONT)
    (root / "p" / "data.txt").write_text("first\n")
    (root / "p" / "declared.txt").write_text("declared\n")
    logged: list[str] = []
    runs = execute_pytorch(root, log=logged.append)
    nb = runs[("p/page", "pytorch")].notebook
    assert "".join(o["text"] for o in nb.cells[0].outputs) == "first declared\nx\n"
    assert len(nb.cells) == 1  # (the hidden cells are gone)
    warnings = [m for m in logged if "warning" in m]
    assert warnings == ["[tabbook] warning: p/page.md [pytorch] reads p/data.txt, which the "
                        "page does not declare: when it changes, the page keeps the outputs "
                        "it has now; declare it in the page's front matter, `tabbook: "
                        "{depends: [...]}`, so that a change to it executes the page again"]

    logged.clear()  # unchanged: taken from the cache, nothing to say
    assert execute_pytorch(root, log=logged.append)[("p/page", "pytorch")].cached
    assert [m for m in logged if "warning" in m] == []

    (root / "p" / "data.txt").write_text("second\n")
    logged.clear()
    runs = execute_pytorch(root, log=logged.append)
    assert runs[("p/page", "pytorch")].cached  # (the old output stays: the file is undeclared)
    assert [m for m in logged if "warning" in m] == [
        "[tabbook] warning: p/page.md [pytorch]: p/data.txt changed since the page ran, and "
        "the page does not declare it: its outputs are from the old p/data.txt; declare it in "
        "the page's front matter, `tabbook: {depends: [...]}`, so that a change to it executes "
        "the page again"]
