"""Where the tool writes and reads under ``_build/``: every such path, per edition, in one place.

Nothing else in ``tabbook/`` spells ``_build``; ask a :class:`Layout` instead::

    _build/
      html/                    the site: the English edition, each translation in html/<folder>/
      .doctrees/               Sphinx's environment of the English edition
      .doctrees-<language>/    ... and of each translated edition
      .tabbook/                the tool's own state, and tabbook.cache_dir's default:
        exec/                    the execution cache (one executed notebook per run)
        kernel-logs/             each run's kernel stderr
        html.stamp               the inputs of the last successful build
        catalogs-checked.json    the hashes of the catalogs found sound
        templates/               the theme's Jinja templates, compiled
        locale/book/, locale/tool/   catalogs compiled from this build's .po files
        vendor/                  KaTeX's staged stylesheet and fonts (not part of the site)
      jupyter_execute[-<language>]/  myst-nb's notebooks and output files of an edition
      .tabbook.lock            one tabbook command at a time
      colab/                   the Colab notebooks (tabbook.colab_dir by default)
      gettext/                 the English messages (.pot) of `make translations`
      pdf/                     `make pdf`
      publish/                 `make publish`
      workflow/                `make workflow`'s runs (tools/workflow)

Shell asks for a path by its name (:data:`NAMED`): ``python -m tabbook path exec-cache``.

This module imports nothing of the tool (every other module may import it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BUILD_DIR = "_build"
"""The build folder, relative to the book's root."""
DEFAULT_CACHE_DIR = f"{BUILD_DIR}/.tabbook"
"""The tool's own state (:attr:`Layout.state`), and the default of ``tabbook.cache_dir``, the
folder of the execution cache (:attr:`Layout.exec_cache`); relative to the book's root."""
DEFAULT_COLAB_DIR = f"{BUILD_DIR}/colab"
"""``tabbook.colab_dir``'s default (relative to the book's root)."""
PUBLISH_DIR = f"{BUILD_DIR}/publish"
"""Where ``make publish`` assembles what it deploys (relative to the book's root)."""
LOCK_FILE = f"{BUILD_DIR}/.tabbook.lock"
"""The book's lock (relative to the book's root)."""
SKIP_DIRS = frozenset({BUILD_DIR})
"""Folders of the book that hold no source (what the toc and the input stamp skip)."""


NAMED = {"build": "build", "html": "html_root", "state": "state", "exec-cache": "exec_cache",
         "kernel-logs": "kernel_logs", "gettext": "gettext", "pdf": "pdf", "publish": "publish",
         "workflow": "workflow"}
"""The paths that shell (the workflow file, the Makefile) asks for by name, ``python -m tabbook
path NAME`` (:meth:`Layout.named`): name -> the :class:`Layout` attribute that gives it."""


class _Below:
    """A path of the layout that is a fixed ``name`` below another of its paths (``base``, an
    attribute of the :class:`Layout`): declared once, as one row of the layout's table."""

    def __init__(self, base: str, name: str, doc: str = "") -> None:
        self.base, self.name, self.__doc__ = base, name, doc

    def __get__(self, layout: Layout | None, owner: type | None = None):
        return self if layout is None else getattr(layout, self.base) / self.name


class _PerLanguage(_Below):
    """A path of the layout per edition's language: ``name`` with ``{}`` for the language,
    asked for as ``layout.site_note("zh_CN")``."""

    def __get__(self, layout: Layout | None, owner: type | None = None):
        if layout is None:
            return self
        return lambda language: getattr(layout, self.base) / self.name.format(language)


@dataclass(frozen=True)
class Layout:
    """The ``_build`` folder of the book at ``root``, and the execution cache in ``cache_dir``."""

    root: Path
    cache_dir: str = DEFAULT_CACHE_DIR
    """``tabbook.cache_dir`` (:attr:`BookConfig.cache_dir
    <tabbook.sources.config.BookConfig.cache_dir>`): the execution cache's folder, relative
    to ``root`` or absolute. ``Layout(root, cfg.cache_dir)`` wherever the settings are read."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    build = _Below("root", BUILD_DIR)

    # --- the site -------------------------------------------------------------------
    html_root = _Below("build", "html", """The site: the English edition's HTML, with each
        translation in a folder.""")

    def html(self, edition=None) -> Path:
        """An edition's HTML folder (``edition.folder`` below the English one)."""
        folder = getattr(edition, "folder", "") if edition is not None else ""
        return self.html_root / folder if folder else self.html_root

    def doctrees(self, edition=None) -> Path:
        """Sphinx's environment and doctrees of an edition."""
        folder = getattr(edition, "folder", "") if edition is not None else ""
        if not folder:
            return self.build / ".doctrees"
        return self.build / f".doctrees-{edition.language}"

    def notebook_outputs(self, edition=None) -> Path:
        """Where myst-nb writes a page's notebook and output files before Sphinx copies
        what a page uses (its own default is the outdir's parent: for a translated
        edition, the site itself)."""
        folder = getattr(edition, "folder", "") if edition is not None else ""
        return self.build / ("jupyter_execute" if not folder
                             else f"jupyter_execute-{edition.language}")

    def jupyter_cache(self, edition=None) -> Path:
        folder = getattr(edition, "folder", "") if edition is not None else ""
        name = ".jupyter_cache" if not folder else f".jupyter_cache-{edition.language}"
        return self.build / name

    def not_site(self, editions) -> list[Path]:
        """What earlier versions of the tool left in the site that is not part of it (the
        staged KaTeX, myst-nb's intermediates of a translated edition)."""
        paths = [self.html_root / ".vendor", self.build / ".vendor"]
        for edition in editions:
            if getattr(edition, "folder", ""):
                paths += [self.html(edition).parent / "jupyter_execute",
                          self.html(edition).parent / ".jupyter_cache"]
        return paths

    def all_doctrees(self, editions) -> list[Path]:
        return [self.doctrees(None)] + [self.doctrees(e) for e in editions if e.folder]

    # --- the tool's own state -----------------------------------------------------
    state = _Below("root", DEFAULT_CACHE_DIR)

    @property
    def cache(self) -> Path:
        """The execution cache's folder (``tabbook.cache_dir``)."""
        return self.root / self.cache_dir

    exec_cache = _Below("cache", "exec", """The execution cache: one executed notebook per run,
        ``<key>.ipynb``, named by the content hash of what ran (a shard, mergeable by copying
        files: docs/cache.md).""")
    kernel_logs = _Below("cache", "kernel-logs", """Each run's kernel stderr
        (``<docname>.<framework>.log``), and the warm kernel servers'
        (``warm.<framework>.log``).""")
    stamp = _Below("state", "html.stamp", """The inputs of the last successful ``make html``
        (:func:`tabbook.stages.freshness.input_stamp`).""")
    outputs_note = _PerLanguage("state", "outputs-{}.json", """What an edition's last
        successful Sphinx run made (for the input stamp), by language.""")
    site_note = _PerLanguage("state", "site-{}.json", """The files of an edition's HTML folder
        that its builds wrote (what `make publish` copies: :mod:`tabbook.stages.sitefiles`),
        by language.""")
    site_start = _PerLanguage("state", "site-{}.start", """Touched when an edition's Sphinx run
        starts (what it writes is newer), by language.""")
    checked_catalogs = _Below("state", "catalogs-checked.json", """The hashes of the catalogs the
        last builds found sound (checked again only when one changes:
        :func:`tabbook.sources.catalogs.require_valid_catalogs`).""")
    templates = _Below("state", "templates", """The theme's Jinja templates, compiled (checked
        against their source at each use).""")
    lock = _Below("root", LOCK_FILE, "One tabbook command at a time.")
    book_locale = _Below("state", "locale/book", """The book's catalogs compiled from this
        build's ``.po`` files (a ``locale_dirs`` folder):
        ``<language>/LC_MESSAGES/<docname>.mo``.""")
    tool_locale = _Below("state", "locale/tool", """The tool's catalogs (``tabbook.mo``,
        ``sphinx.mo``), compiled at every build.""")
    vendor = _Below("state", "vendor", """Third-party files the build stages (KaTeX's stylesheet
        and fonts); never part of the site.""")

    # --- other outputs -----------------------------------------------------------------
    gettext = _Below("build", "gettext", """The English messages (``<docname>.pot``) that
        ``make translations`` extracts.""")
    gettext_doctrees = _Below("build", ".doctrees-gettext", "Sphinx's environment of it.")
    pdf = _Below("build", "pdf", "``make pdf``'s PDFs.")
    publish = _Below("root", PUBLISH_DIR, "What ``make publish`` assembles.")
    workflow = _Below("build", "workflow", """Where ``make workflow`` keeps its runs (the
        artifacts, the emulated repository, the logs: ``tools/workflow``).""")

    def named(self, name: str) -> Path:
        """The path shell asks for by ``name`` (:data:`NAMED`)."""
        if name not in NAMED:
            raise KeyError(f"no path named {name!r} (the names: {', '.join(NAMED)})")
        return getattr(self, NAMED[name])
