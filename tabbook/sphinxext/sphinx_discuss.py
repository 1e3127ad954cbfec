"""Each section ends with its "Discussions" link per framework, as d2l.ai's sections do.

A page names its section's topics on a forum in its front matter, one table for every
edition and framework (checked when the page is read: :func:`tabbook.sources.source.
check_discussions`)::

    tabbook:
      discussions:
        en: {pytorch: https://discuss.d2l.ai/t/6809, mxnet: ..., jax: ..., tensorflow: ...}

The page's last section then ends with a framework tab-set (synced with the page's other
tab-sets: the reader's framework shows its own topic) holding a "Discussions" link to the
framework's topic in the edition's language. An edition whose language has no topics of
its own links the English ones, and says so ("Discussions (in English)"): D2L's Chinese
edition (zh.d2l.ai) has topics of its own, but not for sections it does not have. A
framework without a topic gets a note, not a link. The URLs are data: the HTML writer
escapes them, and only ``https://`` ones are accepted.

Hooked into Sphinx by ``app.setup_extension("tabbook.sphinxext.sphinx_discuss")``.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.locale import get_translation

from ..core.frameworks import BY_NAME
from ..sources.i18n import SOURCE
from .sphinx_state import state_of

_ = get_translation("tabbook")

CLASS = "tabbook-discussions"


def _no_topic(fw) -> nodes.Node:
    note = nodes.paragraph(classes=[f"{CLASS}-none"])
    note += nodes.emphasis(text=str(_("This section has no {label} discussion.")).format(
        label=fw.label))
    return note


def _add_discussions(app, doctree) -> None:
    from .sphinx_ext import _tab_set

    page = state_of(app.env).pages.get(app.env.docname)
    end = next(iter(doctree.findall(nodes.section)), None)  # the page's own section
    if page is None or not page.discussions or end is None:
        return
    while end.children and isinstance(end.children[-1], nodes.section):
        end = end.children[-1]  # its last subsection (not one inside an exercise's solution)
    topics, borrowed = page.discussion_topics(app.config.language or SOURCE.language)
    if not topics:
        return
    text = str(_("Discussions (in English)") if borrowed else _("Discussions"))
    run = []
    for name, url in topics.items():
        para = nodes.paragraph(classes=[f"{CLASS}-link"])
        para += nodes.reference(text, text, refuri=url)
        run.append((BY_NAME[name].name, para))  # (a framework of the table: checked)
    tab_set = _tab_set(run, missing=_no_topic)
    tab_set["classes"].append(CLASS)
    end += tab_set


def setup(app) -> dict:
    from .. import __version__

    app.connect("doctree-read", _add_discussions)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
