"""The theme's interface strings that its templates write in English, translated when the
page is built.

sphinx-book-theme 1.3.0 writes a few labels into its templates as plain text, outside its
``translate()`` (its catalog, domain ``booktheme``): the sidebar buttons' tooltips ("Toggle
primary sidebar"), the book's navigation landmark (``aria-label="Main"``), the printed
page's contents (``aria-label="Page"``). No catalog can reach them, so the Chinese HTML said
them in English until a script replaced them. Here the HTML builder's template loader hands
Jinja those templates with each such label as ``{{ translate("...") }}``: the theme's own
call, through its catalog and the tool's supplement of it
(``tabbook/locales/<language>/LC_MESSAGES/booktheme.po``, compiled with what a translation
adds of ``& < > " '`` as character references: ``tabbook.sources.i18n.HTML_DOMAINS``).

In every edition (the English one renders the same English): Jinja's compiled-template cache
(:mod:`tabbook.sphinxext.template_cache`) checks each template's source, which is the
rewritten one, so the editions compile the same template once. The templates' text is an
upstream internal: the ``theme_template_strings`` patch of
:data:`tabbook.sphinxext.compat.PATCHES`, pinned by ``tests/unit/test_theme_strings.py``.

Hooked into Sphinx by ``app.setup_extension("tabbook.sphinxext.theme_strings")``
(:mod:`tabbook.sphinxext.reader`).
"""

from __future__ import annotations

from pathlib import Path

THEME_STRINGS: tuple[tuple[str, str, str], ...] = (
    ("components/toggle-primary-sidebar.html", "title", "Toggle primary sidebar"),
    ("components/toggle-secondary-sidebar.html", "title", "Toggle secondary sidebar"),
    ("components/sbt-sidebar-nav.html", "aria-label", "Main"),
    ("layout.html", "aria-label", "Page"),
)
"""(template, relative to sphinx-book-theme's theme folder; attribute; its English value)."""


def theme_folder() -> Path:
    """sphinx-book-theme's templates (``sphinx_book_theme/theme/sphinx_book_theme``)."""
    import sphinx_book_theme

    return Path(sphinx_book_theme.__file__).resolve().parent / "theme" / "sphinx_book_theme"


def literal(attribute: str, english: str) -> str:
    return f'{attribute}="{english}"'


def translated(attribute: str, english: str) -> str:
    """The attribute as the theme writes its translated ones (``translate`` is its context's
    gettext of the ``booktheme`` domain: every page has it, sphinx-book-theme's
    html-page-context sets it)."""
    return (f'{attribute}="{{{{ translate("{english}") if translate is defined '
            f'else "{english}" }}}}"')


def rewrite(source: str, filename: str | None, folder: Path | None = None) -> str:
    """``source`` of the template at ``filename`` with the theme's English labels
    (:data:`THEME_STRINGS`) as ``translate()`` calls; any other template as it is."""
    if not filename:
        return source
    folder = folder or theme_folder()
    try:
        name = Path(filename).resolve().relative_to(folder).as_posix()
    except ValueError:
        return source
    for template, attribute, english in THEME_STRINGS:
        if template == name:
            source = source.replace(literal(attribute, english), translated(attribute, english))
    return source


def translate_theme_strings(app) -> bool:
    """Wrap the HTML builder's template loader (``app.builder.templates``, Sphinx's
    ``BuiltinTemplateLoader``: the Jinja environment's loader) so that the templates of
    :data:`THEME_STRINGS` are read rewritten; whether it could."""
    loader = getattr(app.builder, "templates", None)
    get_source = getattr(loader, "get_source", None)
    if get_source is None or getattr(get_source, "tabbook_theme_strings", False):
        return False
    folder = theme_folder()

    def get_rewritten_source(environment, template):
        source, filename, uptodate = get_source(environment, template)
        return rewrite(source, filename, folder), filename, uptodate

    get_rewritten_source.tabbook_theme_strings = True
    loader.get_source = get_rewritten_source
    return True


def _builder_inited(app) -> None:
    if app.builder.format == "html":
        translate_theme_strings(app)


def setup(app) -> dict:
    from .. import __version__

    app.connect("builder-inited", _builder_inited)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
