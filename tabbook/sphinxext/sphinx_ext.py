"""The Jupyter Book / Sphinx front end: run the stages, then render their tabbed notebooks.

* At ``builder-inited``: read the book, execute every page in every framework (cached
  by content, concurrently), merge the runs into one notebook per page, and keep all
  of it as one :class:`~tabbook.sphinxext.sphinx_state.BuildState` on ``env.tabbook``.
* At ``source-read``: hand myst-nb the merged notebook instead of the MyST source.
* A transform wraps each run of framework cells into a sphinx-design tab-set in
  sync group ``framework``; sphinx-design renders it and its JavaScript syncs the
  tabs on the page, remembers the choice (localStorage) and reads ``?framework=``.
* Section numbers follow the book (``section_number`` in each page's front matter).
* The log stays readable: myst's settings dumps are filtered out.

The patches of upstream internals hooked here are listed in
:data:`tabbook.sphinxext.compat.PATCHES` (the code of most: :mod:`tabbook.sphinxext.patches`).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from .. import __version__
from ..core import nbfast
from ..core.digest import tool_digest
from ..core.errors import BookError
from ..core.frameworks import FRAMEWORKS
from ..sources.book import read_book
from ..sources.config import load_config
from ..sources.envs import ensure_all
from ..sources.i18n import SOURCE, TRANSLATIONS, edition_of
from ..stages.execute import execute_all
from ..stages.language_runs import localize
from ..stages.merge import PROSE_CLASS, framework_of_classes, merge
from . import patches
from .sphinx_run import RUN_BY_TOOL
from .sphinx_state import BuildState, state_of

LOGGER = logging.getLogger(__name__)
_ = get_translation("tabbook")  # the tool's strings (tabbook/locales/: sphinx_i18n)
SYNC_GROUP = "framework"


def read_notebook(text: str) -> nbformat.NotebookNode:
    """myst-nb reader for ``.md``: the merged notebook (JSON) that source-read put in."""
    if text.lstrip().startswith("{"):
        return nbformat.reads(text, as_version=4)
    import jupytext  # a page the pipeline did not prepare (not in the toc)

    return jupytext.reads(text, fmt="md:myst")


def _config_inited(app: Sphinx, config) -> None:
    if not config[RUN_BY_TOOL]:
        raise ExtensionError("[tabbook] this book is built by `make html` (python -m tabbook "
                             "html), which runs Sphinx itself (tabbook/sphinxext/sphinx_run.py): "
                             "`jupyter-book build` would build it without the lock, the input "
                             "stamp, the catalogs' checks, the MyST extensions of the tool's "
                             "reader and the translated editions")
    # a config value with rebuild="env": Sphinx re-reads every page when it changes
    config.tabbook_tool_digest = tool_digest()
    formats = dict(config.nb_custom_formats or {})
    formats[".md"] = ["tabbook.sphinxext.sphinx_ext.read_notebook", {}, False]
    config.nb_custom_formats = formats
    config.nb_execution_mode = "off"


def _builder_inited(app: Sphinx) -> None:
    root = Path(app.srcdir)
    try:
        cfg = load_config(root)
        pages = read_book(root)
        # only a run that must execute needs a framework: its environment (created if
        # missing) and kernel; a cache that holds every run needs none
        runs = execute_all(pages, root, cfg, log=LOGGER.info,
                           before_execute=lambda fws: ensure_all(
                               root, [fw.name for fw in fws], log=LOGGER.info))
        language_runs = []
        edition = edition_of(app.config.language)
        if edition is not SOURCE:  # the exercise checks' outputs in the edition's language
            runs, language_runs = localize(pages, runs, root, cfg, edition.language,
                                           log=LOGGER.info)
        merged = {}
        for page in pages:
            executed = {fw.name: runs[(page.docname, fw.name)].notebook
                        for fw in FRAMEWORKS if (page.docname, fw.name) in runs}
            merged[page.docname] = merge(page, executed)
    except BookError as exc:
        raise ExtensionError(f"[tabbook] {exc}") from None
    except OSError as exc:  # an unwritable cache folder, a full disk
        if exc.filename is None:
            raise
        raise ExtensionError(f"[tabbook] {exc.filename}: {exc.strerror}; check that this path "
                             "is a writable folder and that the disk has room") from None
    app.env.tabbook = BuildState(config=cfg, pages={p.docname: p for p in pages}, runs=runs,
                                 language_runs=language_runs, merged=merged, ready=True,
                                 page_digests=state_of(app.env).page_digests)


def _env_get_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read every page whose content hash changed (:func:`tabbook.stages.freshness.page_digest`).

    Sphinx re-reads a page when its source file's mtime is newer than the last read;
    what a page shows also comes from its runs (the library, another page's ``#@save``
    code, a data file), its catalog and the settings, and a copied file can keep an old
    mtime. So each page's hash of all of that is kept in the environment, and a page
    whose hash differs from the last build's is read (and written) again.
    """
    state = state_of(env)
    if not state.ready:
        return []
    new = _page_digests(app, env, env.found_docs)
    old, state.page_digests = state.page_digests, new
    return [d for d, digest in new.items()
            if old.get(d) != digest and d not in added and d not in changed]


def _page_digests(app: Sphinx, env, docnames) -> dict[str, str]:
    from ..stages.freshness import page_digest

    state = state_of(env)
    root = Path(app.srcdir)
    language = app.config.language or "en"
    out = {}
    for docname in sorted(docnames):
        # (the files Sphinx noted the page uses when it read it: images, includes)
        deps = [root / dep for dep in sorted(env.dependencies.get(docname, ()))]
        out[docname] = page_digest(root, docname, Path(env.doc2path(docname)), language,
                                   state.merged.get(docname), state.config,
                                   bool(state.colab.get(docname)), deps)
    return out


def _digests_after_reading(app: Sphinx, env) -> list[str]:
    """The digests of the pages just read, with the files Sphinx noted while reading
    them (a page read for the first time had none noted before), so that the next build
    compares against what this one read."""
    state = state_of(env)
    if state.ready:
        state.page_digests.update(_page_digests(app, env, env.found_docs))
    return []


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    merged = state_of(app.env).merged.get(docname)
    if merged is not None:
        source[0] = nbfast.writes(merged)


def _framework_of(node: nodes.Node) -> str | None:
    if not isinstance(node, nodes.container):
        return None
    return framework_of_classes(node.get("classes", []))


def _no_code(fw) -> nodes.Node:
    note = nodes.paragraph(classes=["tabbook-no-code"])
    note += nodes.emphasis(text=str(_("This step has no {label} code.")).format(label=fw.label))
    return note


def _tab_set(run: list[tuple[str, nodes.Node]], missing=_no_code):
    """One synced framework tab-set of ``run`` ((framework name, node) pairs); a framework
    without a node gets ``missing(framework)``: every tab-set is complete, so the reader's
    framework is always shown."""
    from sphinx_design.shared import create_component

    tab_set = create_component("tab-set", classes=["sd-tab-set", "tabbook-tab-set"])
    for fw in FRAMEWORKS:
        members = [node for name, node in run if name == fw.name] or [missing(fw)]
        item = create_component("tab-item", classes=["sd-tab-item"], selected=False)
        label = nodes.rubric(fw.label, fw.label, classes=["sd-tab-label"])
        label["sync_group"], label["sync_id"] = SYNC_GROUP, fw.name
        content = create_component("tab-content", classes=["sd-tab-content"])
        for node in members:
            if PROSE_CLASS in node.get("classes", []):
                content.extend(node.children)  # prose: unwrap the marker container
            else:
                content.append(node)
        item += label
        item += content
        tab_set += item
    tab_set.source, tab_set.line = run[0][1].source, run[0][1].line
    return tab_set


class FrameworkTabs(SphinxTransform):
    """Group consecutive framework cells and prose into one synced tab-set."""

    default_priority = 400

    def apply(self, **kwargs) -> None:
        parents = {id(n.parent): n.parent for n in self.document.findall(nodes.container)
                   if _framework_of(n) and n.parent is not None}
        for parent in parents.values():
            children, run = [], []
            for child in parent.children:
                name = _framework_of(child)
                if name:
                    run.append((name, child))
                    continue
                if run:
                    children.append(_tab_set(run))
                    run = []
                children.append(child)
            if run:
                children.append(_tab_set(run))
            parent.children = []
            parent.extend(children)


def _renumber_sections(app: Sphinx, env) -> list[str]:
    """Replace Sphinx's positional section numbers by the book's (3.2, 4.3, ...)."""
    numbers = {d: p.section_number for d, p in state_of(env).pages.items() if p.section_number}
    return patches.renumber_sections(app, env, numbers)


EDITION_FOLDERS = frozenset(e.folder for e in TRANSLATIONS)


def _prune_stale_pages(app: Sphinx, exception) -> None:
    """Delete HTML pages of documents that are no longer part of the book (the
    translated editions, built into folders of their own, are left alone)."""
    patches.prune_stale_pages(app, exception, keep_folders=EDITION_FOLDERS)


def _note_outputs(app: Sphinx, exception) -> None:
    """Note what this edition made, for the input stamp of `make html`
    (:func:`tabbook.stages.freshness.write_stamp`)."""
    from ..stages.freshness import edition_outputs, note_outputs

    state = state_of(app.env)
    if exception is not None or app.builder.format != "html" or not state.ready:
        return
    edition = edition_of(app.config.language)
    outputs = edition_outputs(Path(app.srcdir), edition, list(state.pages),
                              [*state.runs.values(), *state.language_runs], state.config)
    note_outputs(Path(app.srcdir), edition.language, outputs)


LARGE_ASSET_BYTES = 5_000_000
"""An image or download larger than this is named in a warning: each edition gets a copy."""


def _warn_large_assets(app: Sphinx, exception) -> None:
    """Name the images and downloads over :data:`LARGE_ASSET_BYTES` that this edition copied
    (a log line, not a Sphinx warning: it does not fail a build that treats those as errors)."""
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.srcdir)
    found = [(src, docnames) for src, (docnames, _) in app.env.images.items()]
    found += [(src, docnames) for src, (docnames, _) in app.env.dlfiles.items()]
    for src, docnames in sorted(found):
        try:
            size = (root / src).stat().st_size
        except OSError:
            continue
        if size > LARGE_ASSET_BYTES:
            pages = ", ".join(str(app.env.doc2path(d, False)) for d in sorted(docnames))
            LOGGER.info(f"[tabbook] warning: {src} ({size / 1e6:.1f} MB), used by {pages}, is "
                        f"copied into the {app.config.language or 'en'} edition, and every "
                        f"edition has its own copy: readers download it in full; shrink it "
                        f"(under {LARGE_ASSET_BYTES / 1e6:g} MB: a smaller or compressed "
                        "image, SVG for plots) or link to it instead")


def _mark_site_start(app: Sphinx) -> None:
    """Before this run writes anything (:func:`tabbook.stages.sitefiles.mark_start`)."""
    if app.builder.format == "html":
        from ..stages.sitefiles import mark_start

        mark_start(Path(app.srcdir), app.config.language or "en")


def _record_site(app: Sphinx, exception) -> None:
    """What this run wrote into its HTML folder, for `make publish` (last of build-finished:
    after every handler that writes into it)."""
    from ..stages.sitefiles import record

    if exception is not None or app.builder.format != "html" or not state_of(app.env).ready:
        return
    language = app.config.language or "en"
    skip = EDITION_FOLDERS if edition_of(language) is SOURCE else set()
    others = record(Path(app.srcdir), language, Path(app.outdir), skip)
    if others:
        LOGGER.info(f"[tabbook] warning: {len(others)} file(s) in {app.outdir} were not "
                    f"written by a build and will not be published: {', '.join(others[:10])}"
                    + (", ..." if len(others) > 10 else ""))


def setup(app: Sphinx) -> dict:
    patches.quiet_config_dumps()  # before myst's builder-inited prints its settings
    app.setup_extension("sphinx_design")
    # the reading experience: formulas rendered at build time (KaTeX), a11y fixes, favicon
    app.setup_extension("tabbook.sphinxext.reader")
    app.add_config_value("tabbook_tool_digest", "", "env")
    app.add_config_value(RUN_BY_TOOL, False, "")
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("builder-inited", _mark_site_start, priority=0)
    app.connect("builder-inited", _builder_inited)
    app.connect("source-read", _source_read)
    # after tabbook.sphinxext.sphinx_colab's builder-inited (which notes the pages' notebooks)
    app.connect("env-get-outdated", _env_get_outdated)
    app.connect("env-updated", _digests_after_reading)
    app.connect("env-get-updated", patches.restore_positional_numbers, priority=100)
    app.connect("env-get-updated", _renumber_sections, priority=900)
    app.add_transform(FrameworkTabs)
    # one Colab notebook per page and framework, and the "Open in Colab" button
    app.setup_extension("tabbook.sphinxext.sphinx_colab")
    # the exercise cells that run (and check) the reader's answer in the page
    app.setup_extension("tabbook.sphinxext.sphinx_tryit")
    # the comments and docstrings of the code cells in a translated edition's language
    app.setup_extension("tabbook.sphinxext.sphinx_code_prose")
    # each section's forum topic per framework, at its end (front matter `discussions:`)
    app.setup_extension("tabbook.sphinxext.sphinx_discuss")
    # translated editions: the tool's strings, the language switch, untranslated messages
    app.setup_extension("tabbook.sphinxext.sphinx_i18n")
    app.connect("build-finished", _prune_stale_pages)
    app.connect("build-finished", _note_outputs)
    app.connect("build-finished", _warn_large_assets)
    app.connect("build-finished", _record_site, priority=1000)
    return {"version": __version__, "parallel_read_safe": False, "parallel_write_safe": True}
