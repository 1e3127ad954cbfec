"""The tiny book of the kernel-free tests: a page in every framework, with prepared runs.

``tests/fixtures/tinybook`` holds one page in every framework of the table and, in
``executed/<framework>.ipynb``, that framework's run written by hand (no kernel made
them). The fixtures are in ``conftest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from tabbook.core.frameworks import FRAMEWORKS

REPO = Path(__file__).resolve().parents[2]
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
