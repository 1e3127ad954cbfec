"""Helpers shared by the tests and benchmarks: the repository, building and copying the book."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HTML = REPO / "_build" / "html"
BOOK_FILES = ("_config.yml", "_toc.yml", "index.md", "requirements.txt", "pyproject.toml", "envs", "d2l",
              "static", "chapter_linear-regression", "chapter_linear-classification")


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
        shutil.copytree(cache, dst / "_build" / ".tabbook", symlinks=True)
        (dst / "_build" / ".tabbook" / "html.stamp").unlink(missing_ok=True)
    # (MathJax from npm comes with it, in .tabbook/vendor: no need to fetch it again)
    return dst
