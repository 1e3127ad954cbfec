"""Shared fixtures (helpers live in bookutil.py, importable by every test folder)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bookutil import HTML, LAYOUT, REPO, run_tool


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs headless Chromium against the built book")
    config.addinivalue_line("markers", "colab_like: runs notebooks in Colab-like environments")
    config.addinivalue_line("markers", "book_build: builds (a copy of) the book")


def pytest_collection_modifyitems(config, items):
    """tests/unit/ first (kernel-free, seconds: a broken stage shows at once), tests/browser/
    last: its session-wide Playwright keeps an event loop running in this thread, which
    would break the tests that run notebooks with asyncio and the browser tests elsewhere
    that start their own Playwright."""
    here = Path(__file__).parent
    unit, browser_dir = here / "unit", here / "browser"

    def rank(item) -> int:
        parents = Path(str(item.path)).parents
        return 0 if unit in parents else 2 if browser_dir in parents else 1

    items.sort(key=rank)


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The book built by `make html` (make test builds it first)."""
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make html` (make test does it first)")
    return HTML


@pytest.fixture(scope="session")
def assembled():
    """`make publish` (into _build/publish) from the book `make html` built: (folder, config)."""
    from tabbook.sources.config import load_config

    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make html` (make test does it first)")
    cfg = load_config(REPO)
    if not cfg.published:
        pytest.skip("_config.yml sets no repository.url: the book is not published")
    env = {k: v for k, v in os.environ.items() if k != "TABBOOK_D2L_PACKAGE"}
    res = run_tool(None, "publish", cwd=REPO, env=env, timeout=900)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    return LAYOUT.publish, cfg


@pytest.fixture
def own_tmp():
    """A short ``$TMPDIR`` for the tool's processes in a test (warm servers make their
    sockets in it): its servers are told apart from those of tests running beside it."""
    tmp = tempfile.mkdtemp(prefix="tb-warm-", dir="/tmp")
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)
