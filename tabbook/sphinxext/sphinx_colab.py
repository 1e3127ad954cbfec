"""The Sphinx side of the Colab notebooks (:mod:`tabbook.stages.colab`).

* At ``config-inited``, with Jupyter Book's theme: its repository buttons follow
  ``repository:`` (off when the book sets no ``repository.url``, rather than pointing at
  Jupyter Book's default), and the footer names the version of the ``d2l`` library the
  book was built with.
* After ``builder-inited`` (once :mod:`tabbook.sphinxext.sphinx_ext` has executed the pages): which
  pages have notebooks (for the links).
* At ``build-finished`` (the environment complete: every label, section and equation
  numbered as the pages show them; also after a build that had nothing to rewrite): write
  every page's notebooks to ``tabbook.colab_dir``
  (``<colab_dir>/<lang_dir><framework>/...``, ``lang_dir`` from Sphinx's ``language``)
  and a copy into the HTML output (``_colab/<framework>/...``) for the download links.
  Their cross-references are resolved from Sphinx's environment (:func:`env_references`),
  which is saved with them for ``make colab`` (which checks them: the build alone writes them).
* At ``html-page-context``: put, under the title of each page with code, an "Open in
  Colab" link (or, when the book is not published, a note saying so) and a "Download
  .ipynb" link; their ``data-*`` attributes name each framework's Colab URL and download
  URL. ``static/colab.js`` points the links at the framework the reader picked in the tabs.
* Pages are re-rendered when the Colab URLs or the library version change (their
  content hash, :func:`tabbook.stages.freshness.page_digest`, holds
  :func:`tabbook.stages.colab.stamp`).

Call :func:`setup` from :func:`tabbook.sphinxext.sphinx_ext.setup`.
"""

from __future__ import annotations

import html
import unicodedata
from pathlib import Path

from docutils import nodes
from docutils.nodes import make_id
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.locale import get_translation
from sphinx.util import logging

from .. import __version__
from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.frameworks import BY_NAME, FRAMEWORKS
from ..core.myst_markdown import References, Target
from ..sources.config import load_config
from ..sources.i18n import SOURCE, Translator, edition_of
from ..stages.colab import (
    HTML_DIR,
    REFERENCES,
    colab_url,
    language_dir,
    library_label,
    notebook_relpath,
    page_notebooks,
    write_notebooks,
)
from ..stages.colab_cells import NOT_PUBLISHED
from ..stages.launch import launch_urls
from .sphinx_state import state_of

STATIC = Path(__file__).resolve().parents[2] / "static"
LOGGER = logging.getLogger(__name__)
_ = get_translation("tabbook")  # the tool's strings (tabbook/locales/)
DEFAULT = FRAMEWORKS[0].name


BOOK_THEME = "sphinx_book_theme"
"""Jupyter Book's theme: the one whose repository buttons and footer are set here."""
REPOSITORY_BUTTONS = {"use_repository_button": "repository_button",
                      "use_edit_page_button": "edit_page_button",
                      "use_issues_button": "issues_button"}
"""The theme's repository buttons and the :class:`~tabbook.sources.config.BookConfig` field
of each."""


def _config_inited(app: Sphinx, config) -> None:
    """Static files, the theme's repository buttons, and the footer's library version."""
    # serve static/colab.js and colab.css also to a book whose static folder lacks them
    paths = [Path(app.confdir, p).resolve() for p in config.html_static_path]
    if STATIC.is_dir() and STATIC not in paths:
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    try:
        cfg = load_config(Path(app.srcdir))
    except BookError as exc:
        raise ExtensionError(f"[tabbook] {exc}") from None
    if config.html_theme != BOOK_THEME:  # another theme has none of these options
        return
    options = dict(config.html_theme_options or {})
    if isinstance(options.get("launch_buttons"), dict):
        # the JupyterHub link is tabbook's, per framework (tabbook.stages.launch): not the theme's
        options["launch_buttons"] = {k: v for k, v in options["launch_buttons"].items()
                                     if k != "jupyterhub_url"}
    if cfg.published:
        options["repository_url"] = cfg.repository_url
        options["repository_branch"] = cfg.repository_branch
        # on unless `html:` turns them off (Jupyter Book refuses them without a URL, so
        # _config.yml cannot turn them on itself and still build unpublished)
        for key, chosen in REPOSITORY_BUTTONS.items():
            options[key] = getattr(cfg, chosen) is not False
    else:
        # Jupyter Book's default `repository:` is its own repository: no buttons to it
        for key in REPOSITORY_BUTTONS:
            options[key] = False
        options.pop("repository_url", None)
    options["extra_footer"] = (options.get("extra_footer") or "") + footer_html(cfg)
    config.html_theme_options = options


def footer_html(cfg) -> str:
    """The footer's line naming the d2l library the book (and its notebooks) was built with."""
    if not cfg.library_version:
        return ""
    name = html.escape(library_label(cfg))
    if cfg.wheel_url:
        name = f'<a href="{html.escape(cfg.wheel_url)}">{name}</a>'
    text = html.escape(str(_("Code built and tested with the d2l library {name}.")))
    return f'<p class="tabbook-library">{text.replace("{name}", name)}</p>'


def _builder_inited(app: Sphinx) -> None:
    state = state_of(app.env)
    if not state.ready:
        return
    state.colab = {
        docname: [fw.name for fw in FRAMEWORKS if (docname, fw.name) in state.runs]
        for docname in state.pages}


def env_references(app: Sphinx) -> References:
    """Every label, equation and page of the built edition, numbered as its pages show them.

    Sections, exercises, figures, ...: Sphinx's own ``numref`` numbering
    (``StandardDomain.get_fignumber``, after :func:`tabbook.sphinxext.sphinx_ext._renumber_sections`
    gave the book's numbers); equations: as Sphinx's math domain writes ``{eq}``.
    """
    env = app.env
    std = env.get_domain("std")
    doctrees: dict = {}

    def node_of(docname: str, node_id: str):
        if docname not in doctrees:
            try:
                doctrees[docname] = env.get_doctree(docname)
            except (OSError, KeyError):
                doctrees[docname] = None
        tree = doctrees[docname]
        if tree is None:
            return None
        return next((n for n in tree.findall(nodes.Element) if node_id in n.get("ids", ())),
                    None)

    targets = {}
    for label, (docname, node_id, title) in std.labels.items():
        if docname not in env.found_docs:
            continue
        kind, number = "", ""
        node = node_of(docname, node_id)
        if node is not None:
            kind = std.get_enumerable_node_type(node) or ""
            if kind:
                try:
                    numbers = std.get_fignumber(env, app.builder, kind, docname, node)
                except ValueError:
                    numbers = None
                number = ".".join(map(str, numbers or ()))
        targets[label] = Target(docname, node_id, kind or "section", number, title or "")
    equations = env.domaindata.get("math", {}).get("objects", {})
    for label, (docname, eqno) in equations.items():
        node_id = make_id(f"equation-{label}")
        if env.config.math_numfig and env.config.numfig:
            found = env.toc_fignumbers.get(docname, {}).get("displaymath", {}).get(node_id, ())
            number = ".".join(map(str, found))
            number = env.config.math_numsep.join(number.rsplit(".", 1)) if number else ""
        else:
            number = str(eqno)
        targets[label] = Target(docname, node_id, "equation", number, "")
    formats = {k: str(v) for k, v in (env.config.numfig_format or {}).items()}
    formats["equation"] = env.config.math_eqref_format or "({number})"
    docs = {d: t.astext() for d, t in env.titles.items() if d in env.found_docs}
    return References(targets, formats, docs)


def _write_notebooks(app: Sphinx, exception) -> None:
    """``build-finished``: every page's notebooks, their references resolved."""
    state = state_of(app.env)
    if exception is not None or not state.ready or app.builder.format != "html":
        return  # (the gettext builder: the messages only)
    pages, runs, cfg = state.pages, state.runs, state.config
    root = Path(app.srcdir)
    lang_dir = language_dir(app.config.language)
    folders = [root / cfg.colab_dir / lang_dir, Path(app.outdir) / HTML_DIR]
    # a translated edition's notebooks: its markdown translated by message (tabbook.sources.i18n)
    edition = edition_of(app.config.language)
    translate = None if edition is SOURCE else Translator(root, edition)
    references = env_references(app)
    try:
        if not cfg.package_spec:
            LOGGER.info(f"[tabbook] {NOT_PUBLISHED} (no `repository.url` in _config.yml): the "
                        "Colab notebooks say so in their install cell")
        notebooks = page_notebooks(list(pages.values()), runs, root, cfg, lang_dir, translate,
                                   references)
        write_notebooks(notebooks, folders)
        # for `make colab` (tabbook.stages.colab.check_colab): the same references
        write_atomic(folders[0] / REFERENCES, references.to_json().encode("utf-8"))
    except BookError as exc:
        raise ExtensionError(f"[tabbook] {exc}") from None


def _after(html_: str, text: str) -> str:
    """``html_`` (whose text is ``text``) put after a link's words: with a space, unless
    ``text`` starts with a full-width mark ("在Colab中打开（PyTorch）")."""
    return html_ if text[:1] and unicodedata.east_asian_width(text[0]) in "WF" else " " + html_


def buttons_html(names: list[str], docname: str, pattern: str, pathto, lang_dir: str = "",
                 launch: dict | None = None) -> str:
    """The links block of a page; ``pathto(file, 1)`` makes a page-relative URL.

    Without a ``pattern`` (the book is not published) "Open in Colab" is a note saying so.
    ``launch`` maps each framework to ``{service: url}``
    (:func:`tabbook.stages.launch.launch_urls`): a link per service that applies, after
    Colab's.
    """
    launch = launch or {}
    first = DEFAULT if DEFAULT in names else names[0]
    attrs = {"class": "tabbook-colab", "role": "group",
             "aria-label": str(_("Run this page as a notebook")),
             "data-frameworks": " ".join(names), "data-selected": first, "data-default": first}
    base = docname.rsplit("/", 1)[-1]
    for name in names:
        attrs[f"data-label-{name}"] = BY_NAME[name].label
        attrs[f"data-download-{name}"] = pathto(f"{HTML_DIR}/{notebook_relpath(name, docname)}", 1)
        # a translated edition's download is named apart from the English one
        suffix = "-" + lang_dir.strip("/") if lang_dir else ""
        attrs[f"data-file-{name}"] = f"{base}-{name}{suffix}.ipynb"
        if pattern:
            attrs[f"data-colab-{name}"] = colab_url(pattern, name, docname, lang_dir)
        for service, url in launch.get(name, {}).items():
            attrs[f"data-{service}-{name}"] = url
    a = html.escape
    # "Open in Colab (PyTorch)", "在Colab中打开（PyTorch）": the label as the language
    # writes it, with no space before a full-width mark (static/colab.js fills it in too)
    label_format = attrs["data-label-format"] = str(_("({label})"))
    shown = label_format.format(label=BY_NAME[first].label)
    label = _after(f'<span class="tabbook-colab-fw">{a(shown)}</span>', label_format)
    hidden = str(_("(opens in a new tab)"))
    new_tab = _after(f'<span class="tabbook-visually-hidden">{a(hidden)}</span>', hidden)
    parts = [f'<div {" ".join(f"{k}={chr(34)}{a(v)}{chr(34)}" for k, v in attrs.items())}>']
    if pattern:
        parts.append(
            f'<a class="tabbook-colab-open" href="{a(attrs[f"data-colab-{first}"])}" '
            f'target="_blank" rel="noopener">{a(str(_("Open in Colab")))}{label}{new_tab}</a>')
    else:
        # (in English: "... not yet. " + NOT_PUBLISHED + "; download ...")
        unpublished = _("Open in Colab: not yet. This book is not published yet; "
                        "download the notebook instead.")
        parts.append(f'<span class="tabbook-colab-unpublished">{a(str(unpublished))}</span>')
    services = {"studiolab": _("Open in SageMaker Studio Lab"),
                "jupyterhub": _("Open in JupyterHub")}
    for service, text in services.items():
        url = launch.get(first, {}).get(service)
        if url:  # (colab.js points it at the reader's framework, as the Colab link)
            parts.append(
                f'<a class="tabbook-launch tabbook-launch-{service}" data-launch="{service}" '
                f'href="{a(url)}" target="_blank" rel="noopener">'
                f'{a(str(text))}{label}{new_tab}</a>')
    parts.append(
        f'<a class="tabbook-colab-download" href="{a(attrs[f"data-download-{first}"])}" '
        f'download="{a(attrs[f"data-file-{first}"])}">{a(str(_("Download .ipynb")))}{label}'
        f'</a>')
    parts.append("</div>")
    # colab.js (loaded in <head>) points the links at the reader's framework right away,
    # not at DOMContentLoaded, which waits for every deferred script
    parts.append("<script>window.tabbookColab && "
                 "tabbookColab.show(document.currentScript.previousElementSibling)</script>")
    return "\n".join(parts) + "\n"


def _html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                       doctree) -> None:
    state = state_of(app.env)
    names = state.colab.get(pagename)
    if not names or "body" not in context or "pathto" not in context:
        return
    lang_dir = language_dir(app.config.language)
    launch = {name: launch_urls(state.config, name, pagename, lang_dir) for name in names}
    block = buttons_html(names, pagename, state.config.colab_pattern, context["pathto"],
                         lang_dir, launch)
    body = context["body"]
    end = body.find("</h1>")
    if end < 0:
        context["body"] = block + body
    else:
        end += len("</h1>")
        context["body"] = body[:end] + "\n" + block + body[end:]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _config_inited)
    # after tabbook.sphinxext.sphinx_ext's builder-inited (priority 500), which executes the pages
    app.connect("builder-inited", _builder_inited, priority=600)
    app.connect("build-finished", _write_notebooks)
    app.connect("html-page-context", _html_page_context)
    app.add_js_file("colab.js")
    app.add_css_file("colab.css")
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
