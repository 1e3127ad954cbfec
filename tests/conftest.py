"""Shared fixtures (helpers live in bookutil.py, importable by every test folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookutil import HTML


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs headless Chromium against the built book")
    config.addinivalue_line("markers", "colab_like: runs notebooks in Colab-like environments")
    config.addinivalue_line("markers", "book_build: builds (a copy of) the book")


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The book built by `make html` (make test builds it first)."""
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make html` (make test does it first)")
    return HTML
