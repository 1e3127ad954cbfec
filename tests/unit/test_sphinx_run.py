"""Sphinx is run one way (issue 29): the book's run (tabbook.sphinxext.sphinx_run.run_sphinx),
with the book's Jupyter Book configuration; a run started otherwise, as ``jupyter-book
build .`` starts one, is refused with what to use instead."""

from __future__ import annotations

import contextlib
import io

from tabbook.core.layout import Layout
from tinybook import copy_tiny_book


def test_a_plain_jupyter_book_build_is_refused(tmp_path):
    from jupyter_book.sphinx import build_sphinx

    root = copy_tiny_book(tmp_path / "book")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        # what `jupyter-book build <root>` calls
        result = build_sphinx(root, Layout(root).html(), noconfig=True,
                              path_config=str(root / "_config.yml"),
                              confoverrides={"latex_individualpages": False}, builder="html")
    assert result != 0
    assert "this book is built by `make html`" in out.getvalue(), out.getvalue()[-2000:]
    assert not (Layout(root).html() / "chapter_demo" / "page.html").exists()


def test_the_tiny_book_is_built_with_the_books_configuration(sphinx_run):
    """The unit tests' builds are the book's: its theme, the extensions of its _config.yml
    (sphinx-exercise), the tool's MyST extensions, no warning."""
    import pickle

    from tabbook.core.layout import Layout
    from tabbook.core.myst_markdown import MYST_EXTENSIONS

    assert sphinx_run.returncode == 0 and sphinx_run.warnings == "", sphinx_run.warnings
    html = sphinx_run.page("chapter_demo/page")
    assert 'class="bd-article' in html  # sphinx-book-theme's article
    assert "_static/exercise.css" in html  # sphinx-exercise, from the book's _config.yml
    with (Layout(sphinx_run.root).doctrees() / "environment.pickle").open("rb") as f:
        config = pickle.load(f).config
    assert list(config.myst_enable_extensions) == list(MYST_EXTENSIONS)
