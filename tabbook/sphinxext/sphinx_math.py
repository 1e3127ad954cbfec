"""Formulas rendered to HTML when the book is built (KaTeX): no math JavaScript in any page.

Registers the HTML math renderer ``katex`` (Sphinx's ``app.add_html_math_renderer``, the
public way ``sphinx.ext.mathjax`` and ``sphinxcontrib-katex`` plug in) and selects it
(``html_math_renderer``), so Sphinx's MathJax extension adds nothing to any page.

* Every formula of the pages read in a Sphinx run is rendered in one batch by one Node.js
  process (:class:`tabbook.stages.mathrender.KatexRenderer`) when reading is done
  (``env-updated``), before any page is written: a formula KaTeX cannot render stops the
  build with an error naming the page, the line and the formula, and for a translated
  page the catalog and the line of its entry. A page written but not read again (its
  neighbour changed) renders its formulas as it is written, through the same process.
* A page with formulas links ``_static/katex/katex.min.css`` (its woff2 fonts load when a
  formula uses them); a page without, nothing.
* Display formulas keep Sphinx's markup around them: ``<div class="math">``, the equation
  number (``<span class="eqno">(4.3.1)``, its permalink) that ``{eq}`` references link to.
* The search index reads each formula as its symbols (its MathML's text), not its TeX.
* The notebooks (Colab) are written from the sources, not from these nodes: they keep
  ``$...$``.

Hooked into Sphinx by ``app.setup_extension("tabbook.sphinxext.sphinx_math")``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from docutils.utils import get_source_line
from sphinx.errors import ExtensionError
from sphinx.locale import get_translation
from sphinx.util.math import get_node_equation_number

from ..stages import mathrender
from ..stages.mathrender import Formula, MathError

_ = get_translation("tabbook")

RENDERER = "katex"
CSS = f"{mathrender.STATIC_NAME}/{mathrender.CSS_NAME}"
_MATH = (nodes.math, nodes.math_block)


def _renderer(app) -> mathrender.KatexRenderer:
    renderer = getattr(app, "_tabbook_katex", None)
    if renderer is None:
        try:
            renderer = mathrender.KatexRenderer(mathrender.install())
        except MathError as exc:
            raise ExtensionError(f"[tabbook] {exc}") from None
        app._tabbook_katex = renderer
    return renderer


def _config_inited(app, config) -> None:
    config.html_math_renderer = RENDERER


def _builder_inited(app) -> None:
    if app.builder.format != "html":
        return
    from ..core.layout import Layout

    vendor = Layout(Path(app.srcdir)).vendor  # (not the outdir's parent: zh's is the site)
    try:
        stage = mathrender.stage(_renderer(app).npm_dir, vendor / "static-katex")
    except (MathError, OSError) as exc:
        raise ExtensionError(f"[tabbook] staging KaTeX's stylesheet and fonts: {exc}") from None
    static = [str(p) for p in app.config.html_static_path]
    if str(stage) not in static:
        app.config.html_static_path = static + [str(stage)]


def _tex(node) -> str:
    return node.get("tabbook_tex", node.astext())


def _formula(node) -> Formula:
    return Formula(_tex(node), isinstance(node, nodes.math_block))


def _where(app, node) -> str:
    """``page.md:12`` for a formula; with the catalog entry when its text is translated."""
    source, line = get_source_line(node)
    source = source or ""
    if ":<translated>" in source:  # Sphinx's i18n parses a message as "<page>:<line>:<translated>"
        source, _sep, original = source.partition(":<translated>")[0].rpartition(":")
        line = int(original) if original.isdigit() else line
    try:
        rel = Path(source).resolve().relative_to(Path(app.srcdir).resolve()).as_posix()
    except (ValueError, OSError):
        rel = source or "?"
    where = f"{rel}:{line}" if line else rel
    parent = node
    while isinstance(parent, nodes.Element) and not parent.get("translated"):
        parent = parent.parent
    if isinstance(parent, nodes.Element) and app.config.language not in (None, "", "en"):
        where += _catalog_entry(app, app.env.path2doc(source) or "", _tex(node))
    return where


def _catalog_entry(app, docname: str, tex: str) -> str:
    """`` (translated: locales/<lang>/LC_MESSAGES/<page>.po:<line>)``: the entry holding ``tex``."""
    from ..sources.i18n import _read_po, catalog_path

    if not docname:
        return " (translated)"
    path = catalog_path(Path(app.srcdir), app.config.language, docname)
    rel = path.relative_to(Path(app.srcdir)).as_posix()
    try:
        entries = _read_po(path)
    except Exception:  # noqa: BLE001 (a catalog the build could not read: name the file)
        entries = []
    for entry in entries:
        if tex.strip() and tex.strip() in entry.msgstr:
            return f" (translated: {rel}:{entry.line})"
    return f" (translated: {rel})"


def _fail(app, exc: MathError, found) -> ExtensionError:
    """The error naming every formula that failed: where it is, the TeX, KaTeX's reason."""
    version = getattr(getattr(app, "_tabbook_katex", None), "version", "?")
    lines = [f"{_where(app, node)}: formula ${_tex(node)}$ cannot be rendered (KaTeX "
             f"{version}): {exc.failed[_formula(node).key]}"
             for node in found if _formula(node).key in exc.failed]
    return ExtensionError("[tabbook] " + ("\n".join(dict.fromkeys(lines)) or str(exc)))


def _doctree_read(app, doctree) -> None:
    """Note the formulas of each page read, for one batch when reading is done."""
    if app.builder.format != "html":
        return
    pending = app.__dict__.setdefault("_tabbook_formulas", [])
    pending.extend(doctree.findall(lambda n: isinstance(n, _MATH)))


def _render_batch(app, env) -> None:
    found = app.__dict__.pop("_tabbook_formulas", [])
    if found:
        try:
            _renderer(app).render([_formula(node) for node in found])
        except MathError as exc:
            raise _fail(app, exc, found) from None


def _doctree_resolved(app, doctree, docname) -> None:
    """Render the page's formulas (already done in the batch, unless it was not read), and
    let the search index read each one's symbols instead of its TeX."""
    if app.builder.format != "html":
        return
    found = list(doctree.findall(lambda n: isinstance(n, _MATH)))
    try:
        rendered = _renderer(app).render([_formula(node) for node in found])
    except MathError as exc:
        raise _fail(app, exc, found) from None
    for node in found:
        formula = _formula(node)
        node["tabbook_tex"], node["tabbook_html"] = formula.tex, rendered[formula.key]
        node.children = []
        node += nodes.Text(mathrender.readable(rendered[formula.key]))


def _html(self, node) -> str:
    html = node.get("tabbook_html")
    if html is None:  # a formula made after doctree-resolved (none known today)
        app = self.builder.app
        try:
            html = _renderer(app).html(_formula(node))
        except MathError as exc:
            raise _fail(app, exc, [node]) from None
    return html


def visit_math(self, node) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_html(self, node) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(_html(self, node) + "</div>\n")
    raise nodes.SkipNode


def _html_page_context(app, pagename, templatename, context, doctree) -> None:
    # (not MathDomain.has_equations: that counts the pages a toctree includes, for singlehtml)
    if doctree is not None and next(doctree.findall(lambda n: isinstance(n, _MATH)), None):
        app.add_css_file(CSS)


STALE = ("mathjax",)
"""What earlier builds of the book served from ``_static/`` for formulas (MathJax 3, 330 KB
a first view): Sphinx never deletes a static folder, and the site must not ship it."""


def _build_finished(app, exception) -> None:
    renderer = app.__dict__.pop("_tabbook_katex", None)
    if renderer is not None:
        renderer.close()
    if exception is None and app.builder.format == "html":
        for name in STALE:
            shutil.rmtree(Path(app.outdir) / "_static" / name, ignore_errors=True)


def setup(app) -> dict:
    from .. import __version__

    app.add_html_math_renderer(RENDERER, (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", _config_inited, priority=800)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", _doctree_read, priority=900)
    app.connect("env-updated", _render_batch)
    app.connect("doctree-resolved", _doctree_resolved, priority=900)
    app.connect("html-page-context", _html_page_context)
    app.connect("build-finished", _build_finished)
    return {"version": __version__, "parallel_read_safe": False, "parallel_write_safe": True}
