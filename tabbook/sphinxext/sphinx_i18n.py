"""The editions on the Sphinx side: the one way Sphinx is run, and the translations.

* :func:`build_edition` (``python -m tabbook edition <language>``, which ``python -m
  tabbook html`` runs in a child process for each edition): one edition's HTML, with
  Jupyter Book's configuration (:func:`run_sphinx`, the only place Sphinx is started),
  into the edition's folder of :class:`tabbook.core.layout.Layout`. A translated edition
  sets ``language`` and reads the book's catalogs compiled into the build folder; it
  executes nothing: the pages' runs come from the cache the English build filled.
* :func:`extract` (``python -m tabbook extract-messages <dir>``): the English messages,
  one ``.pot`` per page (Sphinx's gettext builder, ``gettext_compact = False``), from the
  same merged notebooks the HTML build reads; :func:`update` (``python -m tabbook i18n``,
  ``make translations``) then runs ``sphinx-intl update``: new messages appear
  untranslated, changed ones fuzzy.
* The extension (``app.setup_extension("tabbook.sphinxext.sphinx_i18n")``): the tool's own strings
  (catalog ``tabbook``, compiled at build time), Chinese search, a language switch on
  every page with ``<link rel="alternate" hreflang>``, and a report, page by page, of
  the messages a translated edition still shows in English (untranslated, fuzzy, or
  missing from the catalog because the English changed).
"""

from __future__ import annotations

import html
import json
import shutil
import sys
from pathlib import Path

from .. import __version__
from . import compat
from ..core.errors import BookError
from ..core.escape import escape_added, js_string_of_html, json_for_script
from ..sources.i18n import (LOCALES, SOURCE, UI_DOMAIN, Edition, Problem, compile_book_catalogs,
                   compile_tool_catalogs, edition_of, link_to, page_catalog, translations,
                   ui_strings)
from ..core.layout import Layout

BOOK_CATALOG = "_book"
"""The catalog of the book's settings that readers see (``author``), beside the pages'
catalogs: ``locales/<language>/LC_MESSAGES/_book.po`` (`make translations` extracts it)."""


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
    status = run_sphinx(root, "gettext", pot_dir, doctrees,
                        {"gettext_compact": False, "gettext_uuid": False,
                         "gettext_location": True}, force_all=True)
    if not status:
        write_book_template(root, pot_dir)
        from ..sources.code_prose import add_book_messages

        add_book_messages(root, pot_dir)  # (the code cells' comments and docstrings)
    return status


BOOK_SETTINGS = ("author",)
"""The settings of ``_config.yml`` that a reader sees as text (the footer's author)."""


def write_book_template(root: Path, pot_dir: Path) -> Path:
    """The messages of the book's settings (:data:`BOOK_SETTINGS`) into
    ``pot_dir/_book.pot``: ``make translations`` keeps ``_book.po`` in step with them."""
    import io

    import yaml
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from ..core.files import write_atomic
    from ..sources.i18n import PROJECT

    config = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8")) or {}
    template = Catalog(project=PROJECT, charset="utf-8")
    for key in BOOK_SETTINGS:
        value = config.get(key)
        if isinstance(value, str) and value.strip():
            template.add(value.strip(), locations=[("_config.yml", 0)],
                         auto_comments=[f"_config.yml: {key}"])
    out = io.BytesIO()
    write_po(out, template, width=76)
    path = Path(pot_dir) / f"{BOOK_CATALOG}.pot"
    write_atomic(path, out.getvalue())
    return path


def update(root: Path, languages: list[str] | None = None) -> int:
    """Extract the English messages, then update every translation's catalogs."""
    root = Path(root).resolve()
    pot_dir = Layout(root).gettext
    status = extract(root, pot_dir)
    if status:
        return status
    languages = languages or [e.language for e in translations(root)]
    if not languages:
        print("[tabbook] the book has no translations (locales/<language>/LC_MESSAGES)")
        return 0
    result = update_catalogs(root / LOCALES, pot_dir, languages)
    print(f"[tabbook] catalogs of {', '.join(languages)}: {result}")
    from ..sources.i18n import catalog_problems, tidy_catalogs

    for language in languages:  # (Babel's format flags out, the header filled in)
        tidy_catalogs(root, language)
    from ..sources.toc import book_sources

    docnames = [Path(p).with_suffix("").as_posix() for p in book_sources(root)] + [BOOK_CATALOG]
    for language in languages:
        problems = catalog_problems(root, language, docnames)
        print(f"[tabbook] {language}: {len(problems)} messages to translate or review")
        for problem in problems:
            print(f"[tabbook]   {problem}")
    return 0


def update_catalogs(locale_dir: Path, pot_dir: Path, languages: list[str]) -> dict:
    """``sphinx-intl update`` of the catalogs of ``languages`` from ``pot_dir``, atomically.

    sphinx-intl rewrites each catalog in place: a full disk or an interruption would
    leave a translator's catalog cut short. Here it updates copies in a temporary
    folder, and the updated catalogs then replace the committed ones as one set
    (:func:`tabbook.core.files.write_atomic_set`): all of them, or none.
    """
    import tempfile

    from sphinx_intl import basic

    from ..core.errors import BookError
    from ..core.files import write_atomic_set

    locale_dir = Path(locale_dir)
    try:
        with tempfile.TemporaryDirectory(prefix="tabbook-catalogs-") as tmp:
            work = Path(tmp)
            for language in languages:
                if (locale_dir / language).is_dir():
                    shutil.copytree(locale_dir / language, work / language)
            result = basic.update(str(work), str(pot_dir), tuple(languages), jobs=1)
            updated = {locale_dir / po.relative_to(work): po.read_bytes()
                       for po in sorted(work.rglob("*.po"))}
            write_atomic_set(updated)
    except OSError as exc:
        raise BookError(f"the catalogs could not be updated ({exc.strerror or exc}"
                        f"{': ' + str(exc.filename) if exc.filename else ''}); every catalog "
                        f"was left as it was: free disk space (or fix the folder) and run "
                        f"`make translations` again", path=str(locale_dir)) from None
    return result


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
    # (the themes' templates put these settings into the page unescaped: tabbook.core.escape)
    compat.translate_search_bar_text(
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
    translated edition is built in its own process (``python -m tabbook.sphinxext.sphinx_i18n``).
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


TEMPLATES = Path(__file__).resolve().parent / "templates"
SWITCH_TEMPLATE = "tabbook-lang-switch.html"


def _switch_in_header(app, config) -> None:
    """The language switch goes into the theme's article header (sticky: in view on every
    page, the search and index pages too), before its buttons."""
    if edition_of(config.language) is SOURCE and not translations(Path(app.srcdir)):
        return
    if str(TEMPLATES) not in [str(p) for p in config.templates_path or []]:
        # first: its author.html is found before the theme's components (templates/author.html)
        config.templates_path = [str(TEMPLATES), *(config.templates_path or [])]
    options = dict(config.html_theme_options or {})
    end = options.get("article_header_end", "article-header-buttons.html")
    end = [e.strip() for e in end.split(",")] if isinstance(end, str) else list(end or [])
    if SWITCH_TEMPLATE not in end:
        options["article_header_end"] = [SWITCH_TEMPLATE, *end]
        config.html_theme_options = options


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
        compat.extract_output_images(app)
    if app.builder.format != "html":
        return
    root = Path(app.srcdir)
    if edition is not SOURCE or translations(root):
        app.add_js_file("tabbook-lang.js", loading_method="defer")
        app.add_css_file("tabbook-lang.css")
    strings = ui_strings(edition.language, "js:")
    if strings:  # the reader scripts' strings (static/*.js look them up)
        app.add_js_file(None, body="window.TABBOOK_STRINGS = "
                        + json_for_script({k[3:]: v for k, v in strings.items()}) + ";")


def _translate_toctree_captions(app, doctree) -> None:
    """Translate the captions of the toc's toctrees ("Contents"): see
    :func:`tabbook.sphinxext.compat.translate_toctree_captions`."""
    edition = edition_of(app.config.language)
    if edition is SOURCE:
        return
    compat.translate_toctree_captions(
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
        # alt text of an image, a cell output's included, is one: see compat.extract_output_images)
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
    from ..sources.i18n import catalog_problems

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
    from sphinx.locale import get_translation

    _ = get_translation(UI_DOMAIN)
    root = Path(app.srcdir)
    edition = edition_of(app.config.language)
    block = switch_html(edition, pagename, root, str(_("Language")))
    if not block:
        return
    context["tabbook_lang_switch"] = block  # (tabbook/sphinxext/templates/tabbook-lang-switch.html)
    alternates = "".join(
        f'<link rel="alternate" hreflang="{e.html_lang}" '
        f'href="{html.escape(link_to(edition, e, pagename))}" />\n'
        for e in [SOURCE, *translations(root)])
    context["metatags"] = context.get("metatags", "") + alternates


def _repository_buttons(app, pagename, templatename, context, doctree) -> None:
    """A translated page's repository buttons (sphinx-book-theme's, after it made them):

    * "Suggest edit" opens the page's catalog (``locales/<language>/LC_MESSAGES/
      <page>.po``), where a translator edits, not the English source;
    * "Open issue" opens an issue whose title and body are in the edition's language.
    """
    edition = edition_of(app.config.language)
    if edition is SOURCE:
        return
    from urllib.parse import quote

    from sphinx.locale import get_translation

    _ = get_translation(UI_DOMAIN)
    suffix = context.get("page_source_suffix") or ""
    catalog = f"{LOCALES}/{edition.language}/LC_MESSAGES/{pagename}.po"
    buttons = []
    for item in context.get("header_buttons") or []:
        if isinstance(item, dict):
            buttons += [item] + [b for b in item.get("buttons") or [] if isinstance(b, dict)]
    for button in buttons:
        url = button.get("url") or ""
        if button.get("label") == "source-edit-button" and suffix \
                and url.endswith(pagename + suffix):
            button["url"] = url[: -len(pagename + suffix)] + catalog
        elif button.get("label") == "source-issues-button" and "?" in url:
            page = f"/{edition.folder}/{pagename}.html" if edition.folder else f"/{pagename}.html"
            title = quote(str(_("Issue on page {}")).format(page))
            body = quote(str(_("Your issue content here.")))
            base = url.split("?", 1)[0]
            button["url"] = (f"{base}?title={title}&body={body}" if "github" in base
                             else f"{base}?issue[title]={title}&issue[description]={body}")


def retitle_solutions(document, config) -> None:
    """A solution's title as the edition words it: "Solution to Exercise 4.3.1" is
    "练习4.3.1的解答" in Chinese (the tool's string ``Solution to {}``), as the Colab
    notebooks and the reader's buttons say it. sphinx-exercise makes the title its word
    for "Solution to" followed by a link to the exercise; the link stays a link.
    (A post-transform, after sphinx-exercise's titles and ``TidyExercises``.)"""
    if edition_of(config.language) is SOURCE:
        return
    try:
        from sphinx_exercise import translate as exercise_word
        from sphinx_exercise.nodes import solution_node
    except ImportError:
        return
    import re

    from docutils import nodes
    from sphinx.locale import get_translation

    _ = get_translation(UI_DOMAIN)
    word = str(exercise_word("Solution to")).strip()
    exercise = str(exercise_word("Exercise")).strip()
    number_format = (config.numfig_format or {}).get("exercise", "")
    before, _sep, after = str(_("Solution to {}")).partition("{}")
    for solution in document.findall(solution_node):
        for title in solution.findall(nodes.title):
            refs = [c for c in title.children if isinstance(c, nodes.reference)]
            texts = [c for c in title.children if isinstance(c, nodes.Text)]
            if len(refs) != 1 or not texts or "".join(texts).strip() != word:
                continue
            for text in texts:
                title.remove(text)
            # the link's text, "练习 4.3.1" (sphinx-exercise's word + " " + number), as
            # the exercise's own title numbers it (numfig_format)
            first = refs[0].next_node(nodes.Text)
            m = re.fullmatch(rf"\s*{re.escape(exercise)}\s+(\S+)(.*)", first or "", re.S)
            if m and "%s" in number_format:
                first.parent.replace(first, nodes.Text(number_format % m.group(1) + m.group(2)))
            index = title.index(refs[0])
            if after:
                title.insert(index + 1, nodes.Text(after))
            if before:
                title.insert(index, nodes.Text(before))


def _share_static(app, exception) -> None:
    """A translated edition links the main edition's copy of the static files they both
    have the same (tabbook.sphinxext.shared_static): switching language downloads none again."""
    edition = edition_of(app.config.language)
    if exception is not None or edition is SOURCE or app.builder.format != "html":
        return
    from sphinx.util import logging

    from .shared_static import share_static

    outdir = Path(app.outdir)
    main = outdir
    for _part in edition.folder.split("/"):
        main = main.parent
    files, size = share_static(outdir, main)
    if files:
        logging.getLogger(__name__).info(
            f"[tabbook] {edition.language}: {files} static files ({size:,} bytes) shared with "
            f"the main edition's _static/")


def setup(app) -> dict:
    from sphinx.util import logging

    # the tool's own strings: compiled here, from tabbook/locales/, at every build
    if edition_of(app.config.language) is not SOURCE:
        locale_dir = _tool_catalogs(app.config.language, _ui_locale_dir(app))
        if locale_dir is not None:
            app.add_message_catalog(UI_DOMAIN, str(locale_dir))
            _supplement_catalogs(app.config.language, locale_dir)
        else:
            logging.getLogger(__name__).info(
                f"[tabbook] no catalog of the tool's strings for {app.config.language}")
    app.connect("config-inited", _config_inited, priority=800)
    app.connect("config-inited", _translate_extension_settings, priority=400)
    app.connect("html-page-context", _repository_buttons, priority=950)
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class SolutionTitles(SphinxPostTransform):
        default_priority = 31  # after sphinx-exercise's (20-22) and TidyExercises (30)

        def run(self, **kwargs) -> None:
            retitle_solutions(self.document, self.config)

    app.add_post_transform(SolutionTitles)


    app.connect("config-inited", _switch_in_header, priority=800)
    app.connect("builder-inited", _builder_inited)
    # after myst-nb's (priority 500), which sets the folders from the outdir
    app.connect("builder-inited", _keep_intermediates_out_of_the_site, priority=550)
    app.connect("html-page-context", _html_page_context)
    app.connect("build-finished", _report)
    app.connect("build-finished", _share_static, priority=900)  # after tabbook.sphinxext.reader's
    app.connect("doctree-resolved", _note_untranslated)
    # before Sphinx's toctree collector (priority 500) records the captions
    app.connect("doctree-read", _translate_toctree_captions, priority=100)
    return {"version": __version__, "parallel_read_safe": False, "parallel_write_safe": True}
