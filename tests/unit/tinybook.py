"""The tiny book of the kernel-free tests: a page in every framework, with prepared runs.

``tests/fixtures/tinybook`` holds one page in every framework of the table and, in
``executed/<framework>.ipynb``, that framework's run written by hand (no kernel made
them). The fixtures are in ``conftest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from bookutil import REPO
from tabbook.core.frameworks import FRAMEWORKS

TINYBOOK = REPO / "tests" / "fixtures" / "tinybook"
PAGE = "chapter_demo/page.md"

CONF_PY = '''\
# Sphinx configuration of the tiny book: the extensions Jupyter Book loads for ours.
project = "Tiny Book"
extensions = ["myst_nb", "sphinx_design", "tabbook.sphinxext.sphinx_ext"]
exclude_patterns = ["_build", "executed", "expected", "envs"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
nb_execution_mode = "off"
nb_merge_streams = True
numfig = True
numfig_secnum_depth = 2
html_static_path = []
'''


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

    def page(self, docname: str) -> str:
        return (self.html / f"{docname}.html").read_text(encoding="utf-8")


def framework_names() -> list[str]:
    return [fw.name for fw in FRAMEWORKS]


def build_tiny_copy(root: Path, edit=None, files: dict[str, bytes] | None = None
                    ) -> SphinxResult:
    """Copy the tiny book to ``root``, apply ``edit(page_text) -> page_text`` to its page,
    add ``files`` (path in the book -> bytes), store the prepared runs under the keys the
    build computes, and build it with Sphinx in this process, in a docutils namespace of its
    own (the nodes and directives it registers are gone afterwards: another in-process
    build starts clean)."""
    import io
    import shutil

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    from tabbook.sources.config import BookConfig
    from tabbook.sources.source import read_page
    from tabbook.stages.execute import plan, store

    shutil.copytree(TINYBOOK, root)
    shutil.copytree(REPO / "envs", root / "envs")  # (the cache keys hash the requirements)
    (root / "conf.py").write_text(CONF_PY, encoding="utf-8")
    for rel, data in (files or {}).items():
        (root / rel).write_bytes(data)
    path = root / PAGE
    if edit is not None:
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    runs = executed_runs()
    for run in plan([read_page(path, root)], root):
        run.notebook = runs[run.framework.name]
        store(run, root, BookConfig())
    status, warnings = io.StringIO(), io.StringIO()
    with docutils_namespace():
        Sphinx(str(root), str(root), str(root / "_build" / "html"),
               str(root / "_build" / "doctrees"), "html", status=status, warning=warnings,
               freshenv=True).build()
    return SphinxResult(root, root / "_build" / "html", warnings.getvalue(), status.getvalue())
