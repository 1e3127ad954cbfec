"""The tiny book of the kernel-free tests: a page in every framework, with prepared runs.

``tests/fixtures/tinybook`` holds one page in every framework of the table and, in
``executed/<framework>.ipynb``, that framework's run written by hand (no kernel made
them). A test builds a copy of it as the book is built (:func:`copy_tiny_book`,
:func:`sphinx_build`: the repository's ``_config.yml``, Sphinx run the one way the tool runs
it). The fixtures are in ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from bookutil import REPO
from tabbook.core.frameworks import FRAMEWORKS

TINYBOOK = REPO / "tests" / "fixtures" / "tinybook"
PAGE = "chapter_demo/page.md"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def executed_runs() -> dict[str, nbformat.NotebookNode]:
    """framework name -> its hand-written executed notebook."""
    return {path.stem: nbformat.read(path, as_version=4)
            for path in sorted((TINYBOOK / "executed").glob("*.ipynb"))}


@dataclass
class SphinxResult:
    root: Path
    html: Path
    warnings: str
    status: str
    returncode: int = 0

    def page(self, docname: str) -> str:
        return (self.html / f"{docname}.html").read_text(encoding="utf-8")


def framework_names() -> list[str]:
    return [fw.name for fw in FRAMEWORKS]


def copy_tiny_book(root: Path, edit=None, files: dict[str, bytes] | None = None) -> Path:
    """The tiny book as a book of its own at ``root``: its pages and toc with the
    repository's configuration (``_config.yml``: Jupyter Book's settings, so the same
    extensions as the book), library, environments and static files
    (:func:`bookutil.tiny_book`); ``edit(page_text) -> page_text`` applied to its page,
    ``files`` (path in the book -> bytes) added, and the prepared runs stored in its
    execution cache under the keys the build computes."""
    from bookutil import tiny_book
    from tabbook.sources.config import load_config
    from tabbook.sources.source import read_page
    from tabbook.stages.cache import plan, store

    tiny_book(root, seed_cache=False)
    shutil.copy2(TINYBOOK / "index.md", root / "index.md")
    for rel, data in (files or {}).items():
        (root / rel).write_bytes(data)
    path = root / PAGE
    if edit is not None:
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    runs = executed_runs()
    cfg = load_config(root)
    for run in plan([read_page(path, root)], root):
        run.notebook = runs[run.framework.name]
        store(run, root, cfg)  # stamped, as a build stores what it executed
    return root


def sphinx_build(root: Path, edition=None, *, fresh: bool = False, outdir: Path | None = None,
                 doctreedir: Path | None = None) -> SphinxResult:
    """Sphinx on the book at ``root`` as ``make html`` runs it, in this process: the book's
    Jupyter Book configuration, through :func:`tabbook.sphinxext.sphinx_run.run_sphinx`
    (``edition``: a translated edition's settings, as ``python -m tabbook edition`` sets
    them); its output, colours left out. Incremental unless ``fresh``."""
    from tabbook.core.layout import Layout
    from tabbook.sphinxext.sphinx_run import edition_overrides, run_sphinx, tool_catalogs

    layout = Layout(root)
    # a list of its own: the themes append their folders to Sphinx's default list, which
    # every later Sphinx in this process would share (`make html` runs each in a process)
    overrides: dict = {"templates_path": []}
    if edition is not None:
        tool = tool_catalogs(edition.language, layout.tool_locale)
        overrides.update(edition_overrides(root, edition, tool))
        if edition.search_language == "zh":
            # (Sphinx's Chinese word splitter logs its start to the stderr it finds when it
            # is first imported: imported here, that is not the one a build's is read from)
            import jieba  # noqa: F401
    html = outdir or layout.html(edition)
    status, warnings = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(status), contextlib.redirect_stderr(warnings):
        code = run_sphinx(root, "html", html, doctreedir or layout.doctrees(edition), overrides,
                          force_all=fresh)
    return SphinxResult(root, html, _ANSI.sub("", warnings.getvalue()),
                        _ANSI.sub("", status.getvalue()), code)


def build_tiny_copy(root: Path, edit=None, files: dict[str, bytes] | None = None
                    ) -> SphinxResult:
    """:func:`copy_tiny_book` at ``root``, built from scratch by :func:`sphinx_build`."""
    return sphinx_build(copy_tiny_book(root, edit, files), fresh=True)
