"""The translated editions on the Sphinx side: the extension every edition's build loads.

``app.setup_extension("tabbook.sphinxext.sphinx_i18n")`` (by :mod:`tabbook.sphinxext.sphinx_ext`):

* the tool's own strings (catalog ``tabbook``, compiled at build time) and its supplements
  of the extensions' catalogs, put first; the book's catalogs compiled into the build
  folder; the interface's words that the themes and extensions fix when they load
  (search box, toggle hints, "Exercise %s", the book's title and author) translated;
  Chinese search;
* the language switch (:mod:`tabbook.sphinxext.lang_switch`), the repository buttons
  (:mod:`tabbook.sphinxext.repo_buttons`) and the solutions' titles
  (:mod:`tabbook.sphinxext.solution_titles`) as the edition words them; myst-nb's
  intermediate files kept out of the site; the static files the main edition has the
  same, shared with it (:mod:`tabbook.sphinxext.shared_static`);
* a report, page by page, of the messages a translated edition still shows in English
  (untranslated, fuzzy, or missing from the catalog because the English changed).

Sphinx is run by :mod:`tabbook.sphinxext.sphinx_run`; the English messages are extracted
and the catalogs updated by :mod:`tabbook.sphinxext.sphinx_gettext`.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..core.errors import BookError
from ..core.escape import escape_added, js_string_of_html
from ..core.layout import Layout
from ..sources.catalog_build import compile_book_catalogs
from ..sources.catalog_upkeep import Problem
from ..sources.i18n import (
    BOOK_CATALOG,
    LOCALES,
    SOURCE,
    UI_DOMAIN,
    edition_of,
    page_catalog,
)
from . import patches
from .lang_switch import page_links, switch_assets, switch_in_header
from .repo_buttons import translate_repository_buttons
from .shared_static import share_edition_static
from .solution_titles import SolutionTitles
from .sphinx_run import tool_catalogs


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
            if (root / d).resolve() != source_locales
            and Path(d).resolve() != book_locale.resolve()]
    config.locale_dirs = [str(book_locale)] + dirs
    # Sphinx would compile a .po it finds in locale_dirs next to it (by mtime); the tool
    # compiles every catalog itself, by content
    config.gettext_auto_build = False
    config.gettext_compact = False
    config.html_search_language = edition.search_language
    from sphinx.locale import get_translation

    _ = get_translation(UI_DOMAIN)
    # (the themes' templates put these settings into the page unescaped: tabbook.core.escape)
    patches.translate_search_bar_text(
        config, escape_added("Search this book...", str(_("Search this book..."))))
    # the book's title is the root page's title: its translation is in that page's catalog
    title = page_catalog(root, edition.language, config.root_doc).get(config.html_title or "")
    if title:
        config.html_title = escape_added(config.html_title, title)
    # the settings a reader sees (the footer's author): the book's catalog of its settings
    author = page_catalog(root, edition.language, BOOK_CATALOG).get(config.author or "")
    if author:
        config.author = escape_added(config.author, author)
    # "Exercise 4.3.1": sphinx-exercise's numbering ("练习 %s", its word + " %s") as the
    # edition writes it, unless the book set its own
    try:
        from sphinx_exercise import translate as exercise_word
    except ImportError:
        return
    formats = dict(config.numfig_format or {})
    if formats.get("exercise") == f"{exercise_word('Exercise')} %s":
        # (Sphinx's HTML writer puts a number's format into the page unescaped)
        formats["exercise"] = escape_added("Exercise %s", str(_("Exercise %s")))
        config.numfig_format = formats


def _translate_extension_settings(app, config) -> None:
    """sphinx-togglebutton's hints, computed when it loaded (in English: it ships them
    under ``zh-cn``, which a ``zh_CN`` build does not find): from the tool's supplement of
    its catalog (``togglebutton.po``), unless the book set its own. Before its
    ``config-inited`` handler (priority 500) writes them into the pages."""
    if edition_of(config.language) is SOURCE:
        return
    from sphinx.locale import get_translation

    hint = get_translation("togglebutton")
    for name, english in (("togglebutton_hint", "Click to show"),
                          ("togglebutton_hint_hide", "Click to hide")):
        if getattr(config, name, None) == english:
            # (it writes them into a quoted JavaScript string that its script puts into HTML)
            setattr(config, name, js_string_of_html(str(hint(english))))


SUPPLEMENTED = ("booktheme", "togglebutton")
"""Extensions' message domains the tool's catalogs supplement (``tabbook/locales/<language>/
LC_MESSAGES/<domain>.po``): strings their catalogs lack, or word as another region does."""


def _supplement_catalogs(language: str, locale_dir: Path) -> None:
    """Look up the tool's catalog of each :data:`SUPPLEMENTED` domain before the
    extension's own (which answers what ours does not hold).

    Sphinx would add a second catalog of a domain *after* the first one registered (the
    extension's, registered when it loaded), so ours is put first in Sphinx's table of
    translators (``sphinx.locale.translators``, keyed ``("general", domain)``). A
    translated edition is built in its own process (``python -m tabbook edition <language>``).
    """
    import gettext

    from sphinx import locale

    for domain in SUPPLEMENTED:
        mo = Path(locale_dir) / language / "LC_MESSAGES" / f"{domain}.mo"
        if not mo.is_file():
            continue
        with mo.open("rb") as f:
            ours = gettext.GNUTranslations(f)
        theirs = locale.translators.get(("general", domain))
        if theirs is not None and type(theirs) is not gettext.NullTranslations:
            ours.add_fallback(theirs)
        locale.translators["general", domain] = ours


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
    if app.builder.name == "gettext":
        patches.extract_output_images(app)
    if app.builder.format != "html":
        return
    switch_assets(app)


def _translate_toctree_captions(app, doctree) -> None:
    """Translate the captions of the toc's toctrees ("Contents"): see
    :func:`tabbook.sphinxext.patches.translate_toctree_captions`."""
    edition = edition_of(app.config.language)
    if edition is SOURCE:
        return
    patches.translate_toctree_captions(
        doctree, page_catalog(Path(app.srcdir), edition.language, app.env.docname))


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
        # alt text of an image, a cell output's included, is one: see patches.extract_output_images)
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
    from ..core.files import write_atomic

    write_atomic(_store_path(app), json.dumps(store, ensure_ascii=False, indent=1, sort_keys=True))


def _open_msgids(root: Path, language: str, docname: str) -> tuple[set, set]:
    """A page's fuzzy msgids and its untranslated ones (as Sphinx keys them)."""
    from ..sources.catalog_upkeep import catalog_problems

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


def setup(app) -> dict:
    from sphinx.util import logging

    # the tool's own strings: compiled here, from tabbook/locales/, at every build
    if edition_of(app.config.language) is not SOURCE:
        locale_dir = tool_catalogs(app.config.language, _ui_locale_dir(app))
        if locale_dir is not None:
            app.add_message_catalog(UI_DOMAIN, str(locale_dir))
            _supplement_catalogs(app.config.language, locale_dir)
        else:
            logging.getLogger(__name__).info(
                f"[tabbook] no catalog of the tool's strings for {app.config.language}")
    app.connect("config-inited", _config_inited, priority=800)
    app.connect("config-inited", _translate_extension_settings, priority=400)
    app.connect("html-page-context", translate_repository_buttons, priority=950)
    app.add_post_transform(SolutionTitles)
    app.connect("config-inited", switch_in_header, priority=800)
    app.connect("builder-inited", _builder_inited)
    # after myst-nb's (priority 500), which sets the folders from the outdir
    app.connect("builder-inited", _keep_intermediates_out_of_the_site, priority=550)
    app.connect("html-page-context", page_links)
    app.connect("build-finished", _report)
    # after tabbook.sphinxext.reader's
    app.connect("build-finished", share_edition_static, priority=900)
    app.connect("doctree-resolved", _note_untranslated)
    # before Sphinx's toctree collector (priority 500) records the captions
    app.connect("doctree-read", _translate_toctree_captions, priority=100)
    return {"version": __version__, "parallel_read_safe": False, "parallel_write_safe": True}
