"""What the reader's browser gets beyond the pages: offline assets, accessibility, a clean console.

* ``tabbook.sphinxext.sphinx_math``: the formulas rendered when the book is built (KaTeX),
  no math JavaScript.
* ``static/tabbook-reader.js`` and ``static/tabbook-reader.css`` (the book's
  ``html_static_path``): names for the theme's unnamed controls, keyboard focus on the
  framework tabs, contrast, phone layout (see the files).
* ``static/favicon.svg`` becomes the favicon (unless the book sets one): without it every
  page load asks the server for a missing ``/favicon.ico``.
* pydata-sphinx-theme logs ``Got invalid theme mode`` on a first visit unless
  ``html_context["default_mode"]`` is set: it defaults to ``"auto"`` here.
* Sphinx 7.4 writes an inline script added with ``app.add_js_file(None, body=...)`` twice
  (sphinx-thebe's ``const THEBE_JS_URL = ...``: an uncaught SyntaxError on every page);
  identical scripts are written once.
* The reader's framework is applied before the first paint: ``static/tabbook-early.js``
  is inlined at the top of ``<head>`` with the framework table's names, and CSS keyed
  on the class it puts on ``<html>`` shows that framework's tabs (see the JS file).
* The header's download menu loses its source entry (".md") when the sources are not
  copied (``html_copy_source = False``): it pointed at a ``_sources/`` that is not built.
  sphinx-book-theme has no option for that entry alone (``use_download_button`` drops
  the whole menu, "print to PDF" included). Its print entry is labelled "Print this
  page", not ".pdf".
* The home page's ``<title>`` is the book title once, not "title - title".
* sphinx-exercise: ids unique on a page (every exercise and solution body is a section
  with the same id), no leading space inside the "Solution to Exercise 4.3.1" link.
* Each framework tab-set is a group labelled as the framework choice.
* sphinx-thebe's script, stylesheet and settings are left out of the pages unless the book
  turns on thebe (``launch_buttons.thebe``): Jupyter Book loads them on every page.
* FontAwesome: the theme's 1.5 MB script (543 KB gzip) is replaced by CSS drawing the
  icons the pages use (:mod:`tabbook.sphinxext.icons`).
* The theme's labels that its templates write in English (sidebar buttons, landmarks) are
  translated when the page is built (:mod:`tabbook.sphinxext.theme_strings`); Chinese
  search cuts the query as the index is cut (:mod:`tabbook.sphinxext.search_zh`).

User-visible strings go through Sphinx's gettext (catalog ``tabbook``); the ones the
JavaScript shows reach it as data attributes of the early script.

The patches of upstream internals among these (theme mode, duplicate scripts, download
menu, title, sphinx-exercise, sphinx-design's storage key) are in
:mod:`tabbook.sphinxext.patches`; the others here (unused thebe, the book's PDF in the
download menu, the printed title's number, the tab-sets' labels) are listed in
:data:`tabbook.sphinxext.compat.PATCHES` too.

Hooked into Sphinx by ``app.setup_extension("tabbook.sphinxext.reader")``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from sphinx.locale import get_translation

from ..core.escape import escape_added
from ..core.frameworks import FRAMEWORKS
from . import patches
from .template_cache import cache_compiled_templates

_ = get_translation("tabbook")

JS_FILE = "tabbook-reader.js"
CSS_FILE = "tabbook-reader.css"
EARLY_JS_FILE = "tabbook-early.js"
ICONS_CSS_FILE = "tabbook-icons.css"
FAVICON = "favicon.svg"
SYNC_GROUP = "framework"


def _static_dirs(app) -> list[Path]:
    return [Path(app.confdir, p) for p in app.config.html_static_path]


def _config_inited(app, config) -> None:
    patches.theme_default_mode(config)
    if not config.html_favicon:
        for folder in _static_dirs(app):
            if (folder / FAVICON).is_file():
                config.html_favicon = str(folder / FAVICON)
                break


def _builder_inited(app) -> None:
    if app.builder.format != "html":
        return
    from ..core.layout import Layout

    cache_compiled_templates(app, Layout(Path(app.srcdir)).templates)
    have = {name for folder in _static_dirs(app) for name in (JS_FILE, CSS_FILE)
            if (folder / name).is_file()}
    if JS_FILE in have:
        app.add_js_file(JS_FILE, loading_method="defer")
    if CSS_FILE in have:
        app.add_css_file(CSS_FILE, priority=900)  # after the theme's and sphinx-design's
    # written at build-finished (tabbook.sphinxext.icons), in place of the theme's fontawesome.js
    app.add_css_file(ICONS_CSS_FILE, priority=900)


def _thebe_used(config) -> bool:
    options = config.html_theme_options or {}
    launch = options.get("launch_buttons") or {}
    return bool(launch.get("thebe") or getattr(config, "use_thebe", False))


def _drop_unused_thebe(app, pagename, templatename, context, doctree) -> None:
    """Jupyter Book loads sphinx-thebe on every page (its script, stylesheet and inline
    settings) though no "Live Code" button exists unless ``launch_buttons.thebe`` is set:
    a request and a parse for nothing. Left out of the page when the book does not use it."""
    if _thebe_used(app.config):
        return
    for key, unused in (("script_files",
                         lambda f, body: "sphinx-thebe" in f or "THEBE_JS_URL" in body),
                        ("css_files", lambda f, body: "sphinx-thebe" in f)):
        files = context.get(key)
        if isinstance(files, list):
            files[:] = [a for a in files if not unused(
                str(getattr(a, "filename", a) or ""),
                str((getattr(a, "attributes", None) or {}).get("body", "")))]


def early_css(names: list[str]) -> str:
    """CSS showing the panel of the framework named by ``<html class="tabbook-fw-early
    tabbook-fw-X">`` (the early script also checks that tab's input as it is parsed, so
    its label is styled as selected by the theme itself).

    It outranks sphinx-design's ``input:checked`` rules while the class is there.
    """
    tab = "html.tabbook-fw-early .tabbook-tab-set > input + label"
    # (sphinx-design fades a label's colour in 250 ms: a label whose input the early script
    # unchecked while the page was parsed would be seen fading out of the selected look)
    rules = [f"{tab} + .sd-tab-content {{ display: none; }}", f"{tab} {{ transition: none; }}"]
    for name in names:
        sel = (f'html.tabbook-fw-early.tabbook-fw-{name} .tabbook-tab-set > input '
               f'+ label[data-sync-id="{name}"]')
        rules.append(f"{sel} + .sd-tab-content {{ display: block; }}")
    return "\n".join(rules)


def _ui_strings() -> dict[str, str]:
    """Strings the reader's JavaScript shows, translated (``{}`` is filled in by the JS)."""
    return {
        "framework": str(_("Framework")),
        "printFramework": str(_("Framework: {}")),
        "showSolution": str(_("Show solution to {}")),
        "showSectionsOf": str(_("Show sections of {}")),
        "showSections": str(_("Show sections")),
    }


def early_head(app, storage_prefix: str) -> str:
    """The inline ``<script>`` and ``<style>`` that go first into every page's ``<head>``."""
    js = ""
    for folder in _static_dirs(app):
        if (folder / EARLY_JS_FILE).is_file():
            js = (folder / EARLY_JS_FILE).read_text(encoding="utf-8")
            break
    if not js:
        return ""
    names = [fw.name for fw in FRAMEWORKS]
    attrs = {"data-tabbook-early": "", "data-frameworks": json.dumps(names),
             "data-labels": json.dumps({fw.name: fw.label for fw in FRAMEWORKS}),
             "data-group": SYNC_GROUP, "data-storage-prefix": storage_prefix,
             "data-i18n": json.dumps(_ui_strings(), ensure_ascii=False)}
    attr_text = " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items())
    # the file's comments explain it; every page need not carry them
    js = "\n".join(line for line in js.splitlines() if not line.lstrip().startswith("//"))
    js = js.replace("</", "<\\/")  # (never ends the inline script early)
    return (f"<script {attr_text}>\n{js}</script>\n"
            f"<style>\n{early_css(names)}\n</style>\n")


def _page_head(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html":
        return
    head = early_head(app, patches.tabs_storage_prefix(app.env))
    if head:
        context["metatags"] = head + context.get("metatags", "")


PRINT_BUTTON = "download-pdf-button"
"""sphinx-book-theme's download menu entry that prints the page (``window.print()``)."""


def _label_print_entry(app, pagename, templatename, context, doctree) -> None:
    """The download menu's print entry says what it does ("Print this page"), not the bare
    ".pdf" of sphinx-book-theme (whose tooltip says "Print to PDF"). The whole book's PDF
    and notebooks are offered beside it once `make publish` has them
    (:mod:`tabbook.stages.downloads`): the site `make html` builds holds neither, and its
    menu offers neither."""
    for group in context.get("header_buttons", []):
        if not (isinstance(group, dict) and group.get("label") == "download-buttons"
                and isinstance(group.get("buttons"), list)):
            continue
        for button in group["buttons"]:
            if isinstance(button, dict) and button.get("label") == PRINT_BUTTON:
                # (the theme's button macro puts the text into the page unescaped)
                button["text"] = escape_added("Print this page", str(_("Print this page")))


def _numbered_print_title(app, pagename, templatename, context, doctree) -> None:
    """The printed title has the page's number ("4.3. The Base ..."): sphinx-book-theme
    prints its own copy of the title (``pagetitle``) and hides the numbered heading."""
    title = context.get("pagetitle")
    number = app.env.toc_secnumbers.get(pagename, {}).get("")
    if not title or not number:
        return
    prefix = ".".join(map(str, number)) + app.config.html_secnumber_suffix
    if not title.startswith(prefix):
        context["pagetitle"] = prefix + title


_TAB_SET_RE = re.compile(r'<div class="sd-tab-set tabbook-tab-set( [^"]*)?"')


def _label_tab_sets(app, pagename, templatename, context, doctree) -> None:
    """Each framework tab-set is a group named as the choice it offers."""
    body = context.get("body")
    if not body or "tabbook-tab-set" not in body:
        return
    label = html.escape(str(_("Framework")))
    context["body"] = _TAB_SET_RE.sub(
        lambda m: f'{m.group(0)} role="group" aria-label="{label}"', body)


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from .icons import replace_fontawesome

    replace_fontawesome(Path(app.outdir), log=_log_info)


def _log_info(message: str) -> None:
    from sphinx.util import logging

    logging.getLogger(__name__).info(message)


def setup(app) -> dict:
    from .. import __version__

    app.setup_extension("tabbook.sphinxext.sphinx_math")
    app.setup_extension("tabbook.sphinxext.search_zh")
    app.setup_extension("tabbook.sphinxext.theme_strings")
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", patches.dedupe_scripts, priority=900)
    app.connect("html-page-context", _drop_unused_thebe, priority=900)
    app.connect("html-page-context", _page_head, priority=900)
    # after sphinx-book-theme fills the header buttons (priority 501)
    app.connect("html-page-context", patches.drop_dead_downloads, priority=900)
    app.connect("html-page-context", _label_print_entry, priority=900)
    app.connect("html-page-context", patches.title_once, priority=900)
    app.connect("html-page-context", _label_tab_sets, priority=900)
    # after sphinx-book-theme sets `pagetitle` (priority 500)
    app.connect("html-page-context", _numbered_print_title, priority=900)
    app.add_post_transform(patches.TidyExercises)
    app.connect("build-finished", _build_finished)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
