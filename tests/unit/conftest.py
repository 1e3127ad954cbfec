"""Fixtures of the kernel-free tests (tests/unit): the tiny book, read and built.

:func:`sphinx_run` builds the tiny book (:mod:`tinybook`) with Sphinx in this process, as
myst-nb's ``sphinx_run`` fixture does, and as ``make html`` runs Sphinx
(:func:`tabbook.sphinxext.sphinx_run.run_sphinx`, the book's configuration): the
hand-written runs are put in the execution cache under the keys the build computes, so
nothing executes.
"""

from __future__ import annotations

import pytest

from tabbook.sources.source import Page, read_page
from tinybook import PAGE, TINYBOOK, SphinxResult, build_tiny_copy


@pytest.fixture(scope="session")
def tiny_page() -> Page:
    return read_page(TINYBOOK / PAGE, TINYBOOK)


DISCUSSIONS = {"pytorch": 'https://discuss.example/t/1?a=1&b="2"',
               "jax": "https://discuss.example/t/2"}
"""The tiny page's forum topics in :func:`sphinx_run` (two frameworks of four; a URL with
characters the page must escape)."""


@pytest.fixture(scope="session")
def sphinx_run(tmp_path_factory) -> SphinxResult:
    """The tiny book built to HTML as the book is (its configuration, the one way Sphinx
    is run), from prepared runs, in this process."""
    topics = "".join(f"      {name}: '{url}'\n" for name, url in DISCUSSIONS.items())

    def with_topics(text: str) -> str:  # (the forum topics in the page's front matter)
        return text.replace("---\n", "---\ntabbook:\n  discussions:\n    en:\n" + topics, 1)

    return build_tiny_copy(tmp_path_factory.mktemp("tinybook") / "book", edit=with_topics)
