"""Every patch of pinned upstream internals, in one place.

The book's toolchain leans on the internals of Sphinx, Jupyter Book, the themes and
some extensions: HTML they write, template context keys, attributes of the build
environment, log records. Each such patch is listed in :data:`PATCHES` with what it
fixes, the upstream issue when there is one, the upstream package and the version it
was checked against, and where it lives. The Python ones are defined below (the
modules that hook them into Sphinx import them from here); the ones in the reader's
JavaScript and CSS, and the few Python ones that are a whole module of their own,
are listed with their file.

``tests/unit/test_compat.py`` compares each patch's ``checked`` version with the pin
in ``requirements.txt`` and with what is installed: when a pin moves, it fails naming
every patch to recheck. After rechecking one (read its upstream's changelog, run the
test named in ``test``), set its ``checked`` to the new version, or delete the patch
when upstream has fixed the problem.

Part of the Sphinx side of tabbook (the core imports nothing of it).
"""

from __future__ import annotations

import copy
import html
import logging as std_logging
import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform


@dataclass(frozen=True)
class Patch:
    name: str
    package: str
    """The upstream distribution whose internals the patch relies on (as pinned in
    requirements.txt)."""
    checked: str
    """The version of ``package`` the patch was written and last checked against."""
    fixes: str
    where: tuple[str, ...]
    """Where it lives: ``tabbook.sphinxext.compat.<name>``, or a file with the names in it that make
    the patch (``"static/tabbook-reader.js (wireSidebarToggles)"``)."""
    upstream: str = ""
    """The upstream issue, when one is known."""
    test: str = ""
    """A test that fails when the patch stops working."""


PATCHES: tuple[Patch, ...] = (
    # ------------------------------------------------------------------ Sphinx
    Patch("supplement_catalogs", "Sphinx", "7.4.7",
          "An extension's message catalog is registered when it loads, and Sphinx adds a "
          "second catalog of the same domain after it, so the tool's supplements "
          "(booktheme.po: mainland wording; togglebutton.po: sphinx-togglebutton ships "
          "zh-cn, which a zh_CN build does not find) are put first in "
          "sphinx.locale.translators; the toggle hints computed at load are translated "
          "again before sphinx-togglebutton writes them.",
          ("tabbook/sphinxext/sphinx_i18n.py (_supplement_catalogs, _translate_extension_settings, "
           "translators)",),
          test="tests/test_zh_visible_text.py"),
    Patch("dedupe_scripts", "Sphinx", "7.4.7",
          "Sphinx 7.4 writes an inline script added with app.add_js_file(None, body=...) "
          "twice (sphinx-thebe's `const THEBE_JS_URL = ...`: an uncaught SyntaxError on "
          "every page); identical scripts are written once.",
          ("tabbook.sphinxext.compat.dedupe_scripts",),
          test="tests/browser/test_browser_reading.py (pages load without console errors)"),
    Patch("drop_unused_thebe", "sphinx-thebe", "0.3.1",
          "sphinx-thebe adds its script, stylesheet and an inline settings script to every "
          "page, a Live Code button or not; left out of the html-page-context's script_files "
          "and css_files (by file name, and the THEBE_JS_URL body) unless launch_buttons.thebe.",
          ("tabbook/sphinxext/reader.py (_drop_unused_thebe)",),
          test="tests/test_math_html.py (test_no_unused_assets)"),
    Patch("katex_renderer", "Sphinx", "7.4.7",
          "Formulas rendered at build time: the HTML math renderer 'katex' writes display "
          "math as sphinx.ext.mathjax does (sphinx.util.math.get_node_equation_number, the "
          "translator's add_permalink_ref for the equation's link), and a translated "
          "formula's source is read from Sphinx i18n's '<page>:<line>:<translated>'; "
          "pydata-sphinx-theme's div.math flex row (made for MathJax) grows KaTeX's block.",
          ("tabbook/sphinxext/sphinx_math.py (visit_displaymath, _where)",
           "static/tabbook-reader.css (div.math > .katex-display)"),
          test="tests/unit/test_mathrender.py"),
    Patch("renumber_sections", "Sphinx", "7.4.7",
          "Section, figure and exercise numbers follow the book (3.2, 4.3) instead of "
          "Sphinx's positional ones: rewrites env.toc_secnumbers, env.toc_fignumbers, "
          "env.titles/longtitles and env.tocs.",
          ("tabbook.sphinxext.compat.renumber_sections",),
          test="tests/unit/test_sphinx_build.py, tests/test_book_html.py"),
    Patch("prune_stale_pages", "Sphinx", "7.4.7",
          "Sphinx's incremental builds never remove the HTML of a removed document; a stale "
          "page would still be served and found by search.",
          ("tabbook.sphinxext.compat.prune_stale_pages",)),
    Patch("search_snippets", "Sphinx", "7.4.7",
          "Search result snippets look for the stemmed words (\"accuraci\") in the page "
          "text, and ?highlight= is not applied where searchtools.js is absent; a formula's "
          "KaTeX glyphs and TeX annotation are left out of the snippet text.",
          ("static/tabbook-reader.js (improveSearchSnippets, highlightSearchedWords)",),
          test="tests/browser/test_reader.py"),
    # ------------------------------------------------------------------ Jupyter Book
    Patch("build_sphinx", "jupyter-book", "1.0.4.post1",
          "The translated editions and the gettext extraction run Jupyter Book's internal "
          "jupyter_book.sphinx.build_sphinx (the CLI has no language or builder override).",
          ("tabbook/sphinxext/sphinx_i18n.py (run_sphinx, build_sphinx)",), test="tests/test_i18n_build.py"),
    Patch("search_bar_text", "jupyter-book", "1.0.4.post1",
          "Jupyter Book sets the theme's search_bar_text to its own English default, which "
          "no catalog translates: a translated edition gets the tool's translation.",
          ("tabbook.sphinxext.compat.translate_search_bar_text",),
          test="tests/test_i18n.py (zh interface strings)"),
    # ------------------------------------------------------------------ myst
    Patch("quiet_config_dumps", "myst-nb", "1.4.0",
          "myst-parser and myst-nb log their whole settings (MdParserConfig(...), "
          "NbParserConfig(...)) at every start; the info records carrying them are dropped.",
          ("tabbook.sphinxext.compat.QuietConfigDumps", "tabbook.sphinxext.compat.quiet_config_dumps"),
          test="tests/test_build_failures.py (a quiet log)"),
    Patch("notebook_reader", "myst-nb", "1.4.0",
          "myst-nb is handed the merged notebook instead of the MyST source: .md is "
          "registered in nb_custom_formats with tabbook's reader, and execution is off.",
          ("tabbook/sphinxext/sphinx_ext.py (nb_custom_formats, read_notebook)",),
          test="tests/unit/test_sphinx_build.py"),
    Patch("gettext_output_images", "myst-nb", "1.4.0",
          "For the gettext builder myst-nb picks a cell output's text/plain over its image, "
          "so the alt text written in the cell's metadata never reached the catalogs.",
          ("tabbook.sphinxext.compat.extract_output_images",),
          test="tests/test_i18n.py (alt text of a plot translated)"),
    # ------------------------------------------------------------------ sphinx-external-toc
    Patch("toctree_captions", "sphinx-external-toc", "1.1.0",
          "sphinx-external-toc adds the toctrees after Sphinx's Locale transform: their "
          "captions (\"Contents\") stayed in English in a translated edition.",
          ("tabbook.sphinxext.compat.translate_toctree_captions",),
          test="tests/test_i18n.py (zh interface strings: the toc caption)"),
    # ------------------------------------------------------------------ themes
    Patch("default_mode", "pydata-sphinx-theme", "0.17.1",
          "The theme logs `Got invalid theme mode` on a first visit unless "
          "html_context['default_mode'] is set: it defaults to \"auto\".",
          ("tabbook.sphinxext.compat.theme_default_mode",),
          test="tests/browser/test_browser_reading.py (no console errors)"),
    Patch("fontawesome", "pydata-sphinx-theme", "0.17.1",
          "The theme's 1.5 MB fontawesome.js (543 KB gzip) is replaced by CSS drawing the "
          "icons the pages use, read from that script's icon packs (its minified format).",
          ("tabbook/sphinxext/icons.py (replace_fontawesome, icon_packs)",),
          test="tests/browser/test_reader.py"),
    Patch("sidebar_toggles", "pydata-sphinx-theme", "0.17.1",
          "The theme wires only the first .primary-toggle/.secondary-toggle, which "
          "sphinx-book-theme hides: the article header's pair did nothing on phones.",
          ("static/tabbook-reader.js (wireSidebarToggles)",),
          upstream="pydata/pydata-sphinx-theme#2451, executablebooks/sphinx-book-theme#988",
          test="tests/browser/test_reader.py (phone navigation)"),
    Patch("theme_a11y", "pydata-sphinx-theme", "0.17.1",
          "Unnamed <summary> toggles, aria-labels unlike the visible text, decorative icons "
          "in the colour-mode button, scrollers marked focusable only once at load; theme "
          "template strings no catalog translates.",
          ("static/tabbook-reader.js (nameSummaries, labelInName, decorativeIcons, keyboardScroll)",
           "static/tabbook-lang.js (translateAttributes)"),
          test="tests/browser/test_browser_reading.py (axe)"),
    Patch("dead_source_download", "sphinx-book-theme", "1.3.0",
          "The header's download menu keeps its \".md\" entry when html_copy_source is False "
          "(a link to a _sources/ that is not built); the theme has no option for that entry.",
          ("tabbook.sphinxext.compat.drop_dead_downloads",),
          test="tests/test_book_html.py (no source download)"),
    Patch("print_entry_label", "sphinx-book-theme", "1.3.0",
          "The download menu's print entry (header_buttons, label download-pdf-button) reads "
          "a bare \".pdf\"; it says \"Print this page\".",
          ("tabbook/sphinxext/reader.py (_label_print_entry)",),
          test="tests/test_book_html.py (download menu labelled)"),
    Patch("book_downloads_menu", "sphinx-book-theme", "1.3.0",
          "`make publish` adds the whole book's PDF and notebook zip to each page's download "
          "menu: entries written in the theme's dropdown markup (.dropdown-download-buttons "
          "ul.dropdown-menu, its link button's classes), which it finds in the page.",
          ("tabbook/stages/downloads.py (MENU_RE, _entry)",),
          test="tests/browser/test_pdf.py (the published site offers them)"),
    Patch("title_once", "sphinx-book-theme", "1.3.0",
          "The home page's <title> reads \"title - title\"; it says the book's title once.",
          ("tabbook.sphinxext.compat.title_once",),
          test="tests/test_book_html.py (book title once)"),
    Patch("print_header", "sphinx-book-theme", "1.3.0",
          "The printed page gets its URL and framework above the theme's print-only title.",
          ("static/tabbook-reader.js (printHeader)", "static/tabbook-reader.css (@media print)"),
          test="tests/browser/test_pdf.py"),
    Patch("template_bytecode_cache", "Sphinx", "7.4.7",
          "Sphinx compiles every Jinja template of the theme (about forty) anew in each "
          "build, a quarter of a second of a one-page rebuild; the HTML builder's template "
          "environment (BuiltinTemplateLoader.environment, not a public API) is given "
          "Jinja's FileSystemBytecodeCache in the build folder. Jinja checks each "
          "template's source checksum before it uses a cached one, and writes through a "
          "temporary file and a rename; a damaged file is deleted and compiled again.",
          ("tabbook/sphinxext/template_cache.py (cache_compiled_templates, SafeBytecodeCache)",),
          test="tests/unit/test_sphinx_build.py (test_templates_are_compiled_once)"),
    # ------------------------------------------------------------------ sphinx-design
    Patch("tab_components", "sphinx_design", "0.8.0",
          "Framework tab-sets are built with sphinx_design.shared.create_component and the "
          "sync_group/sync_id attributes of its tab labels (not a public API).",
          ("tabbook/sphinxext/sphinx_ext.py (create_component, sync_group)",), test="tests/unit/test_sphinx_build.py"),
    Patch("tabs_storage", "sphinx_design", "0.8.0",
          "The reader's framework is read before the first paint from sphinx-design's "
          "localStorage key (sd_tabs_storage_prefix + group, via its get_sd_config) and "
          "?framework=; the early CSS outranks its input:checked rules; the scripts rely on "
          "its radio-input + label markup and design-tabs.js's `change` handling.",
          ("tabbook.sphinxext.compat.tabs_storage_prefix", "tabbook/sphinxext/reader.py (early_css, early_head)",
           "static/tabbook-early.js (data-storage-prefix, sphinx-design-tab-id-)",
           "static/tabbook-reader.js (selectFramework)", "static/colab.js (input)"),
          test="tests/browser/test_reader.py"),
    # ------------------------------------------------------------------ sphinx-exercise
    Patch("tidy_exercises", "sphinx-exercise", "1.2.1",
          "Every exercise and solution body is a section with the same id "
          "(exercise-content/solution-content), and a solution's title link starts with a "
          "space the link underlines.",
          ("tabbook.sphinxext.compat.TidyExercises",),
          test="tests/test_book_html.py (unique ids, solution links)"),
    # ------------------------------------------------------------------ sphinx-togglebutton
    Patch("solution_toggles", "sphinx-togglebutton", "0.4.5",
          "The solutions' toggle buttons are named for their exercise once "
          "togglebutton.js has added them (its buttons have no accessible name of their own).",
          ("static/tabbook-reader.js (nameSolutionToggles)",),
          test="tests/browser/test_reader.py"),
)


def patches_of(package: str) -> list[Patch]:
    return [p for p in PATCHES if p.package.lower().replace("_", "-")
            == package.lower().replace("_", "-")]


# =========================================================================== Sphinx


def _script_key(js) -> tuple:
    attrs = getattr(js, "attributes", {}) or {}
    return (getattr(js, "filename", js) or "", tuple(sorted((k, str(v)) for k, v in attrs.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """html-page-context: each identical script once (Sphinx 7.4 writes some twice)."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for js in scripts:
        key = _script_key(js)
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


POSITIONAL = "tabbook_positional_numbers"
"""Environment attribute: docname -> Sphinx's own (positional) numbers of a renumbered page."""


def restore_positional_numbers(app, env) -> list[str]:
    """env-get-updated, before Sphinx's toctree collector recomputes the numbers: put
    Sphinx's own numbers back.

    The collector rewrites every page whose numbers differ from the stored ones; the
    stored ones are the book's (:func:`renumber_sections`), so without this every build
    that runs Sphinx would rewrite every numbered page, changed or not.
    """
    for docname, (secnumbers, fignumbers) in getattr(env, POSITIONAL, {}).items():
        if docname in env.toc_secnumbers:
            env.toc_secnumbers[docname] = copy.deepcopy(secnumbers)
        if fignumbers is not None and docname in env.toc_fignumbers:
            env.toc_fignumbers[docname] = copy.deepcopy(fignumbers)
    return []


def renumber_sections(app, env, section_numbers) -> list[str]:
    """env-get-updated: replace Sphinx's positional section numbers by the book's, keeping
    Sphinx's own for :func:`restore_positional_numbers`.

    ``section_numbers``: docname -> "4.3" (the page's front matter), for the pages that
    have one.
    """
    positional = {}
    setattr(env, POSITIONAL, positional)
    for docname, numbers in env.toc_secnumbers.items():
        number = section_numbers.get(docname)
        if not number or "" not in numbers:
            continue
        want = tuple(int(x) for x in number.split("."))
        have = numbers[""]
        if have[: len(want)] == want and len(have) == len(want):
            continue
        positional[docname] = (copy.deepcopy(numbers),
                               copy.deepcopy(env.toc_fignumbers.get(docname)))

        def renumber(num, have=have, want=want):
            return want + tuple(num[len(have):]) if tuple(num[: len(have)]) == have else num

        env.toc_secnumbers[docname] = {a: renumber(n) for a, n in numbers.items()}
        # figures, equations and exercises: "Exercise 4.3.1" (numfig_secnum_depth: 2)
        for by_id in env.toc_fignumbers.get(docname, {}).values():
            for node_id, num in by_id.items():
                by_id[node_id] = renumber(tuple(num))
        # the page's own table of contents carries copies of the numbers
        for title in (env.titles.get(docname), env.longtitles.get(docname)):
            if title is not None and title.get("secnumber"):
                title["secnumber"] = list(renumber(tuple(title["secnumber"])))
        toc = env.tocs.get(docname)
        if toc is not None:
            for ref in toc.findall(nodes.reference):
                if ref.get("secnumber"):
                    ref["secnumber"] = renumber(tuple(ref["secnumber"]))
    return []


SPECIAL_PAGES = {"genindex", "search", "py-modindex"}


def prune_stale_pages(app, exception, keep_folders=frozenset()) -> None:
    """build-finished: delete HTML pages of documents that are no longer part of the book
    (Sphinx's incremental builds never remove them). ``keep_folders``: top folders of
    the output that are not this build's (the translated editions')."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        rel = page.relative_to(outdir)
        if rel.parts[0].startswith("_") or rel.parts[0] in keep_folders:
            continue
        docname = rel.with_suffix("").as_posix()
        if docname not in app.env.all_docs and docname not in SPECIAL_PAGES:
            page.unlink()


# =========================================================================== Jupyter Book

JB_SEARCH_TEXT = "Search this book..."
"""Jupyter Book's default ``search_bar_text``."""


def translate_search_bar_text(config, translated: str) -> None:
    """config-inited of a translated edition: the search box's placeholder translated,
    unless the book set its own."""
    options = dict(config.html_theme_options or {})
    if options.get("search_bar_text", JB_SEARCH_TEXT) == JB_SEARCH_TEXT:
        options["search_bar_text"] = translated
        config.html_theme_options = options


# =========================================================================== myst


class QuietConfigDumps(std_logging.Filter):
    """Drop the settings myst and myst-nb print at every start (one long line each).

    They are info messages (``myst v3.0.1: MdParserConfig(...)``); warnings and errors,
    theirs included, pass.
    """

    DUMPS = ("MdParserConfig", "NbParserConfig")

    def filter(self, record: std_logging.LogRecord) -> bool:
        if record.levelno >= std_logging.WARNING or not isinstance(record.args, tuple):
            return True
        return not any(type(arg).__name__ in self.DUMPS for arg in record.args)


def quiet_config_dumps() -> None:
    """Filter Sphinx's output handlers (set up before extensions load) once."""
    for handler in std_logging.getLogger("sphinx").handlers:
        if not any(isinstance(f, QuietConfigDumps) for f in handler.filters):
            handler.addFilter(QuietConfigDumps())


GETTEXT_IMAGES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif")
"""The image types of a cell's outputs that the gettext builder takes (before text/plain)."""


def extract_output_images(app) -> None:
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


# =========================================================================== sphinx-external-toc


def translate_toctree_captions(doctree, catalog: dict[str, str]) -> None:
    """doctree-read: translate the captions of the toc's toctrees ("Contents").

    sphinx-external-toc adds the toctrees after Sphinx's Locale transform has run; their
    captions are messages of the page's catalog all the same (the gettext builder
    extracts them), and the sidebar shows them.
    """
    from sphinx import addnodes

    for toctree in doctree.findall(addnodes.toctree):
        caption = toctree.get("caption")
        if caption and catalog.get(caption):
            toctree["caption"] = catalog[caption]
            if "rawcaption" in toctree:
                toctree["rawcaption"] = catalog[caption]


# =========================================================================== themes


def theme_default_mode(config) -> None:
    """config-inited: ``html_context["default_mode"]`` defaults to ``"auto"`` (otherwise
    pydata-sphinx-theme logs ``Got invalid theme mode`` on a first visit)."""
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def drop_dead_downloads(app, pagename, templatename, context, doctree) -> None:
    """No ".md" download when ``_sources/`` is not written (``html_copy_source = False``).
    Connect after sphinx-book-theme fills the header buttons (priority 501)."""
    if app.config.html_copy_source:
        return
    for group in context.get("header_buttons", []):
        if isinstance(group, dict) and isinstance(group.get("buttons"), list):
            group["buttons"] = [b for b in group["buttons"]
                                if b.get("label") != "download-source-button"]


def title_once(app, pagename, templatename, context, doctree) -> None:
    """The home page's ``<title>`` says the book's title once (not "T - T")."""
    title = re.sub(r"<[^>]+>", "", context.get("title") or "")
    docstitle = context.get("docstitle") or ""
    if pagename != app.config.root_doc or html.unescape(title).strip() != docstitle.strip():
        return
    logo = dict(context.get("theme_logo") or {})
    logo.setdefault("text", docstitle)  # the sidebar still shows the title (docstitle's job)
    context["theme_logo"] = logo
    context["docstitle"] = ""


# =========================================================================== sphinx-design


def tabs_storage_prefix(env) -> str:
    """sphinx-design's localStorage key prefix (its ``sd_tabs_storage_prefix`` setting)."""
    from sphinx_design.config import get_sd_config

    return get_sd_config(env).tabs_storage_prefix


# =========================================================================== sphinx-exercise


class TidyExercises(SphinxPostTransform):
    """sphinx-exercise's HTML, made valid and tidy.

    * Every exercise's and solution's body is a section with the id
      ``exercise-content`` / ``solution-content``: ids repeated on a page. Each gets
      its admonition's id instead (``<id>-content``).
    * A solution's title is "Solution to" + a link whose text starts with a space, which
      the link underlines: the space moves out of the link.
    """

    default_priority = 30  # after sphinx-exercise's title and link resolution (20-22)

    def run(self, **kwargs) -> None:
        try:
            from sphinx_exercise.nodes import (exercise_enumerable_node, exercise_node,
                                               solution_node)
        except ImportError:
            return
        kinds = (exercise_node, exercise_enumerable_node, solution_node)
        for admonition in self.document.findall(lambda n: isinstance(n, kinds)):
            own = (admonition.get("ids") or [admonition.get("label", "")])[0]
            for section in admonition.findall(nodes.section):
                if any(i in ("exercise-content", "solution-content") for i in section["ids"]):
                    section["ids"] = [f"{own}-content"] if own else []
            if isinstance(admonition, solution_node):
                for title in admonition.findall(nodes.title):
                    self._space_out_of_links(title)

    @staticmethod
    def _space_out_of_links(title: nodes.Element) -> None:
        for ref in list(title.findall(nodes.reference)):
            first = ref.next_node(nodes.Text)
            if first is None or not first.astext().startswith(" "):
                continue
            first.parent.replace(first, nodes.Text(first.astext().lstrip(" ")))
            parent = ref.parent
            index = parent.index(ref)
            before = parent[index - 1] if index else None
            if isinstance(before, nodes.Text):
                parent.replace(before, nodes.Text(before.astext().rstrip(" ") + " "))
            else:
                parent.insert(index, nodes.Text(" "))
