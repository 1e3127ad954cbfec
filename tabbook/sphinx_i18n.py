"""The editions on the Sphinx side: the one way Sphinx is run, and the translations.

* :func:`build_edition` (``python -m tabbook edition <language>``, which ``python -m
  tabbook html`` runs in a child process for each edition): one edition's HTML, with
  Jupyter Book's configuration (:func:`run_sphinx`, the only place Sphinx is started),
  into the edition's folder of :class:`tabbook.layout.Layout`. A translated edition
  sets ``language`` and reads the book's catalogs compiled into the build folder; it
  executes nothing: the pages' runs come from the cache the English build filled.
* :func:`extract` (``python -m tabbook extract-messages <dir>``): the English messages,
  one ``.pot`` per page (Sphinx's gettext builder, ``gettext_compact = False``), from the
  same merged notebooks the HTML build reads; :func:`update` (``python -m tabbook i18n``,
  ``make translations``) then runs ``sphinx-intl update``: new messages appear
  untranslated, changed ones fuzzy.
* The extension (``app.setup_extension("tabbook.sphinx_i18n")``): the tool's own strings
  (catalog ``tabbook``, compiled at build time), Chinese search, a language switch on
  every page with ``<link rel="alternate" hreflang>``, and a report, page by page, of
  the messages a translated edition still shows in English (untranslated, fuzzy, or
  missing from the catalog because the English changed).
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

from . import __version__
from .i18n import (LOCALES, SOURCE, UI_DOMAIN, Edition, Problem, compile_book_catalogs,
                   compile_tool_catalogs, edition_of, link_to, page_catalog, translations,
                   ui_strings)
from .errors import BookError
from .layout import Layout
JB_SEARCH_TEXT = "Search this book..."
"""Jupyter Book's default ``search_bar_text``."""


# ---------------------------------------------------------------------------
# Running Sphinx with the book's Jupyter Book configuration


def run_sphinx(root: Path, builder: str, outdir: Path, doctreedir: Path, overrides: dict,
               *, force_all: bool = False) -> int:
    """Run Sphinx on the book as ``jupyter-book build`` does, with ``overrides``; warnings
    are errors (every warning is reported first). ``force_all``: read and write every
    page again, from a fresh environment (``jupyter-book build --all``)."""
    from jupyter_book.sphinx import build_sphinx

    root = Path(root).resolve()
    confoverrides = {"external_toc_path": (root / "_toc.yml").as_posix(),
                     "latex_individualpages": False, **overrides}
    config = root / "_config.yml"
    result = build_sphinx(root, Path(outdir), noconfig=True,
                          path_config=str(config) if config.exists() else None,
                          confoverrides=confoverrides, builder=builder,
                          doctreedir=Path(doctreedir), warningiserror=True, keep_going=True,
                          force_all=force_all, freshenv=force_all)
    return result if isinstance(result, int) else 1


def edition_overrides(root: Path, edition: Edition, tool_locale: Path | None) -> dict:
    """Sphinx settings of a translated edition. ``locale_dirs``: the tool's catalogs
    (compiled into ``tool_locale``; Sphinx reads its "sphinx" domain before any extension
    starts), then Sphinx's and the extensions' own; the book's catalogs are compiled and
    put first at ``config-inited`` (:func:`_config_inited`)."""
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
    # before Sphinx starts: it reads the "sphinx" domain's catalogs first thing
    tool_locale = _tool_catalogs(edition.language, layout.tool_locale)
    return run_sphinx(layout.root, "html", layout.html(edition), layout.doctrees(edition),
                      edition_overrides(layout.root, edition, tool_locale),
                      force_all=force_all)


def extract(root: Path, pot_dir: Path) -> int:
    """The English messages of every page into ``pot_dir/<docname>.pot``."""
    root = Path(root).resolve()
    pot_dir = Path(pot_dir).resolve()
    layout = Layout(root)
    doctrees = (layout.gettext_doctrees() if pot_dir == layout.gettext
                else pot_dir.parent / f".doctrees-{pot_dir.name}")
    return run_sphinx(root, "gettext", pot_dir, doctrees,
                      {"gettext_compact": False, "gettext_uuid": False,
                       "gettext_location": True}, force_all=True)


def update(root: Path, languages: list[str] | None = None) -> int:
    """Extract the English messages, then update every translation's catalogs."""
    from sphinx_intl import basic

    root = Path(root).resolve()
    pot_dir = Layout(root).gettext
    status = extract(root, pot_dir)
    if status:
        return status
    languages = languages or [e.language for e in translations(root)]
    if not languages:
        print("[tabbook] the book has no translations (locales/<language>/LC_MESSAGES)")
        return 0
    result = basic.update(str(root / LOCALES), str(pot_dir), tuple(languages), jobs=1)
    print(f"[tabbook] catalogs of {', '.join(languages)}: {result}")
    from .i18n import catalog_problems
    from .toc import book_sources

    docnames = [Path(p).with_suffix("").as_posix() for p in book_sources(root)]
    for language in languages:
        problems = catalog_problems(root, language, docnames)
        print(f"[tabbook] {language}: {len(problems)} messages to translate or review")
        for problem in problems:
            print(f"[tabbook]   {problem}")
    return 0


# ---------------------------------------------------------------------------
# The extension


_COMPILED: dict[tuple[str, Path], Path | None] = {}


def _tool_catalogs(language: str, dest: Path) -> Path | None:
    """The tool's catalogs compiled once per process (:func:`build_edition` compiles them
    before Sphinx starts; the extension's ``setup``, for a Sphinx started otherwise)."""
    key = (language, Path(dest).resolve())
    if key not in _COMPILED:
        _COMPILED[key] = compile_tool_catalogs(language, dest)
    return _COMPILED[key]


def _ui_locale_dir(app) -> Path:
    return Layout(Path(app.srcdir)).tool_locale


def _config_inited(app, config) -> None:
    edition = edition_of(config.language)
    if edition is SOURCE:
        return
    root = Path(app.srcdir)
    # the book's catalogs, compiled from this build's .po files into the build folder (never a .mo
    # of the source tree, which may be left over from a catalog since deleted), first
    try:
        book_locale = compile_book_catalogs(root, edition.language, Layout(root).book_locale)
    except BookError as exc:
        from sphinx.errors import ExtensionError

        raise ExtensionError(f"[tabbook] {exc}") from None
    source_locales = (root / LOCALES).resolve()
    dirs = [str(d) for d in (config.locale_dirs or [])
            if (root / d).resolve() != source_locales and Path(d).resolve() != book_locale.resolve()]
    config.locale_dirs = [str(book_locale)] + dirs
    # Sphinx would compile a .po it finds in locale_dirs next to it (by mtime); the tool
    # compiles every catalog itself, by content
    config.gettext_auto_build = False
    config.gettext_compact = False
    config.html_search_language = edition.search_language
    from sphinx.locale import get_translation

    _ = get_translation(UI_DOMAIN)
    options = dict(config.html_theme_options or {})
    if options.get("search_bar_text", JB_SEARCH_TEXT) == JB_SEARCH_TEXT:
        options["search_bar_text"] = str(_("Search this book..."))
        config.html_theme_options = options
    # the book's title is the root page's title: its translation is in that page's catalog
    title = page_catalog(root, edition.language, config.root_doc).get(config.html_title or "")
    if title:
        config.html_title = title


GETTEXT_IMAGES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif")
"""The image types of a cell's outputs that the gettext builder takes (before text/plain)."""


def _extract_output_images(app) -> None:
    """Have the gettext builder take a cell output's image instead of its text/plain.

    myst-nb keeps a cell output's image, with the alt text the author wrote in the cell's
    metadata (``mystnb: image: alt:``), next to its text/plain until a post-transform
    picks one of them for the builder; for gettext it picks text/plain (which is no
    message), so the alt text would not reach the catalogs. With the image picked, the
    gettext builder extracts its alt text as a message of the page, and a translated
    edition's Locale transform (which sees every output before the pick) translates it.
    """
    overrides = list(app.config.nb_mime_priority_overrides or [])
    overrides += [("gettext", mime, i) for i, mime in enumerate(GETTEXT_IMAGES, start=1)]
    app.config.nb_mime_priority_overrides = overrides


def _keep_intermediates_out_of_the_site(app) -> None:
    """myst-nb writes its notebooks and output files next to the outdir, which for a
    translated edition is inside the site: put them in the build folder instead."""
    edition = edition_of(app.config.language)
    if edition is SOURCE or not hasattr(app.env, "mystnb_config"):
        return
    layout = Layout(Path(app.srcdir))
    app.env.mystnb_config = app.env.mystnb_config.copy(
        output_folder=str(layout.notebook_outputs(edition).resolve()),
        execution_cache_path=str(layout.jupyter_cache(edition).resolve()))


def _builder_inited(app) -> None:
    edition = edition_of(app.config.language)
    if app.builder.name == "gettext":
        _extract_output_images(app)
    if app.builder.format != "html":
        return
    root = Path(app.srcdir)
    if edition is not SOURCE or translations(root):
        app.add_js_file("tabbook-lang.js", loading_method="defer")
        app.add_css_file("tabbook-lang.css")
    strings = ui_strings(edition.language, "js:")
    if strings:  # the reader scripts' strings (static/*.js look them up)
        app.add_js_file(None, body="window.TABBOOK_STRINGS = "
                        + json.dumps({k[3:]: v for k, v in strings.items()}, ensure_ascii=False)
                        + ";")


def _translate_toctree_captions(app, doctree) -> None:
    """Translate the captions of the toc's toctrees ("Contents").

    sphinx-external-toc adds the toctrees after Sphinx's Locale transform has run; their
    captions are messages of the page's catalog all the same (the gettext builder
    extracts them), and the sidebar shows them.
    """
    from sphinx import addnodes

    edition = edition_of(app.config.language)
    if edition is SOURCE:
        return
    catalog = page_catalog(Path(app.srcdir), edition.language, app.env.docname)
    for toctree in doctree.findall(addnodes.toctree):
        caption = toctree.get("caption")
        if caption and catalog.get(caption):
            toctree["caption"] = catalog[caption]
            if "rawcaption" in toctree:
                toctree["rawcaption"] = catalog[caption]


def _toc_docnames(app) -> set[str]:
    from .sphinx_state import state_of

    state = state_of(app.env)
    return set(state.pages) if state.ready else set(app.env.found_docs)


def _note_untranslated(app, doctree, docname) -> None:
    """Note the messages a page of a translated edition still shows in English.

    At ``doctree-resolved``: the doctree then holds exactly the messages the gettext
    builder extracts (it extracts from the resolved doctree: front matter and generated
    titles are gone), and Sphinx's Locale transform has marked the translated ones.
    """
    from sphinx.util.nodes import extract_messages

    edition = edition_of(app.config.language)
    if edition is SOURCE or docname not in _toc_docnames(app):
        return
    root = Path(app.srcdir)
    catalog = page_catalog(root, edition.language, docname)
    fuzzy, untranslated = _open_msgids(root, edition.language, docname)
    translations_ = {m.replace("\n", " ").strip() for m in catalog.values()}
    problems = []
    for node, msg in extract_messages(doctree):
        # (a translation put in by the tool itself, as a toc caption, is no message; the
        # alt text of an image, a cell output's included, is one: see _extract_output_images)
        if node.get("translated") or not msg.strip() or msg in catalog \
                or msg.replace("\n", " ").strip() in translations_:
            continue
        kind = ("fuzzy" if msg in fuzzy else "untranslated" if msg in untranslated
                else "not in the catalog")
        problems.append(Problem(docname, kind, msg))
    store = _load_store(app)
    store[docname] = [[p.kind, p.msgid] for p in problems]
    _save_store(app, store)


def _store_path(app) -> Path:
    # pages not rewritten by an incremental build keep what was noted when they were
    return Path(app.doctreedir) / "tabbook-untranslated.json"


def _load_store(app) -> dict:
    try:
        return json.loads(_store_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_store(app, store: dict) -> None:
    from .files import write_atomic

    write_atomic(_store_path(app), json.dumps(store, ensure_ascii=False, indent=1, sort_keys=True))


def _open_msgids(root: Path, language: str, docname: str) -> tuple[set, set]:
    """A page's fuzzy msgids and its untranslated ones (as Sphinx keys them)."""
    from .i18n import catalog_problems

    fuzzy, untranslated = set(), set()
    for problem in catalog_problems(root, language, [docname]):
        flat = problem.msgid.replace("\n", " ").strip()
        (fuzzy if problem.kind == "fuzzy" else untranslated).add(flat)
    return fuzzy, untranslated


def _report(app, exception) -> None:
    """Name every message of a toc page that the edition shows in English."""
    if exception is not None:
        return
    edition = edition_of(app.config.language)
    if edition is SOURCE or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    store = _load_store(app)
    toc = _toc_docnames(app)
    problems = [Problem(d, kind, msg) for d in sorted(store) if d in toc for kind, msg in store[d]]
    if not problems:
        logger.info(f"[tabbook] {edition.language}: every message of every page is translated")
        return
    for problem in problems:
        logger.info(f"[tabbook] warning: {edition.language}: {problem}", color="red")
    logger.info(f"[tabbook] warning: {edition.language}: {len(problems)} messages shown in "
                f"English; translate them in {LOCALES}/{edition.language}/LC_MESSAGES/"
                f"<page>.po (`make translations` updates the catalogs)", color="red")


def switch_html(edition: Edition, docname: str, root: Path, label: str) -> str:
    """The language switch: a link to the same page in each other edition."""
    links = []
    for other in [SOURCE, *translations(root)]:
        if other == edition:
            continue
        links.append(f'<a class="tabbook-lang-link" href="{html.escape(link_to(edition, other, docname))}" '
                     f'hreflang="{other.html_lang}" lang="{other.html_lang}" '
                     f'data-tabbook-lang="{other.language}">{html.escape(other.name)}</a>')
    if not links:
        return ""
    return (f'<nav class="tabbook-lang" aria-label="{html.escape(label)}">'
            + " ".join(links) + "</nav>\n")


def _html_page_context(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or "body" not in context:
        return
    from sphinx.locale import get_translation

    _ = get_translation(UI_DOMAIN)
    root = Path(app.srcdir)
    edition = edition_of(app.config.language)
    block = switch_html(edition, pagename, root, str(_("Language")))
    if not block:
        return
    context["body"] = block + context["body"]
    alternates = "".join(
        f'<link rel="alternate" hreflang="{e.html_lang}" '
        f'href="{html.escape(link_to(edition, e, pagename))}" />\n'
        for e in [SOURCE, *translations(root)])
    context["metatags"] = context.get("metatags", "") + alternates


def setup(app) -> dict:
    from sphinx.util import logging

    # the tool's own strings: compiled here, from tabbook/locales/, at every build
    if edition_of(app.config.language) is not SOURCE:
        locale_dir = _tool_catalogs(app.config.language, _ui_locale_dir(app))
        if locale_dir is not None:
            app.add_message_catalog(UI_DOMAIN, str(locale_dir))
        else:
            logging.getLogger(__name__).info(
                f"[tabbook] no catalog of the tool's strings for {app.config.language}")
    app.connect("config-inited", _config_inited, priority=800)
    app.connect("builder-inited", _builder_inited)
    # after myst-nb's (priority 500), which sets the folders from the outdir
    app.connect("builder-inited", _keep_intermediates_out_of_the_site, priority=550)
    app.connect("html-page-context", _html_page_context)
    app.connect("build-finished", _report)
    app.connect("doctree-resolved", _note_untranslated)
    # before Sphinx's toctree collector (priority 500) records the captions
    app.connect("doctree-read", _translate_toctree_captions, priority=100)
    return {"version": __version__, "parallel_read_safe": False, "parallel_write_safe": True}
