"""The build pipeline: ``make html`` and ``make lib`` as the command line runs them.

* :func:`build_html`: the English edition, then each translated one, each in a Sphinx
  process of its own (``python -m tabbook edition <language>``); skipped when nothing the
  build reads changed (:func:`tabbook.stages.freshness.input_stamp`) and everything the
  last build made is still there. The catalogs are checked before Sphinx reads any of
  them; a failed edition leaves no stamp and no Sphinx environment behind.
* After the editions: images no page shows any more are deleted (:func:`prune_images`),
  and so are the editions whose catalogs are gone (:func:`drop_gone_editions`).
* :func:`build_library`: ``d2l/*.py`` from the ``#@save`` code, and the exercise
  checkers' catalogs.

The command line (:mod:`tabbook.cli`) parses the arguments and calls these; nothing here
imports it.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from ..core.layout import Layout
from ..core.lock import book_lock, held_by_parent_env
from ..core.signals import Interrupted, run_child
from ..sources.envs import ROOT


def build_library(root: Path, out: Path | None = None) -> list[Path]:
    """Regenerate ``d2l/*.py`` (into ``out``: default ``<root>/d2l``) from the ``#@save``
    code, and compile the exercise checkers' messages in other languages
    (``d2l/locales/*.po`` -> ``.mo``); the files written."""
    from ..core.files import remove_stray_temps
    from .extract import LIB_DIR, write_library
    from .tryit import compile_catalogs

    out_dir = Path(out) if out is not None else Path(root) / LIB_DIR
    with book_lock(Path(root), "make lib"):
        # an interrupted earlier `make lib` may have left its temporary files
        remove_stray_temps(out_dir)
        paths = write_library(Path(root), out)
        paths += compile_catalogs(out_dir)
    return paths


def prune_images(html_dir: Path) -> int:
    """Delete images no page references (incremental builds leave old plots behind)."""
    images = html_dir / "_images"
    if not images.is_dir():
        return 0
    pages = "".join(p.read_text(encoding="utf-8", errors="replace")
                    for p in html_dir.rglob("*.html"))
    removed = 0
    for img in images.iterdir():
        if img.is_file() and img.name not in pages:
            img.unlink()
            removed += 1
    return removed


def editions_changed(root: Path) -> bool:
    """Whether the last build made other translated editions than the book has now (a
    ``locales/<language>`` added or deleted since)."""
    from ..sources.i18n import TRANSLATIONS, translations

    html = Layout(root).html()
    if not (html / "index.html").is_file():
        return False
    built = {e for e in TRANSLATIONS if (Layout(root).html(e) / "index.html").is_file()}
    return built != set(translations(root))


def drop_gone_editions(root: Path) -> list[Path]:
    """Delete the pages and notebooks of translated editions whose catalogs are gone (a
    deleted ``locales/zh_CN``): nothing downstream (publish, pdf) may find an old edition."""
    from ..sources.config import load_config
    from ..sources.i18n import TRANSLATIONS, translations

    present = set(translations(root))
    colab = Path(root) / load_config(Path(root)).colab_dir
    dropped = []
    for edition in TRANSLATIONS:
        if edition in present:
            continue
        for folder in (Layout(root).html(edition), colab / edition.folder):
            if folder.is_dir():
                shutil.rmtree(folder)
                dropped.append(folder)
                print(f"[tabbook] removed {folder}: the book has no {edition.language} catalogs")
    return dropped


def build_html(root: Path, extra: list[str] = ()) -> int:
    """Build the English edition, then each translated one (each Sphinx run in a child
    process); print where the book is.

    When nothing the build reads has changed since the last successful build, and
    every page and cache entry it made is still there, the build is skipped (Jupyter
    Book alone needs seconds just to start). One build at a time per checkout.

    The English build executes the pages (or takes them from the cache); each translated
    edition (in its folder of the site) then reuses those runs and executes nothing.
    """
    with book_lock(root, "make html"):
        return run_editions(root, list(extra))


def run_editions(root: Path, extra: list[str]) -> int:
    """:func:`build_html` under the book's lock."""
    from .freshness import forget_failed_build, input_stamp, missing_outputs, read_stamp

    layout = Layout(root)
    index = layout.html() / "index.html"
    stamp_file = layout.stamp
    stamp = input_stamp(root)
    last, outputs = read_stamp(root)
    if not extra and index.exists() and last == stamp:
        missing = missing_outputs(root, outputs)
        if not missing:
            print("[tabbook] nothing changed since the last build: executed 0 notebooks")
            print(f"[tabbook] the book is at {index}")
            return 0
        print(f"[tabbook] rebuilding: the last build's {missing[0]} is missing"
              + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    # (imported here: the no-op build above does without Jupyter Book and the pages)
    from ..sources.catalogs import require_valid_catalogs
    from ..sources.i18n import SOURCE, translations
    from .freshness import write_stamp

    stamp_file.unlink(missing_ok=True)
    # catalogs are checked like code, before Sphinx reads any of them (tabbook.sources.catalogs)
    require_valid_catalogs(root)
    if editions_changed(root) and "--all" not in extra:
        # every page's language switch names the editions: re-render them all (from the cache)
        print("[tabbook] the book's translated editions changed: re-rendering every page")
        extra = [*extra, "--all"]

    for edition in [SOURCE, *translations(root)]:  # (each edition notes them anew)
        layout.outputs_note(edition.language).unlink(missing_ok=True)

    for leftover in layout.not_site(translations(root)):  # (never deployed again)
        shutil.rmtree(leftover, ignore_errors=True)
    env = dict(os.environ, **held_by_parent_env(root))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for edition in [SOURCE, *translations(root)]:
        if edition is not SOURCE:
            print(f"[tabbook] building the {edition.name} edition ({edition.language}) into "
                  f"{layout.html(edition).relative_to(root).as_posix()}/", flush=True)
        # one way for every edition: Sphinx with the book's Jupyter Book configuration, in
        # a process of its own (Sphinx keeps translations and registries per process)
        cmd = [sys.executable, "-m", "tabbook", "--root", str(root), "edition",
               edition.language, *(["--all"] if "--all" in extra else [])]
        try:
            returncode = run_child(cmd, env)
        except Interrupted:
            forget_failed_build(root)
            raise
        if returncode != 0:
            # a failure stays a failure: the next build reads every page again
            forget_failed_build(root)
            what = "book" if edition is SOURCE else f"{edition.language}"
            print(f"[tabbook] the {what} build failed (exit {returncode})", file=sys.stderr)
            return returncode
        prune_images(layout.html(edition))
    drop_gone_editions(root)
    write_stamp(root, stamp, [SOURCE.language] + [e.language for e in translations(root)])
    print(f"[tabbook] the book is at {index}")
    return 0
