"""The comments and docstrings of code cells in a translated edition's pages.

The messages are the page catalog's entries of context
:data:`tabbook.sources.code_prose.CONTEXT` (``make translations`` extracts them:
:func:`tabbook.sources.code_prose.add_book_messages`).

* At ``doctree-resolved``, in a translated edition: every code cell's source shows its
  comments and docstrings translated (the code unchanged); its outputs are left alone.
* At ``build-finished``: name every comment or docstring of a toc page that the edition
  still shows in English, as the untranslated prose is named (a warning line, not a
  Sphinx warning: an unfinished translation still builds).

Loaded by :mod:`tabbook.sphinxext.sphinx_ext`.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from .. import __version__
from ..sources.code_prose import code_catalog, page_messages, translate_code
from ..sources.i18n import LOCALES, SOURCE, edition_of
from .sphinx_state import state_of

LOGGER = logging.getLogger(__name__)


def code_sources(doctree):
    """The literal blocks that show a code cell's source (myst-nb's ``cell_code_source``)."""
    for node in doctree.findall(nodes.container):
        if node.get("nb_element") == "cell_code_source":
            yield from node.findall(nodes.literal_block)


def _doctree_resolved(app: Sphinx, doctree, docname: str) -> None:
    edition = edition_of(app.config.language)
    if edition is SOURCE:
        return
    catalog = code_catalog(Path(app.srcdir), edition.language, docname)
    if not catalog:
        return
    for block in code_sources(doctree):
        source = block.astext()
        new = translate_code(source, catalog.get)
        if new != source:
            block.children = [nodes.Text(new)]
            block.rawsource = new


def untranslated(root: Path, language: str, pages) -> list[str]:
    """``<page>: untranslated code comment or docstring: '...'`` for each message of the
    pages' code that their catalogs do not translate."""
    found = []
    for page in pages:
        catalog = code_catalog(root, language, page.docname)
        seen = set()
        for kind, text, _line in page_messages(page):
            if text in catalog or text in seen:
                continue
            seen.add(text)
            short = text if len(text) <= 80 else text[:77] + "..."
            found.append(f"{page.docname}: untranslated code {kind}: {short!r}")
    return found


def _report(app: Sphinx, exception) -> None:
    edition = edition_of(app.config.language)
    state = state_of(app.env)
    if exception is not None or edition is SOURCE or app.builder.format != "html" \
            or not state.ready:
        return
    problems = untranslated(Path(app.srcdir), edition.language, state.pages.values())
    for problem in problems:
        LOGGER.info(f"[tabbook] warning: {edition.language}: {problem}", color="red")
    if problems:
        LOGGER.info(f"[tabbook] warning: {edition.language}: {len(problems)} comments or "
                    f"docstrings of code shown in English; translate them in {LOCALES}/"
                    f"{edition.language}/LC_MESSAGES/<page>.po (`make translations`)",
                    color="red")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("build-finished", _report)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
