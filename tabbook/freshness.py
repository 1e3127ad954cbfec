"""What decides that a page is rebuilt: content hashes, never modification times.

Two levels, both hashes of content:

* **The book** (:func:`tabbook.cli.input_stamp`): every file the build reads, the tool,
  and the environment variables that reach the HTML or the notebooks. When it equals
  the last successful build's *and* everything that build made is still there
  (:func:`missing_outputs`), ``make html`` does nothing.
* **Each page, in each edition** (:func:`page_digest`): its source, the merged notebook
  it is rendered from (so its executed runs: the library, other pages' ``#@save`` code,
  the data files it declares), its catalog, the Colab settings of its buttons, the
  files Sphinx noted it uses (images, includes), the tool's version. The Sphinx extension keeps the digests in the environment and has
  Sphinx re-read (and re-write) every page whose digest changed (``env-get-outdated``),
  whatever the files' mtimes say.

A failed build leaves no stamp, and its Sphinx environment is deleted: Sphinx records
a page that failed to render as read, so the next build would not read it again and
would pass with the page's content silently dropped.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from typing import TYPE_CHECKING

from .digest import tool_digest
from .i18n import TRANSLATIONS, catalog_path, translations
from .layout import Layout

if TYPE_CHECKING:  # (a no-op build imports this module: the pages' readers stay out)
    import nbformat

    from .config import BookConfig

def page_digest(root: Path, docname: str, source: Path, language: str,
                merged: nbformat.NotebookNode | None, cfg: BookConfig,
                has_notebooks: bool, dependencies=()) -> str:
    """Hash of everything one page of one edition shows (see the module's docstring)."""
    import nbformat

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
    for dep in dependencies:  # the images and included files the page shows
        h.update(b"\0" + str(dep).encode() + b"\0")
        try:
            h.update(Path(dep).read_bytes())
        except OSError:
            h.update(b"(missing)")
    return h.hexdigest()


def expected_outputs(root: Path) -> dict[str, str]:
    """What a successful build made and a no-op build relies on: every page's HTML in
    every edition and every run's cache entry (path relative to ``root`` -> what it is)."""
    from .book import read_book
    from .config import load_config
    from .execute import cache_path, plan

    root = Path(root)
    layout = Layout(root)
    cfg = load_config(root)
    pages = read_book(root)
    made = {}
    editions = [None] + translations(root)  # and each translated edition's
    for page in pages:
        for edition in editions:
            html = layout.html(edition) / f"{page.docname}.html"
            made[html.relative_to(root).as_posix()] = html.relative_to(root).as_posix()
    for run in plan(pages, root):
        entry = cache_path(root, cfg, run.key).resolve()
        rel = entry.relative_to(root.resolve()).as_posix() if entry.is_relative_to(root.resolve()) \
            else entry.as_posix()
        made[rel] = f"the cache entry of {run.page.relpath} [{run.framework.name}]"
    return made


def write_stamp(root: Path, inputs: str) -> None:
    """Record a successful build: its inputs' hash and what it made."""
    from .files import write_atomic

    write_atomic(Layout(root).stamp, json.dumps(
        {"inputs": inputs, "outputs": expected_outputs(root)}, indent=0, sort_keys=True))


def read_stamp(root: Path) -> tuple[str | None, dict[str, str]]:
    """The last successful build's inputs hash and outputs (None, {} when there is none)."""
    try:
        data = json.loads(Layout(root).stamp.read_text(encoding="utf-8"))
        return str(data["inputs"]), dict(data["outputs"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, {}


def missing_outputs(root: Path, outputs: dict[str, str]) -> list[str]:
    """Of a build's ``outputs`` (:func:`read_stamp`), those that are gone: no source is
    parsed, nothing Sphinx is imported (the no-op build is this and the input stamp)."""
    root = Path(root)
    return [what for rel, what in outputs.items() if not (root / rel).is_file()]


def forget_failed_build(root: Path) -> None:
    """Delete Sphinx's environment of a failed build, so the next build reads every page
    (the translated editions' too: each keeps its own beside it)."""
    for doctrees in Layout(root).all_doctrees(TRANSLATIONS):
        shutil.rmtree(doctrees, ignore_errors=True)
