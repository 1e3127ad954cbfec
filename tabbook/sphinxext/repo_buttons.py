"""A translated page's repository buttons, as sphinx-book-theme made them (its
``header_buttons`` in the page's context, an upstream internal: ``compat.PATCHES``):
"Suggest edit" opens the page's catalog, "Open issue" an issue in the edition's
language. Connected to Sphinx by :mod:`tabbook.sphinxext.sphinx_i18n`.
"""

from __future__ import annotations

from ..sources.i18n import LOCALES, SOURCE, UI_DOMAIN, edition_of


def translate_repository_buttons(app, pagename, templatename, context, doctree) -> None:
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
