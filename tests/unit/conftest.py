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


@pytest.fixture(scope="session")
def sphinx_run(tmp_path_factory) -> SphinxResult:
    """The tiny book built to HTML as the book is (its configuration, the one way Sphinx
    is run), from prepared runs, in this process."""
    return build_tiny_copy(tmp_path_factory.mktemp("tinybook") / "book")
