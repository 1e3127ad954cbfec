"""Every patch of pinned upstream internals, in one place.

The book's toolchain leans on the internals of Sphinx, Jupyter Book, the themes and
some extensions: HTML they write, template context keys, attributes of the build
environment, log records. Each such patch is listed in :data:`PATCHES` with what it
fixes, the upstream issue when there is one, the upstream package and the version it
was checked against, and where it lives. The Python ones that are code of their own are
in :mod:`tabbook.sphinxext.patches` (the modules that hook them into Sphinx import them
from there); the ones in the reader's JavaScript and CSS, and the Python ones that are
part of a module's own job (a context key it reads, an upstream function it calls, a
string it rewrites in rendered HTML), are listed with their file and the names in it.

``tests/unit/test_compat.py`` compares each patch's ``checked`` version with the pin
in ``requirements.txt`` and with what is installed: when a pin moves, it fails naming
every patch to recheck. After rechecking one (read its upstream's changelog, run the
test named in ``test``), set its ``checked`` to the new version, or delete the patch
when upstream has fixed the problem.

Part of the Sphinx side of tabbook (the core imports nothing of it).
"""

from __future__ import annotations

from dataclasses import dataclass


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
    """Where it lives: ``tabbook.sphinxext.patches.<name>``, or a file with the names in it
    that make the patch (``"static/tabbook-reader.js (wireSidebarToggles)"``)."""
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
          ("tabbook.sphinxext.patches.dedupe_scripts",),
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
          ("tabbook.sphinxext.patches.renumber_sections",),
          test="tests/unit/test_sphinx_build.py, tests/test_book_html.py"),
    Patch("prune_stale_pages", "Sphinx", "7.4.7",
          "Sphinx's incremental builds never remove the HTML of a removed document; a stale "
          "page would still be served and found by search.",
          ("tabbook.sphinxext.patches.prune_stale_pages",)),
    Patch("colab_after_title", "Sphinx", "7.4.7",
          "The Colab buttons go into the page right below its title: the rendered body (the "
          "html-page-context's `body`, HTML Sphinx's writer made) is cut as a string after "
          "its first </h1>.",
          ("tabbook/sphinxext/sphinx_colab.py (_html_page_context, </h1>)",),
          test="tests/unit/test_patch_pins.py (test_the_colab_buttons_follow_the_title)"),
    Patch("zh_search_query", "Sphinx", "7.4.7",
          "The zh search language segments the index with jieba but leaves the query to "
          "searchtools.js's splitQuery (spaces and punctuation): a phrase was one word no "
          "page has. The global splitQuery is replaced on the Chinese search page by one "
          "that cuts the query's Chinese into the index's own words (Search._index.terms, "
          "titleterms).",
          ("static/tabbook-search-zh.js (splitQuery, Search._index)",),
          test="tests/browser/test_browser_zh.py (phrases)"),
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
          ("tabbook/sphinxext/sphinx_run.py (run_sphinx, build_sphinx)",),
          test="tests/test_i18n_build.py"),
    Patch("search_bar_text", "jupyter-book", "1.0.4.post1",
          "Jupyter Book sets the theme's search_bar_text to its own English default, which "
          "no catalog translates: a translated edition gets the tool's translation.",
          ("tabbook.sphinxext.patches.translate_search_bar_text",),
          test="tests/test_i18n.py (zh interface strings)"),
    # ------------------------------------------------------------------ myst
    Patch("quiet_config_dumps", "myst-nb", "1.4.0",
          "myst-parser and myst-nb log their whole settings (MdParserConfig(...), "
          "NbParserConfig(...)) at every start; the info records carrying them are dropped.",
          ("tabbook.sphinxext.patches.QuietConfigDumps",
           "tabbook.sphinxext.patches.quiet_config_dumps"),
          test="tests/test_build_failures.py (a quiet log)"),
    Patch("notebook_reader", "myst-nb", "1.4.0",
          "myst-nb is handed the merged notebook instead of the MyST source: .md is "
          "registered in nb_custom_formats with tabbook's reader, and execution is off.",
          ("tabbook/sphinxext/sphinx_ext.py (nb_custom_formats, read_notebook)",),
          test="tests/unit/test_sphinx_build.py"),
    Patch("mystnb_output_folders", "myst-nb", "1.4.0",
          "myst-nb writes its notebooks and output files next to the outdir, which for a "
          "translated edition is inside the site: its settings object env.mystnb_config "
          "(an NbParserConfig made at builder-inited, not a public API) is replaced by a "
          "copy whose output_folder and execution_cache_path are in the build folder.",
          ("tabbook/sphinxext/sphinx_i18n.py (_keep_intermediates_out_of_the_site, "
           "mystnb_config, output_folder, execution_cache_path)",),
          test="tests/unit/test_freshness.py (test_nothing_but_the_site_is_in_the_site)"),
    Patch("gettext_output_images", "myst-nb", "1.4.0",
          "For the gettext builder myst-nb picks a cell output's text/plain over its image, "
          "so the alt text written in the cell's metadata never reached the catalogs.",
          ("tabbook.sphinxext.patches.extract_output_images",),
          test="tests/test_i18n.py (alt text of a plot translated)"),
    # ------------------------------------------------------------------ sphinx-external-toc
    Patch("toctree_captions", "sphinx-external-toc", "1.1.0",
          "sphinx-external-toc adds the toctrees after Sphinx's Locale transform: their "
          "captions (\"Contents\") stayed in English in a translated edition.",
          ("tabbook.sphinxext.patches.translate_toctree_captions",),
          test="tests/test_i18n.py (zh interface strings: the toc caption)"),
    # ------------------------------------------------------------------ themes
    Patch("default_mode", "pydata-sphinx-theme", "0.17.1",
          "The theme logs `Got invalid theme mode` on a first visit unless "
          "html_context['default_mode'] is set: it defaults to \"auto\".",
          ("tabbook.sphinxext.patches.theme_default_mode",),
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
          "in the colour-mode button, scrollers marked focusable only once at load.",
          ("static/tabbook-reader.js (nameSummaries, labelInName, decorativeIcons, "
           "keyboardScroll)",),
          test="tests/browser/test_browser_reading.py (axe)"),
    Patch("theme_template_strings", "sphinx-book-theme", "1.3.0",
          "Its templates write a few labels as plain English, outside translate() (the "
          "sidebar buttons' title, aria-label=\"Main\" and \"Page\"): the HTML builder's "
          "template loader (app.builder.templates, Sphinx's BuiltinTemplateLoader.get_source) "
          "hands Jinja those templates with each label as translate(\"...\"), through the "
          "theme's catalog and booktheme.po.",
          ("tabbook/sphinxext/theme_strings.py (THEME_STRINGS, translate_theme_strings)",),
          test="tests/unit/test_theme_strings.py"),
    Patch("dead_source_download", "sphinx-book-theme", "1.3.0",
          "The header's download menu keeps its \".md\" entry when html_copy_source is False "
          "(a link to a _sources/ that is not built); the theme has no option for that entry.",
          ("tabbook.sphinxext.patches.drop_dead_downloads",),
          test="tests/test_book_html.py (no source download)"),
    Patch("translated_repository_buttons", "sphinx-book-theme", "1.3.0",
          "A translated page's \"Suggest edit\" opens its catalog and \"Open issue\" an "
          "issue in the edition's language: the theme's buttons, read from the "
          "html-page-context's header_buttons (its list of button dicts, labelled "
          "source-edit-button and source-issues-button; not a public API), are rewritten "
          "after the theme filled them.",
          ("tabbook/sphinxext/repo_buttons.py (translate_repository_buttons, header_buttons, "
           "source-edit-button, source-issues-button)",),
          test="tests/test_zh_visible_text.py "
               "(test_suggest_edit_opens_the_pages_catalog_and_issues_are_in_chinese)"),
    Patch("numbered_print_title", "sphinx-book-theme", "1.3.0",
          "The theme prints its own copy of the page's title (the html-page-context's "
          "pagetitle, not a public API) and hides the numbered heading: the section number "
          "is put in front of that copy.",
          ("tabbook/sphinxext/reader.py (_numbered_print_title, pagetitle)",),
          test="tests/browser/test_reader.py "
               "(test_print_title_has_its_number_and_wrapped_code_hangs)"),
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
          ("tabbook.sphinxext.patches.title_once",),
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
          ("tabbook/sphinxext/sphinx_ext.py (create_component, sync_group)",),
          test="tests/unit/test_sphinx_build.py"),
    Patch("tab_set_labels", "sphinx_design", "0.8.0",
          "Each framework tab-set is a group labelled as the framework choice: the rendered "
          "body is rewritten as a string where sphinx-design's HTML opens a tab-set "
          "(<div class=\"sd-tab-set tabbook-tab-set ...\">).",
          ("tabbook/sphinxext/reader.py (_label_tab_sets, _TAB_SET_RE, sd-tab-set)",),
          test="tests/unit/test_patch_pins.py (test_the_tab_sets_are_labelled)"),
    Patch("tabs_storage", "sphinx_design", "0.8.0",
          "The reader's framework is read before the first paint from sphinx-design's "
          "localStorage key (sd_tabs_storage_prefix + group, via its get_sd_config) and "
          "?framework=; the early CSS outranks its input:checked rules; the scripts rely on "
          "its radio-input + label markup and design-tabs.js's `change` handling.",
          ("tabbook.sphinxext.patches.tabs_storage_prefix",
           "tabbook/sphinxext/reader.py (early_css, early_head)",
           "static/tabbook-early.js (data-storage-prefix, sphinx-design-tab-id-)",
           "static/tabbook-reader.js (selectFramework, keepPlaceOnPick)",
           "static/colab.js (input)"),
          test="tests/browser/test_reader.py"),
    # ------------------------------------------------------------------ sphinx-exercise
    Patch("tidy_exercises", "sphinx-exercise", "1.2.1",
          "Every exercise and solution body is a section with the same id "
          "(exercise-content/solution-content), and a solution's title link starts with a "
          "space the link underlines.",
          ("tabbook.sphinxext.patches.TidyExercises",),
          test="tests/test_book_html.py (unique ids, solution links)"),
    Patch("solution_titles", "sphinx-exercise", "1.2.1",
          "A translated solution's title is worded as the edition words it (\"练习4.3.1的解答\"): "
          "sphinx-exercise's title of a solution_node is its word for \"Solution to\" (its "
          "translate()) and a reference whose text is its word for \"Exercise\" and the "
          "number; the title's nodes are rebuilt from the tool's \"Solution to {}\", and an "
          "exercise's number format from its translate(\"Exercise\").",
          ("tabbook/sphinxext/solution_titles.py (retitle_solutions, solution_node, "
           "exercise_word)", "tabbook/sphinxext/sphinx_i18n.py (exercise_word, numfig_format)"),
          test="tests/test_zh_visible_text.py "
               "(test_solution_titles_read_as_the_notebooks_and_buttons_do)"),
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
