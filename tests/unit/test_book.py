"""Reading the book: one reader for every stage, chosen by the page's suffix.

An ``.ipynb`` page listed in ``_toc.yml`` is refused, naming the file and how to convert
it; before, it was read as MyST text and became one markdown cell of raw JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from bookutil import REPO, run_tool
from tabbook.core.errors import BookError
from tabbook.sources.book import READERS, read_book

TOC = """\
format: jb-book
root: index
chapters:
- file: chapter_one/page
- file: chapter_one/notebook
"""

PAGE = """\
---
section_number: "1.1"
---
# A page

```{code-cell} ipython3
x = 1
```
"""


@pytest.fixture
def book(tmp_path) -> Path:
    (tmp_path / "_toc.yml").write_text(TOC, encoding="utf-8")
    (tmp_path / "index.md").write_text("# Index\n", encoding="utf-8")
    (tmp_path / "chapter_one").mkdir()
    (tmp_path / "chapter_one" / "page.md").write_text(PAGE, encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A notebook"),
                nbformat.v4.new_code_cell("%%tab pytorch\nimport torch")]
    nbformat.write(nb, tmp_path / "chapter_one" / "notebook.ipynb")
    return tmp_path


def test_markdown_pages_are_read_in_toc_order(book):
    (book / "_toc.yml").write_text(TOC.replace("- file: chapter_one/notebook\n", ""))
    (book / "chapter_one" / "notebook.ipynb").unlink()
    pages = read_book(book)
    assert [p.relpath for p in pages] == ["index.md", "chapter_one/page.md"]
    assert pages[1].section_number == "1.1" and pages[1].cells[1].source == "x = 1"


def test_an_ipynb_page_is_refused_by_name(book):
    assert ".ipynb" not in READERS
    with pytest.raises(BookError) as info:
        read_book(book)
    assert info.value.path == "chapter_one/notebook.ipynb"
    assert "jupytext --to myst chapter_one/notebook.ipynb" in str(info.value)


def test_every_stage_refuses_it(book):
    """The first stage of `make html` (the library) stops, naming the notebook."""
    res = run_tool(book, "lib", cwd=REPO, timeout=60)
    assert res.returncode == 1
    assert res.stderr.startswith("error: chapter_one/notebook.ipynb: tabbook builds pages "
                                 "written as MyST Markdown notebooks (.md), not .ipynb files")
    assert not (book / "d2l").exists()
    json.loads((book / "chapter_one" / "notebook.ipynb").read_text())  # left as it was


@pytest.mark.parametrize("how", ["entry", "symlink", "glob"])
def test_page_outside_the_book_is_refused_naming_the_entry(tmp_path, how, capsys):
    """Issue 16 item 14: a toc entry, or a symlinked page, that points outside the book is a
    BookError naming the entry (was: a raw ValueError "... is not in the subpath")."""
    from tabbook.cli import main

    book, outside = tmp_path / "book", tmp_path / "outside"
    (book / "chapter_one").mkdir(parents=True)
    outside.mkdir()
    (book / "index.md").write_text("# Book\n", encoding="utf-8")
    (outside / "page.md").write_text(PAGE, encoding="utf-8")
    if how == "entry":
        entry = "- file: ../outside/page"
    elif how == "symlink":
        (book / "chapter_one" / "page.md").symlink_to(outside / "page.md")
        entry = "- file: chapter_one/page"
    else:
        (book / "linked").symlink_to(outside, target_is_directory=True)
        entry = "- glob: linked/*"
    (book / "_toc.yml").write_text(f"format: jb-book\nroot: index\nchapters:\n{entry}\n",
                                   encoding="utf-8")
    with pytest.raises(BookError) as info:
        read_book(book)
    message = str(info.value)
    assert message.startswith("_toc.yml:4: ") and "points outside the book" in message, message
    assert entry.split(": ")[1] in message
    assert main(["--root", str(book), "lib"]) == 1
    err = capsys.readouterr().err
    assert "points outside the book" in err and "Traceback" not in err
