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

from ..core.digest import tool_digest
from ..sources.i18n import TRANSLATIONS, catalog_path, translations
from ..core.layout import Layout

if TYPE_CHECKING:  # (a no-op build imports this module: the pages' readers stay out)
    import nbformat

    from ..sources.config import BookConfig

def page_digest(root: Path, docname: str, source: Path, language: str,
                merged: nbformat.NotebookNode | None, cfg: BookConfig,
                has_notebooks: bool, dependencies=()) -> str:
    """Hash of everything one page of one edition shows (see the module's docstring)."""
    from ..core import nbfast
    from .colab import stamp

    h = hashlib.sha256()
    h.update(f"1\0{tool_digest()}\0{language}\0{docname}\0".encode())
    try:
        h.update(Path(source).read_bytes())
    except OSError:
        pass  # (a removed page: Sphinx drops it)
    h.update(b"\0")
    if merged is not None:
        h.update(nbfast.writes(merged).encode())
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


def edition_outputs(root: Path, edition, docnames, runs, cfg) -> dict[str, str]:
    """What one edition's build made and a no-op build relies on: its pages' HTML and the
    runs' cache entries (path relative to ``root``, or absolute outside it -> what it is)."""
    from .execute import cache_path

    root = Path(root).resolve()
    layout = Layout(root)

    def rel(path: Path) -> str:
        path = Path(path).resolve()
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    made = {}
    for docname in docnames:
        html = rel(layout.html(edition) / f"{docname}.html")
        made[html] = html
    made[rel(layout.site_note(edition.language))] = "the record of what it wrote into the site"
    for run in runs:  # (a framework's run, or a language run: tabbook.stages.language_runs)
        which = run.framework.name if hasattr(run, "framework") else f"language {run.language}"
        made[rel(cache_path(root, cfg, run.key))] = (
            f"the cache entry of {run.page.relpath} [{which}]")
    return made


def note_outputs(root: Path, language: str, outputs: dict[str, str]) -> None:
    """Kept by an edition's (successful) Sphinx run for :func:`write_stamp`."""
    from ..core.files import write_atomic

    write_atomic(Layout(root).outputs_note(language), json.dumps(outputs, sort_keys=True))


def expected_outputs(root: Path, languages) -> dict[str, str]:
    """What the editions ``languages`` made in this build (:func:`note_outputs`)."""
    made = {}
    for language in languages:
        try:
            made.update(json.loads(
                Layout(root).outputs_note(language).read_text(encoding="utf-8")))
        except (OSError, ValueError):  # (a Sphinx run that noted nothing: nothing to check)
            continue
    return made


def write_stamp(root: Path, inputs: str, languages) -> None:
    """Record a successful build of the editions ``languages``: its inputs' hash and what
    it made (as each edition noted it: no page is read again here)."""
    from ..core.files import write_atomic

    write_atomic(Layout(root).stamp, json.dumps(
        {"inputs": inputs, "outputs": expected_outputs(root, languages)}, indent=0,
        sort_keys=True))


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
