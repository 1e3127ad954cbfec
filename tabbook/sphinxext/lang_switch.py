"""The language switch: on every page of every edition, a link to the same page in each
other edition, in the theme's article header (``templates/tabbook-lang-switch.html``),
and ``<link rel="alternate" hreflang>`` for each edition. ``static/tabbook-lang.js``
carries the reader's framework over to the other edition. Connected to Sphinx by
:mod:`tabbook.sphinxext.sphinx_i18n`.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..sources.i18n import SOURCE, UI_DOMAIN, Edition, edition_of, link_to, translations

TEMPLATES = Path(__file__).resolve().parent / "templates"
SWITCH_TEMPLATE = "tabbook-lang-switch.html"


def switch_in_header(app, config) -> None:
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

def switch_assets(app) -> None:
    """builder-inited: the switch's script and stylesheet, on every page of a book that has
    a translated edition."""
    if edition_of(app.config.language) is not SOURCE or translations(Path(app.srcdir)):
        app.add_js_file("tabbook-lang.js", loading_method="defer")
        app.add_css_file("tabbook-lang.css")


def switch_html(edition: Edition, docname: str, root: Path, label: str) -> str:
    """The language switch: a link to the same page in each other edition."""
    links = []
    for other in [SOURCE, *translations(root)]:
        if other == edition:
            continue
        href = html.escape(link_to(edition, other, docname))
        links.append(f'<a class="tabbook-lang-link" href="{href}" '
                     f'hreflang="{other.html_lang}" lang="{other.html_lang}" '
                     f'data-tabbook-lang="{other.language}">{html.escape(other.name)}</a>')
    if not links:
        return ""
    return (f'<nav class="tabbook-lang" aria-label="{html.escape(label)}">'
            + " ".join(links) + "</nav>\n")


def page_links(app, pagename, templatename, context, doctree) -> None:
    """html-page-context: the page's switch, and a ``<link rel="alternate" hreflang>`` to
    the same page in every edition."""
    from sphinx.locale import get_translation

    _ = get_translation(UI_DOMAIN)
    root = Path(app.srcdir)
    edition = edition_of(app.config.language)
    block = switch_html(edition, pagename, root, str(_("Language")))
    if not block:
        return
    context["tabbook_lang_switch"] = block  # (templates/tabbook-lang-switch.html)
    alternates = "".join(
        f'<link rel="alternate" hreflang="{e.html_lang}" '
        f'href="{html.escape(link_to(edition, e, pagename))}" />\n'
        for e in [SOURCE, *translations(root)])
    context["metatags"] = context.get("metatags", "") + alternates
