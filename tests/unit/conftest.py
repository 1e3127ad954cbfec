"""Fixtures of the kernel-free tests (tests/unit): the tiny book, read and built.

:func:`sphinx_run` builds the tiny book (:mod:`tinybook`) with Sphinx in this process, as
myst-nb's ``sphinx_run`` fixture does: the hand-written runs are put in the execution
cache under the keys the build computes, so nothing executes.
"""

from __future__ import annotations

import io
import shutil

import pytest

from bookutil import REPO
from tabbook.core.layout import Layout
from tabbook.sources.config import BookConfig
from tabbook.sources.source import Page, read_page
from tabbook.stages.execute import plan, store
from tinybook import CONF_PY, PAGE, TINYBOOK, SphinxResult, executed_runs


@pytest.fixture(scope="session")
def tiny_page() -> Page:
    return read_page(TINYBOOK / PAGE, TINYBOOK)


@pytest.fixture(scope="session")
def sphinx_run(tmp_path_factory) -> SphinxResult:
    """The tiny book built to HTML by Sphinx, from prepared runs, in this process."""
    from sphinx.application import Sphinx

    root = tmp_path_factory.mktemp("tinybook") / "book"
    shutil.copytree(TINYBOOK, root)
    shutil.copytree(REPO / "envs", root / "envs")  # the cache keys hash the requirements
    (root / "conf.py").write_text(CONF_PY, encoding="utf-8")
    page = read_page(root / PAGE, root)
    runs = executed_runs()
    cfg = BookConfig()
    for run in plan([page], root):
        run.notebook = runs[run.framework.name]
        store(run, root, cfg)  # stamped, as a build stores what it executed
    status, warnings = io.StringIO(), io.StringIO()
    layout = Layout(root)
    app = Sphinx(str(root), str(root), str(layout.html_root),
                 str(layout.doctrees()), "html", status=status, warning=warnings,
                 freshenv=True, warningiserror=False)
    app.build()
    return SphinxResult(root, layout.html_root, warnings.getvalue(), status.getvalue())
