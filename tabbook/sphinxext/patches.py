"""The patches of pinned upstream internals that are code of their own: what
:data:`tabbook.sphinxext.compat.PATCHES` lists as ``tabbook.sphinxext.patches.<name>``
(the table says what each fixes, the version it was checked against and its test). The
modules that hook them into Sphinx import them from here. Grouped by the upstream package
they patch.

Part of the Sphinx side of tabbook (the core imports nothing of it).
"""

from __future__ import annotations

import copy
import html
import logging as std_logging
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

# =========================================================================== Sphinx


def _script_key(js) -> tuple:
    attrs = getattr(js, "attributes", {}) or {}
    return (getattr(js, "filename", js) or "", tuple(sorted((k, str(v)) for k, v in attrs.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """html-page-context: each identical script once (Sphinx 7.4 writes some twice)."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for js in scripts:
        key = _script_key(js)
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


POSITIONAL = "tabbook_positional_numbers"
"""Environment attribute: docname -> Sphinx's own (positional) numbers of a renumbered page."""


def restore_positional_numbers(app, env) -> list[str]:
    """env-get-updated, before Sphinx's toctree collector recomputes the numbers: put
    Sphinx's own numbers back.

    The collector rewrites every page whose numbers differ from the stored ones; the
    stored ones are the book's (:func:`renumber_sections`), so without this every build
    that runs Sphinx would rewrite every numbered page, changed or not.
    """
    for docname, (secnumbers, fignumbers) in getattr(env, POSITIONAL, {}).items():
        if docname in env.toc_secnumbers:
            env.toc_secnumbers[docname] = copy.deepcopy(secnumbers)
        if fignumbers is not None and docname in env.toc_fignumbers:
            env.toc_fignumbers[docname] = copy.deepcopy(fignumbers)
    return []


def renumber_sections(app, env, section_numbers) -> list[str]:
    """env-get-updated: replace Sphinx's positional section numbers by the book's, keeping
    Sphinx's own for :func:`restore_positional_numbers`.

    ``section_numbers``: docname -> "4.3" (the page's front matter), for the pages that
    have one.
    """
    positional = {}
    setattr(env, POSITIONAL, positional)
    for docname, numbers in env.toc_secnumbers.items():
        number = section_numbers.get(docname)
        if not number or "" not in numbers:
            continue
        want = tuple(int(x) for x in number.split("."))
        have = numbers[""]
        if have[: len(want)] == want and len(have) == len(want):
            continue
        positional[docname] = (copy.deepcopy(numbers),
                               copy.deepcopy(env.toc_fignumbers.get(docname)))

        def renumber(num, have=have, want=want):
            return want + tuple(num[len(have):]) if tuple(num[: len(have)]) == have else num

        env.toc_secnumbers[docname] = {a: renumber(n) for a, n in numbers.items()}
        # figures, equations and exercises: "Exercise 4.3.1" (numfig_secnum_depth: 2)
        for by_id in env.toc_fignumbers.get(docname, {}).values():
            for node_id, num in by_id.items():
                by_id[node_id] = renumber(tuple(num))
        # the page's own table of contents carries copies of the numbers
        for title in (env.titles.get(docname), env.longtitles.get(docname)):
            if title is not None and title.get("secnumber"):
                title["secnumber"] = list(renumber(tuple(title["secnumber"])))
        toc = env.tocs.get(docname)
        if toc is not None:
            for ref in toc.findall(nodes.reference):
                if ref.get("secnumber"):
                    ref["secnumber"] = renumber(tuple(ref["secnumber"]))
    return []


SPECIAL_PAGES = {"genindex", "search", "py-modindex"}


def prune_stale_pages(app, exception, keep_folders=frozenset()) -> None:
    """build-finished: delete HTML pages of documents that are no longer part of the book
    (Sphinx's incremental builds never remove them). ``keep_folders``: top folders of
    the output that are not this build's (the translated editions')."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        rel = page.relative_to(outdir)
        if rel.parts[0].startswith("_") or rel.parts[0] in keep_folders:
            continue
        docname = rel.with_suffix("").as_posix()
        if docname not in app.env.all_docs and docname not in SPECIAL_PAGES:
            page.unlink()


# =========================================================================== Jupyter Book

JB_SEARCH_TEXT = "Search this book..."
"""Jupyter Book's default ``search_bar_text``."""


def translate_search_bar_text(config, translated: str) -> None:
    """config-inited of a translated edition: the search box's placeholder translated,
    unless the book set its own."""
    options = dict(config.html_theme_options or {})
    if options.get("search_bar_text", JB_SEARCH_TEXT) == JB_SEARCH_TEXT:
        options["search_bar_text"] = translated
        config.html_theme_options = options


# =========================================================================== myst


class QuietConfigDumps(std_logging.Filter):
    """Drop the settings myst and myst-nb print at every start (one long line each).

    They are info messages (``myst v3.0.1: MdParserConfig(...)``); warnings and errors,
    theirs included, pass.
    """

    DUMPS = ("MdParserConfig", "NbParserConfig")

    def filter(self, record: std_logging.LogRecord) -> bool:
        if record.levelno >= std_logging.WARNING or not isinstance(record.args, tuple):
            return True
        return not any(type(arg).__name__ in self.DUMPS for arg in record.args)


def quiet_config_dumps() -> None:
    """Filter Sphinx's output handlers (set up before extensions load) once."""
    for handler in std_logging.getLogger("sphinx").handlers:
        if not any(isinstance(f, QuietConfigDumps) for f in handler.filters):
            handler.addFilter(QuietConfigDumps())


GETTEXT_IMAGES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif")
"""The image types of a cell's outputs that the gettext builder takes (before text/plain)."""


def extract_output_images(app) -> None:
    """Have the gettext builder take a cell output's image instead of its text/plain.

    myst-nb keeps a cell output's image, with the alt text the author wrote in the cell's
    metadata (``mystnb: image: alt:``), next to its text/plain until a post-transform
    picks one of them for the builder; for gettext it picks text/plain (which is no
    message), so the alt text would not reach the catalogs. With the image picked, the
    gettext builder extracts its alt text as a message of the page, and a translated
    edition's Locale transform (which sees every output before the pick) translates it.
    """
    overrides = list(app.config.nb_mime_priority_overrides or [])
    overrides += [("gettext", mime, i) for i, mime in enumerate(GETTEXT_IMAGES, start=1)]
    app.config.nb_mime_priority_overrides = overrides


# =========================================================================== sphinx-external-toc


def translate_toctree_captions(doctree, catalog: dict[str, str]) -> None:
    """doctree-read: translate the captions of the toc's toctrees ("Contents").

    sphinx-external-toc adds the toctrees after Sphinx's Locale transform has run; their
    captions are messages of the page's catalog all the same (the gettext builder
    extracts them), and the sidebar shows them.
    """
    from sphinx import addnodes

    for toctree in doctree.findall(addnodes.toctree):
        caption = toctree.get("caption")
        if caption and catalog.get(caption):
            toctree["caption"] = catalog[caption]
            if "rawcaption" in toctree:
                toctree["rawcaption"] = catalog[caption]


# =========================================================================== themes


def theme_default_mode(config) -> None:
    """config-inited: ``html_context["default_mode"]`` defaults to ``"auto"`` (otherwise
    pydata-sphinx-theme logs ``Got invalid theme mode`` on a first visit)."""
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def drop_dead_downloads(app, pagename, templatename, context, doctree) -> None:
    """No ".md" download when ``_sources/`` is not written (``html_copy_source = False``).
    Connect after sphinx-book-theme fills the header buttons (priority 501)."""
    if app.config.html_copy_source:
        return
    for group in context.get("header_buttons", []):
        if isinstance(group, dict) and isinstance(group.get("buttons"), list):
            group["buttons"] = [b for b in group["buttons"]
                                if b.get("label") != "download-source-button"]


def title_once(app, pagename, templatename, context, doctree) -> None:
    """The home page's ``<title>`` says the book's title once (not "T - T")."""
    title = re.sub(r"<[^>]+>", "", context.get("title") or "")
    docstitle = context.get("docstitle") or ""
    if pagename != app.config.root_doc or html.unescape(title).strip() != docstitle.strip():
        return
    logo = dict(context.get("theme_logo") or {})
    logo.setdefault("text", docstitle)  # the sidebar still shows the title (docstitle's job)
    context["theme_logo"] = logo
    context["docstitle"] = ""


# =========================================================================== sphinx-design


def tabs_storage_prefix(env) -> str:
    """sphinx-design's localStorage key prefix (its ``sd_tabs_storage_prefix`` setting)."""
    from sphinx_design.config import get_sd_config

    return get_sd_config(env).tabs_storage_prefix


# =========================================================================== sphinx-exercise


class TidyExercises(SphinxPostTransform):
    """sphinx-exercise's HTML, made valid and tidy.

    * Every exercise's and solution's body is a section with the id
      ``exercise-content`` / ``solution-content``: ids repeated on a page. Each gets
      its admonition's id instead (``<id>-content``).
    * A solution's title is "Solution to" + a link whose text starts with a space, which
      the link underlines: the space moves out of the link.
    """

    default_priority = 30  # after sphinx-exercise's title and link resolution (20-22)

    def run(self, **kwargs) -> None:
        try:
            from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, solution_node
        except ImportError:
            return
        kinds = (exercise_node, exercise_enumerable_node, solution_node)
        for admonition in self.document.findall(lambda n: isinstance(n, kinds)):
            own = (admonition.get("ids") or [admonition.get("label", "")])[0]
            for section in admonition.findall(nodes.section):
                if any(i in ("exercise-content", "solution-content") for i in section["ids"]):
                    section["ids"] = [f"{own}-content"] if own else []
            if isinstance(admonition, solution_node):
                for title in admonition.findall(nodes.title):
                    self._space_out_of_links(title)

    @staticmethod
    def _space_out_of_links(title: nodes.Element) -> None:
        for ref in list(title.findall(nodes.reference)):
            first = ref.next_node(nodes.Text)
            if first is None or not first.astext().startswith(" "):
                continue
            first.parent.replace(first, nodes.Text(first.astext().lstrip(" ")))
            parent = ref.parent
            index = parent.index(ref)
            before = parent[index - 1] if index else None
            if isinstance(before, nodes.Text):
                parent.replace(before, nodes.Text(before.astext().rstrip(" ") + " "))
            else:
                parent.insert(index, nodes.Text(" "))
