"""The one way Sphinx is run: the book's Jupyter Book configuration, the tool's settings.

* :func:`run_sphinx`: Sphinx on the book as ``jupyter-book build`` runs it (the book's
  ``_config.yml`` and ``_toc.yml`` made into Sphinx's configuration by Jupyter Book, so
  the extensions are the book's), with the MyST extensions of the tool's reader
  (:data:`tabbook.core.myst_markdown.MYST_EXTENSIONS`) and warnings as errors. Every
  Sphinx run of the tool goes through it: each edition's HTML, the gettext extraction
  (:mod:`tabbook.sphinxext.sphinx_gettext`), and the tests' builds of small books; the
  extension refuses a run started otherwise (``jupyter-book build .``: :data:`RUN_BY_TOOL`).
* :func:`build_edition` (``python -m tabbook edition <language>``, which ``python -m
  tabbook html`` runs in a child process for each edition: :mod:`tabbook.stages.pipeline`):
  one edition's HTML into the edition's folder of :class:`tabbook.core.layout.Layout`. A
  translated edition sets ``language`` and reads the book's catalogs compiled into the
  build folder; it executes nothing: the pages' runs come from the cache the English
  build filled.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..core.layout import Layout
from ..sources.catalog_build import compile_tool_catalogs
from ..sources.i18n import SOURCE, Edition, edition_of

RUN_BY_TOOL = "tabbook_run_sphinx"
"""A setting only :func:`run_sphinx` sets: the extension (:mod:`tabbook.sphinxext.sphinx_ext`)
refuses a Sphinx run started otherwise (``jupyter-book build .``), which would build
without the book's lock, input stamp, catalog checks, MyST extensions or translated
editions."""


def run_sphinx(root: Path, builder: str, outdir: Path, doctreedir: Path, overrides: dict,
               *, force_all: bool = False) -> int:
    """Run Sphinx on the book as ``jupyter-book build`` does, with ``overrides``; warnings
    are errors (every warning is reported first). ``force_all``: read and write every
    page again, from a fresh environment (``jupyter-book build --all``)."""
    from jupyter_book.sphinx import build_sphinx

    from ..core.myst_markdown import MYST_EXTENSIONS
    from ..sources.config import config_file

    root = Path(root).resolve()
    confoverrides = {"external_toc_path": (root / "_toc.yml").as_posix(),
                     "latex_individualpages": False,
                     "myst_enable_extensions": list(MYST_EXTENSIONS), RUN_BY_TOOL: True,
                     **overrides}
    config = config_file(root)
    result = build_sphinx(root, Path(outdir), noconfig=True,
                          path_config=str(config) if config else None,
                          confoverrides=confoverrides, builder=builder,
                          doctreedir=Path(doctreedir), warningiserror=True, keep_going=True,
                          force_all=force_all, freshenv=force_all)
    return result if isinstance(result, int) else 1


def edition_overrides(root: Path, edition: Edition, tool_locale: Path | None) -> dict:
    """Sphinx settings of a translated edition. ``locale_dirs``: the tool's catalogs
    (compiled into ``tool_locale``; Sphinx reads its "sphinx" domain before any extension
    starts), then Sphinx's and the extensions' own; the book's catalogs are compiled and
    put first at ``config-inited`` (:mod:`tabbook.sphinxext.sphinx_i18n`)."""
    return {"language": edition.language,
            "locale_dirs": [str(tool_locale)] if tool_locale else [],
            "gettext_compact": False, "gettext_auto_build": False,
            "html_search_language": edition.search_language}


def build_edition(root: Path, language: str, force_all: bool = False) -> int:
    """Build the edition ``language`` (``en``: the book's own) into its HTML folder."""
    layout = Layout(Path(root).resolve())
    if language == SOURCE.language:
        return run_sphinx(layout.root, "html", layout.html(), layout.doctrees(), {},
                          force_all=force_all)
    edition = edition_of(language)
    if edition is SOURCE:
        print(f"error: no edition for language {language!r}", file=sys.stderr)
        return 2
    import os

    from ..core.lock import HELD_ENV

    if os.environ.get(HELD_ENV) != str(layout.root):  # (`make html` checked them already)
        from ..sources.catalogs import check_catalogs

        problems = check_catalogs(layout.root)
        if problems:
            print("error: the translations' catalogs:\n  " + "\n  ".join(problems),
                  file=sys.stderr)
            return 1
    # before Sphinx starts: it reads the "sphinx" domain's catalogs first thing
    tool_locale = tool_catalogs(edition.language, layout.tool_locale)
    return run_sphinx(layout.root, "html", layout.html(edition), layout.doctrees(edition),
                      edition_overrides(layout.root, edition, tool_locale),
                      force_all=force_all)



_COMPILED: dict[tuple[str, Path], Path | None] = {}


def tool_catalogs(language: str, dest: Path) -> Path | None:
    """The tool's catalogs of ``language`` compiled into ``dest``, once per process
    (:func:`build_edition` compiles them before Sphinx starts; the extension's ``setup``,
    for a run of a translated edition that :func:`build_edition` did not start)."""
    key = (language, Path(dest).resolve())
    if key not in _COMPILED:
        _COMPILED[key] = compile_tool_catalogs(language, dest)
    return _COMPILED[key]
