"""Shared fixtures: the repository, building a book, copying it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HTML = REPO / "_build" / "html"
BOOK_FILES = ("_config.yml", "_toc.yml", "index.md", "requirements.txt", "envs", "d2l",
              "static", "chapter_linear-regression", "chapter_linear-classification")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs headless Chromium against the built book")
    config.addinivalue_line("markers", "colab_like: runs notebooks in Colab-like environments")
    config.addinivalue_line("markers", "book_build: builds (a copy of) the book")


def build(root: Path, *extra: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    """Build the book at ``root`` the way `make html` does; return the finished process."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "tabbook", "--root", str(root), "html", *extra],
                          capture_output=True, text=True, env=env, timeout=timeout)


def runs_of(output: str) -> list[tuple[str, str, str]]:
    """(executed|cached, page, framework) for each line the build printed."""
    return re.findall(r"\[tabbook\] (executed|cached)\s+(\S+) \[(\w+)\]", output)


def copy_book(dst: Path, with_cache: bool = True) -> Path:
    """A copy of the repository's book (sources, library, and its execution cache)."""
    for name in BOOK_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dst / name)
    cache = REPO / "_build" / ".tabbook"
    if with_cache and cache.is_dir():
        shutil.copytree(cache, dst / "_build" / ".tabbook")
    return dst


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The book built by `make html` (make test builds it first)."""
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make html` (make test does it first)")
    return HTML
