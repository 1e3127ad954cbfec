"""What decides that a page is rebuilt: content hashes, never modification times.

Two levels, both hashes of content:

* **The book** (:func:`tabbook.cli.input_stamp`): every file the build reads, the tool,
  and the environment variables that reach the HTML or the notebooks. When it equals
  the last successful build's *and* everything that build made is still there
  (:func:`missing_outputs`), ``make html`` does nothing.
* **Each page, in each edition** (:func:`page_digest`): its source, the merged notebook
  it is rendered from (so its executed runs: the library, other pages' ``#@save`` code,
  the data files it declares), its catalog, the Colab settings of its buttons, the
  tool's version. The Sphinx extension keeps the digests in the environment and has
  Sphinx re-read (and re-write) every page whose digest changed (``env-get-outdated``),
  whatever the files' mtimes say.

A failed build leaves no stamp, and its Sphinx environment is deleted: Sphinx records
a page that failed to render as read, so the next build would not read it again and
would pass with the page's content silently dropped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import nbformat

from .book import read_book
from .config import BookConfig, load_config
from .digest import tool_digest
from .errors import BookError
from .execute import cache_path, plan
from .i18n import TRANSLATIONS, catalog_path, translations
from .layout import Layout

OUTPUT_ENV = ("TABBOOK_D2L_PACKAGE", "TABBOOK_MATHJAX_DIR")
"""Environment variables whose values reach the HTML or the notebooks (the install cell,
the MathJax copy served): part of the input stamp."""


def environment_digest(environ=None) -> str:
    """Hash of what the environment puts into the output: :data:`OUTPUT_ENV`, and which
    values the build masks as secrets (hashed; a newly set secret changes the outputs)."""
    from .outputs import secret_values

    environ = os.environ if environ is None else environ
    h = hashlib.sha256()
    for name in OUTPUT_ENV:
        h.update(f"{name}={environ.get(name, '')}\0".encode())
    for value in sorted(secret_values(environ)):
        h.update(hashlib.sha256(value.encode()).digest())
    return h.hexdigest()


def page_digest(root: Path, docname: str, source: Path, language: str,
                merged: nbformat.NotebookNode | None, cfg: BookConfig,
                has_notebooks: bool) -> str:
    """Hash of everything one page of one edition shows (see the module's docstring)."""
    from .colab import stamp

    h = hashlib.sha256()
    h.update(f"1\0{tool_digest()}\0{language}\0{docname}\0".encode())
    try:
        h.update(Path(source).read_bytes())
    except OSError:
        pass  # (a removed page: Sphinx drops it)
    h.update(b"\0")
    if merged is not None:
        h.update(nbformat.writes(merged).encode())
    h.update(b"\0")
    catalog = catalog_path(root, language, docname)
    if catalog.is_file():
        h.update(catalog.read_bytes())
    h.update(b"\0")
    if has_notebooks:
        h.update(stamp(cfg).encode())
    return h.hexdigest()


def missing_outputs(root: Path) -> list[str]:
    """Pages without HTML and runs without a cache entry (paths relative to ``root``)."""
    root = Path(root)
    layout = Layout(root)
    try:
        cfg = load_config(root)
        pages = read_book(root)
        runs = plan(pages, root)
    except BookError as exc:  # the build itself reports it
        return [f"(sources that do not read: {exc})"]
    missing = []
    editions = [None] + translations(root)  # and each translated edition's
    for page in pages:
        for edition in editions:
            html = layout.html(edition) / f"{page.docname}.html"
            if not html.is_file():
                missing.append(html.relative_to(root).as_posix())
    for run in runs:
        entry = cache_path(root, cfg, run.key)
        if not entry.is_file():
            missing.append(f"the cache entry of {run.page.relpath} [{run.framework.name}]")
    return missing


def forget_failed_build(root: Path) -> None:
    """Delete Sphinx's environment of a failed build, so the next build reads every page
    (the translated editions' too: each keeps its own beside it)."""
    for doctrees in Layout(root).all_doctrees(TRANSLATIONS):
        shutil.rmtree(doctrees, ignore_errors=True)
