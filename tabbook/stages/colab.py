"""Colab notebooks: one standalone, runnable notebook per page and framework.

For a page with code and a framework, the notebook holds, in page order, the page's
markdown for that framework (shared prose and that framework's prose, MyST markup turned
into plain Markdown that Colab renders, by :mod:`tabbook.core.myst_markdown`) and that
framework's code cells (``%%tab`` lines removed) with the outputs of the book's own run.
Two cells come first:

1. a note saying what the notebook is (page title, framework, the version of the ``d2l``
   library it was built with) and linking back to the page on the published site
   (:attr:`BookConfig.site_url <tabbook.sources.config.BookConfig.site_url>`; without it, the
   page's path in the book);
2. an install cell: ``%pip install`` of exactly that library
   (:attr:`BookConfig.package_spec <tabbook.sources.config.BookConfig.package_spec>`: the wheel
   published with the site, pinned by version) and of what the framework needs beyond
   Colab's defaults
   (:attr:`Framework.colab_requirements <tabbook.core.frameworks.Framework.colab_requirements>`),
   then the framework's :attr:`~tabbook.core.frameworks.Framework.library_preamble` (MXNet's
   compatibility shims), since a page may import the framework before ``d2l``. A book
   that is not published (no ``repository.url``) gets a cell that says so instead.

Notebooks are written to ``<folder>/<lang_dir><framework>/<page path>.ipynb``, where
``lang_dir`` is ``""`` for the book's main language and e.g. ``zh/`` for a translation
(:func:`language_dir`); the Colab links name the same paths on the notebooks branch
(:attr:`BookConfig.colab_pattern <tabbook.sources.config.BookConfig.colab_pattern>`).
The same input gives the same bytes (no timestamps, no machine paths, stable cell ids).
They are written once: the Sphinx build writes them on every ``make html`` (see
:mod:`tabbook.sphinxext.sphinx_colab`) and notes them among its outputs (a missing one
rebuilds); ``make colab`` builds, then checks them (:func:`check_colab`) against the
execution cache (:func:`tabbook.stages.cache.cached_runs`).

This module does not import Sphinx.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import nbformat

from ..core import nbfast
from ..core.errors import BookError
from ..core.escape import code_comment
from ..core.files import write_atomic
from ..core.frameworks import FRAMEWORKS, Framework
from ..core.layout import Layout
from ..core.myst_markdown import References, Resolver, colab_markdown
from ..sources.book import read_book
from ..sources.code_prose import code_catalog, translate_code
from ..sources.config import BookConfig, load_config
from ..sources.i18n import SOURCE, Translator, edition_of, translations
from ..sources.source import Page
from .cache import cached_runs, code_cells
from .colab_cells import (
    discussions_markdown,
    for_markdown,
    identity,
    install_code,
    intro_markdown,
)
from .language_runs import localize
from .notebook_code import language_setting

HTML_DIR = "_colab"
"""Folder of the HTML output that holds a copy of the notebooks (for download links)."""
MANIFEST = ".tabbook-colab"
"""File (in each output folder) listing the notebooks written last time, to prune stale ones."""
REFERENCES = ".tabbook-references.json"
"""File (in each language's notebooks folder) of the cross-reference targets the build
resolved (:class:`tabbook.core.myst_markdown.References`), read by ``make colab``."""


# ---------------------------------------------------------------------------
# Names and URLs


def notebook_path(page: Page | str) -> str:
    """Path of a page's notebook below its framework folder: ``<docname>.ipynb``."""
    docname = page if isinstance(page, str) else page.docname
    return f"{docname}.ipynb"


def language_dir(language: str | None) -> str:
    """Folder of a language's notebooks (and pages) below the main language's, from the
    translations table (:attr:`tabbook.sources.i18n.Edition.prefix`): '' or 'zh/'."""
    return edition_of(language).prefix


def notebook_relpath(framework: str, page: Page | str, lang_dir: str = "") -> str:
    """Path of a notebook in the notebooks tree (the branch the Colab links name)."""
    return f"{lang_dir}{framework}/{notebook_path(page)}"


def colab_url(pattern: str, framework: str, page: Page | str, lang_dir: str = "") -> str:
    """A Colab URL pattern with ``{framework}``, ``{path}``, ``{lang_dir}`` filled in ('' if unset).

    The pattern was checked when the settings were loaded (:mod:`tabbook.sources.config`).
    """
    if not pattern:
        return ""
    return pattern.format(framework=framework, path=notebook_path(page), lang_dir=lang_dir)


def page_url(baseurl: str, page: Page | str) -> str:
    """Absolute URL of a page ('' without a base URL)."""
    if not baseurl:
        return ""
    docname = page if isinstance(page, str) else page.docname
    return baseurl.rstrip("/") + "/" + docname + ".html"


# ---------------------------------------------------------------------------
# The notebook


def colab_notebook(page: Page, fw: Framework, executed: nbformat.NotebookNode | None, *,
                   package_spec: str, title: str = "", baseurl: str = "",
                   library: str = "", translate=None,
                   resolve: Resolver | None = None) -> nbformat.NotebookNode:
    """The standalone notebook of ``page`` for ``fw``.

    ``executed`` is the framework's executed run (:attr:`tabbook.stages.cache.Run.notebook`);
    its outputs are kept. ``None`` gives a notebook without outputs. ``baseurl`` is where
    the page's language edition is served; ``library`` names the d2l library installed.
    ``translate`` (a :class:`tabbook.sources.i18n.Translator`) makes a translated edition's
    notebook: its markdown translated message by message, the same code with its comments
    and docstrings translated (:mod:`tabbook.sources.code_prose`), the outputs of
    ``executed`` (a translated edition's: :func:`tabbook.stages.language_runs.localize`).
    ``resolve`` (:meth:`tabbook.core.myst_markdown.References.resolver`) writes each
    cross-reference as the page shows it ("Section 3.2", linked to its page).
    """
    ran = {}
    if executed is not None:
        ran = {c.metadata.get("tabbook", {}).get("cell"): c for c in executed.cells}
    nb = nbfast.notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "colab": {"provenance": [], "toc_visible": True},
        "tabbook": {"page": page.docname, "framework": fw.name},
    }
    if translate is not None:
        nb.metadata["tabbook"]["language"] = translate.edition.language
    intro = nbfast.markdown_cell(
        intro_markdown(page, fw, title, page_url(baseurl, page), library, translate))
    intro.id = "colab-intro"
    code = install_code(fw, package_spec, library, translate.ui if translate else identity)
    _ = for_markdown(translate)
    if translate is not None:  # the exercises' checkers print in the edition's language
        # (a comment is one line whatever the translation holds: tabbook.core.escape)
        code += ("\n\n" + code_comment(_("The exercises' self-checks print their messages "
                                          "in this notebook's language:"))
                 + "\n" + language_setting(translate.edition.language))
    install = nbfast.code_cell(code)
    install.id = "colab-install"
    nb.cells += [intro, install]
    codes = {c.index for c in code_cells(page, fw)}
    # a translated notebook's code cells: their comments and docstrings translated
    prose = code_catalog(translate.root, translate.edition.language, page.docname) \
        if translate is not None else {}
    state = {"section": page.section_number or ""}
    if translate is not None:
        state["gettext"] = _
    # solutions (solution-start ... solution-end) are gathered after the last exercise,
    # under a "Solutions" heading; a note stands where each one was (SOLUTIONS_ID)
    solutions: list = []
    in_solution = False
    for cell in page.cells_for(fw.name):
        if cell.kind == "markdown":
            source = translate.markdown(page.docname, cell.source) if translate else cell.source
            for k, (kind, piece) in enumerate(solution_pieces(source)):
                text = colab_markdown(piece, state, resolve)
                if kind == "start":
                    in_solution = True
                    note = nbfast.markdown_cell(
                        "> " + _("The solution is at the end of this notebook, under "
                                 "“Solutions”: try the exercise first."))
                    note.id = f"solution-note-{len(solutions) + 1}"
                    nb.cells.append(note)
                    solutions.append([])
                if text.strip():
                    md = nbfast.markdown_cell(text)
                    md.id = f"md-{cell.index}" + (f"-{k}" if k else "")
                    (solutions[-1] if in_solution else nb.cells).append(md)
                if kind == "end":
                    in_solution = False
        elif cell.index in codes:
            code = nbfast.code_cell(translate_code(cell.source.strip("\n"), prose.get))
            code.id = f"code-{cell.index}"
            if cell.tags:
                code.metadata["tags"] = list(cell.tags)
            done = ran.get(cell.index)
            if done is not None:
                code.outputs = copy.deepcopy(done.get("outputs", []))
                code.execution_count = done.get("execution_count")
            (solutions[-1] if in_solution else nb.cells).append(code)
    discuss = discussions_markdown(page, fw, translate)
    if discuss:  # (after the section, as on the page: the solutions come after it here)
        cell = nbfast.markdown_cell(discuss)
        cell.id = "discussions"
        nb.cells.append(cell)
    if solutions:
        head = nbformat.v4.new_markdown_cell(
            "## " + _("Solutions") + "\n\n"
            + _("The solutions of the exercises above, with code that checks them. In this "
                "notebook they are gathered here rather than under each exercise, so that "
                "you see one only when you come looking for it."))
        head.id = SOLUTIONS_ID
        nb.cells.append(head)
        for cells in solutions:
            nb.cells += cells
    return nb


SOLUTIONS_ID = "solutions"
"""Id of the notebook cell that heads the solutions gathered after the last exercise."""
SOLUTION_DIRECTIVES = {"solution-start": "start", "solution-end": "end"}


def solution_pieces(text: str) -> list[tuple[str, str]]:
    """A markdown cell's MyST cut where a solution starts or ends.

    ``[(kind, text), ...]`` in order: ``kind`` is ``"start"`` for a ``{solution-start}``
    directive, ``"end"`` for ``{solution-end}``, ``"text"`` for what lies between.
    """
    from ..core.myst_markdown import directive_of, tokens

    lines = text.split("\n")
    cuts = []
    for tok in tokens(text):
        directive = directive_of(tok) if tok.map else None
        kind = SOLUTION_DIRECTIVES.get(directive.name) if directive else None
        if kind:
            cuts.append((tok.map[0], tok.map[1], kind))
    if not cuts:
        return [("text", text)]
    pieces, at = [], 0
    for start, end, kind in cuts:
        if start > at:
            pieces.append(("text", "\n".join(lines[at:start])))
        pieces.append((kind, "\n".join(lines[start:end])))
        at = end
    if at < len(lines):
        pieces.append(("text", "\n".join(lines[at:])))
    return pieces


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    return (nbfast.writes(nb) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# Writing


def _prune(folder: Path, keep: list[str]) -> None:
    """Delete the notebooks written last time into ``folder`` that are not in ``keep``."""
    manifest = folder / MANIFEST
    if manifest.exists():
        for rel in manifest.read_text(encoding="utf-8").splitlines():
            path = folder / rel
            if rel and rel not in keep and rel.endswith(".ipynb") and ".." not in rel.split("/") \
                    and path.is_file():
                path.unlink()
                for parent in path.parents:  # drop folders left empty
                    if parent == folder or any(parent.iterdir()):
                        break
                    parent.rmdir()
    folder.mkdir(parents=True, exist_ok=True)
    manifest.write_text("".join(f"{rel}\n" for rel in sorted(keep)), encoding="utf-8")


def library_label(cfg: BookConfig) -> str:
    """The library as readers see it named: ``d2l-classification-book 0.1.0``."""
    return f"{cfg.library_name} {cfg.library_version}".strip()


def page_notebooks(pages, runs: dict, root: Path, cfg: BookConfig,
                   lang_dir: str = "", translate=None,
                   references: References | None = None) -> dict[str, bytes]:
    """``{"<framework>/<page>.ipynb": bytes}`` for every page with code and its frameworks.

    ``runs`` maps (docname, framework name) to a :class:`tabbook.stages.cache.Run` (or to an
    executed notebook, or ``None`` for a notebook without outputs). ``lang_dir`` is the
    language's folder (:func:`language_dir`): the pages it links back to are there. The
    book's title and site come from ``cfg``; ``root`` is no longer read (kept for callers).
    ``translate`` (a :class:`tabbook.sources.i18n.Translator`) gives a translated edition's
    notebooks; ``references`` (from the build of that edition) their cross-references.
    """
    baseurl = cfg.site_url + lang_dir if cfg.site_url else ""
    out: dict[str, bytes] = {}
    for page in pages:
        for fw in FRAMEWORKS:
            key = (page.docname, fw.name)
            if key not in runs:
                continue
            run = runs[key]
            executed = getattr(run, "notebook", run)
            resolve = references.resolver(page.docname, baseurl) if references else None
            nb = colab_notebook(page, fw, executed, package_spec=cfg.package_spec,
                                title=cfg.title, baseurl=baseurl, library=library_label(cfg),
                                translate=translate, resolve=resolve)
            out[notebook_relpath(fw.name, page)] = notebook_bytes(nb)
    return out


def write_notebooks(notebooks: dict[str, bytes], folders: list[Path]) -> list[Path]:
    """Write ``notebooks`` (from :func:`page_notebooks`) into each folder; prune stale ones."""
    written = []
    for folder in folders:
        folder = Path(folder)
        _prune(folder, list(notebooks))
        for rel, data in notebooks.items():
            path = folder / rel
            write_atomic(path, data)
            written.append(path)
    return written


def book_pages(root: Path) -> list[Page]:
    """Every page of the book (:func:`tabbook.sources.book.read_book`)."""
    return read_book(root)


def built_notebooks(root: Path) -> dict[Path, bytes]:
    """Every notebook ``make html`` writes, as the execution cache and the sources give it
    now: path -> bytes, for each edition in ``tabbook.colab_dir`` (a translation's in its
    folder there) and in its site's ``_colab/`` (the pages' downloads)."""
    root = Path(root)
    cfg = load_config(root)
    pages = read_book(root)
    runs = cached_runs(pages, root, cfg)
    missing = [f"{page.relpath} [{fw.name}]" for page in pages for fw in FRAMEWORKS
               if runs.get((page.docname, fw.name), False) is None]
    if missing:
        raise BookError("these pages have not been executed since they last changed: "
                        + ", ".join(missing) + "; run `make html` first (it executes them), "
                        "then `make colab`")
    out: dict[Path, bytes] = {}
    for edition in [SOURCE, *translations(root)]:
        translate = None if edition is SOURCE else Translator(root, edition)
        # (a translated edition: the exercise checks' outputs in its language,
        # tabbook.stages.language_runs)
        edition_runs = (runs if edition is SOURCE
                        else localize(pages, runs, root, cfg, edition.language)[0])
        notebooks = page_notebooks(pages, edition_runs, root, cfg, edition.prefix, translate,
                                   _built_references(root, cfg, edition.prefix))
        site = Layout(root).html(edition) / HTML_DIR
        for folder in (root / cfg.colab_dir / edition.prefix, site):
            out.update({folder / rel: data for rel, data in notebooks.items()})
    return out


def check_colab(root: Path) -> list[Path]:
    """``make colab``: the Colab notebooks are written once, by ``make html`` (with the pages
    that link them, :mod:`tabbook.sphinxext.sphinx_colab`); this checks that each is there
    and holds what the execution cache and the sources give. Returns their paths; raises
    :class:`BookError` naming the first that is not."""
    want = built_notebooks(root)
    for path, data in want.items():
        if not path.is_file() or path.read_bytes() != data:
            what = "is missing" if not path.is_file() else "is not what the build wrote"
            raise BookError(f"this Colab notebook {what}: `make html` writes the notebooks; "
                            "delete it and run `make colab`, which builds first", path=str(path))
    return sorted(want)


def _built_references(root: Path, cfg: BookConfig, lang_dir: str = "") -> References:
    """The cross-references the last ``make html`` of an edition resolved."""
    path = Path(root) / cfg.colab_dir / lang_dir / REFERENCES
    try:
        return References.load(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BookError(f"cannot read the cross-references of the last build ({exc}); run "
                        "`make html` first, then `make colab`", path=str(path)) from None


def stamp(cfg: BookConfig) -> str:
    """Hash of the settings the Colab buttons of a page depend on."""
    from .launch import stamp_text

    return hashlib.sha256(f"2\0{cfg.colab_pattern}\0{cfg.library_version}\0"
                          f"{stamp_text(cfg)}".encode()).hexdigest()
