"""Whether the last build still stands: what a no-op build must check, what a failed one must undo.

A build is skipped when nothing it reads changed (the input stamp) *and* everything
it made is still there: every page's HTML and every cache entry the pages rely on (a
deleted entry would otherwise leave `make colab` asking for a `make html` that does
nothing). A failed build leaves no stamp, and its Sphinx environment is deleted:
Sphinx records a page that failed to render as read, so the next build would not
read it again and would pass with the page's content silently dropped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .book import read_book
from .config import load_config
from .errors import BookError
from .execute import cache_path, plan
from .i18n import TRANSLATIONS, translations

DOCTREES = "_build/.doctrees"
"""Where Jupyter Book keeps Sphinx's pickled environment and doctrees."""


def missing_outputs(root: Path) -> list[str]:
    """Pages without HTML and runs without a cache entry (paths relative to ``root``)."""
    root = Path(root)
    try:
        cfg = load_config(root)
        pages = read_book(root)
        runs = plan(pages, root)
    except BookError as exc:  # the build itself reports it
        return [f"(sources that do not read: {exc})"]
    missing = []
    folders = [""] + [e.folder for e in translations(root)]  # and each translated edition's
    for page in pages:
        for folder in folders:
            html = root / "_build" / "html" / folder / f"{page.docname}.html"
            if not html.is_file():
                missing.append(html.relative_to(root).as_posix())
    for run in runs:
        entry = cache_path(root, cfg, run.key)
        if not entry.is_file():
            missing.append(f"the cache entry of {run.page.relpath} [{run.framework.name}]")
    return missing


def forget_failed_build(root: Path) -> None:
    """Delete Sphinx's environment of a failed build, so the next build reads every page
    (the translated editions' too: tabbook.sphinx_i18n keeps them beside it)."""
    shutil.rmtree(Path(root) / DOCTREES, ignore_errors=True)
    for edition in TRANSLATIONS:
        shutil.rmtree(Path(root) / f"{DOCTREES}-{edition.language}", ignore_errors=True)
