"""What decides that a page is rebuilt: content hashes, never modification times.

Two levels, both hashes of content:

* **The book** (:func:`input_stamp`): every file the build reads, the tool, and the
  environment variables that reach the HTML or the notebooks. When it equals the last
  successful build's (:func:`read_stamp`) *and* everything that build made is still
  there (:func:`missing_outputs`), ``make html`` does nothing; ``make publish`` goes on
  only from a build of the current sources (:func:`require_built`).
* **Each page, in each edition** (:func:`page_digest`): its source, the merged notebook
  it is rendered from (so its executed runs: the library, other pages' ``#@save`` code,
  the data files it declares), its catalog, the Colab settings of its buttons, the
  files Sphinx noted it uses (images, includes), the tool's version. The Sphinx
  extension keeps the digests in the environment and has Sphinx re-read (and re-write)
  every page whose digest changed (``env-get-outdated``), whatever the files' mtimes say.

A failed build leaves no stamp, and its Sphinx environment is deleted: Sphinx records
a page that failed to render as read, so the next build would not read it again and
would pass with the page's content silently dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.digest import environment_digest, tool_digest
from ..core.errors import BookError
from ..core.layout import SKIP_DIRS as LAYOUT_SKIP_DIRS
from ..core.layout import Layout
from ..sources.i18n import TRANSLATIONS, catalog_path

if TYPE_CHECKING:  # (a no-op build imports this module: the pages' readers stay out)
    import nbformat

    from ..sources.config import BookConfig

SKIP_DIRS = {*LAYOUT_SKIP_DIRS, ".venv", ".git", "__pycache__", "node_modules",
             ".pytest_cache", "tests", "benchmarks", ".ci"}
"""Folders of the book's checkout that the input stamp leaves out."""


def input_stamp(root: Path) -> str:
    """Hash of everything a build reads: the book's files, the tool (:func:`tool_digest`)
    and the environment variables that reach the output
    (:func:`tabbook.core.digest.environment_digest`); never a modification time."""
    h = hashlib.sha256()
    base = Path(root)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(".mo"):  # compiled from the .po by the build itself
                continue
            path = Path(dirpath) / name
            h.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    h.update(tool_digest().encode())
    h.update(environment_digest().encode())
    h.update(sys.version.encode())
    return h.hexdigest()


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
    """What one edition's build made and a no-op build relies on: its pages' HTML, the runs'
    cache entries and the Colab notebooks it wrote (in ``tabbook.colab_dir`` and the site's
    ``_colab/``: ``make colab`` checks them, :func:`tabbook.stages.colab.check_colab`)
    (path relative to ``root``, or absolute outside it -> what it is)."""
    from .cache import cache_path
    from .colab import HTML_DIR, notebook_relpath

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
        if not hasattr(run, "framework"):
            continue  # (a language run has no notebook of its own)
        notebook = notebook_relpath(run.framework.name, run.page)
        for folder in (root / cfg.colab_dir / edition.prefix, layout.html(edition) / HTML_DIR):
            made[rel(folder / notebook)] = (
                f"the Colab notebook of {run.page.relpath} [{run.framework.name}]")
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


def require_built(root: Path, command: str) -> None:
    """Refuse to go on unless the last ``make html`` succeeded and the sources are still
    what it built (its stamp, written only by a successful build, matches them): a failed
    build leaves its half-rendered pages in the HTML folder, which must not go out."""
    last, _outputs = read_stamp(root)
    if last is None:
        stamp_file = Layout(root).stamp
        raise BookError(f"the last `make html` failed or did not run (no {stamp_file.name} "
                        f"in {stamp_file.parent.relative_to(root).as_posix()}): fix it and run "
                        f"`make html` before `{command}`")
    if last != input_stamp(Path(root)):
        raise BookError(f"the sources changed since the last `make html`: run `make html` "
                        f"before `{command}`, so that what goes out is what they say")
