"""The first two cells of a Colab notebook (:mod:`tabbook.stages.colab`): the note that says
what the notebook is and links its page, and the install cell (the book's ``d2l`` library,
pinned, and what the framework needs beyond Colab's defaults), in the edition's language.

This module does not import Sphinx.
"""

from __future__ import annotations

import re

from ..core.escape import code_comment, escape_added
from ..core.frameworks import Framework
from ..sources.i18n import SOURCE
from ..sources.source import Page


def quote_arg(arg: str) -> str:
    arg = arg.replace("{", "{{").replace("}", "}}")  # IPython expands {name} in magics
    return arg if re.fullmatch(r"[A-Za-z0-9._=+/:@-]+", arg) else '"' + arg + '"'


NOT_PUBLISHED = "This book is not published yet"


def install_code(fw: Framework, package_spec: str, library: str = "",
                 gettext=lambda message: message) -> str:
    """The install cell: the book's ``d2l`` library, pinned, and ``fw``'s Colab requirements.

    ``library`` names it for readers (``d2l-classification-book 0.1.0``). Without a
    ``package_spec`` (the book is not published) the cell says so and installs only what
    the framework needs. ``gettext`` translates the comments the tool writes (the tool's
    strings); the library's own code (its preamble) keeps its English.
    """
    _ = gettext
    named = f" ({library})" if library else ""
    if package_spec:
        args = " ".join(quote_arg(a) for a in (package_spec, *fw.colab_requirements))
        what = (_("and what {label} needs beyond Colab's defaults.") if fw.colab_requirements
                else _("(Colab already has {label}).")).format(label=fw.label)
        install = (_("Install the d2l library this notebook was built with ({library})")
                   .format(library=library) if library
                   else _("Install the d2l library this notebook was built with"))
        # (each comment one line, whatever the settings or translations it holds)
        code = (code_comment(install) + "\n" + code_comment(what)
                + f"\n%pip install -q {args}\n")
    else:
        message = (f"{NOT_PUBLISHED} (its _config.yml sets no repository.url), so there is no "
                   f"released d2l library{named} to install from the web. Install it from a "
                   f"copy of the book's repository: pip install <path of the copy>")
        code = f"{code_comment(message)}\nprint({message!r})\n"
        if fw.colab_requirements:
            args = " ".join(quote_arg(a) for a in fw.colab_requirements)
            code += f"# What {fw.label} needs beyond Colab's defaults:\n%pip install -q {args}\n"
    if fw.library_preamble.strip():
        # the page's cells may import the framework before d2l (which runs this too)
        code += ("\n" + code_comment(_("Let {label} run on Colab's numpy and Python, as the "
                                        "d2l library does:").format(label=fw.label))
                 + f"\n{fw.library_preamble.strip()}\n")
    return code.rstrip("\n")


def identity(message: str) -> str:
    return message


def for_markdown(translate):
    """The tool's strings of a translated edition as notebook markdown takes them: what a
    translation adds of ``& < > " '`` is text (:func:`tabbook.core.escape.escape_added`)."""
    if translate is None:
        return identity
    return lambda message: escape_added(message, translate.ui(message))


def intro_markdown(page: Page, fw: Framework, title: str, url: str, library: str = "",
                   translate=None) -> str:
    """The first cell: what the notebook is, where its page is, how to run it.

    ``translate`` (a :class:`tabbook.sources.i18n.Translator`) gives a translated edition's text.
    """
    _ = for_markdown(translate)
    page_title = translate.message(page.docname, page.title) if translate else page.title
    name = (f"{page.section_number}. " if page.section_number else "") + page_title
    where = f"[{name}]({url})" if url else f"“{name}” (`{page.docname}.html`)"
    if translate is not None and title:
        title = translate.book_title(title)
    book = _(" of *{title}*").format(title=title) if title else ""
    extra = (_(" and {packages}").format(
        packages=", ".join(f"`{r}`" for r in fw.colab_requirements))
        if fw.colab_requirements else "")
    built = ("\n>\n" + _("> Built with the book's `d2l` library **{library}**.").format(
        library=library)) if library else ""
    return (_("> **{label} notebook** of the page {where}{book}: the page's text and its "
              "{label} code, with the outputs the code printed when the book was built.")
            .format(label=fw.label, where=where, book=book) + built + "\n>\n"
            + _("> Run the next cell first: it installs that `d2l` library{extra}. Then run "
                "the cells in order. If Colab asks you to restart the session after the "
                "install, restart it and go on with the cell after the install cell.")
            .format(extra=extra))


def discussions_markdown(page: Page, fw: Framework, translate=None) -> str:
    """The link to the section's forum topic for ``fw`` in the edition's language ('' when the
    page names none), as the page ends with it (:mod:`tabbook.sphinxext.sphinx_discuss`):
    "Discussions", or "Discussions (in English)" where the edition borrows the source
    language's topics. The URL is data (``https://``, no white space: checked when the page
    is read); its ``<>()`` are percent-encoded, so that it stays one link."""
    _ = for_markdown(translate)
    language = translate.edition.language if translate is not None else SOURCE.language
    topics, borrowed = page.discussion_topics(language)
    url = topics.get(fw.name)
    if not url:
        return ""
    text = _("Discussions (in English)") if borrowed else _("Discussions")
    text = text.replace("[", "\\[").replace("]", "\\]")  # (a translation's brackets: text)
    for c in "<>()":  # (percent-encoded: the link ends where the URL does)
        url = url.replace(c, f"%{ord(c):02X}")
    return f"[{text}]({url})"
