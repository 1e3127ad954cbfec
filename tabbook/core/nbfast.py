"""Notebooks the tool assembles itself, made without nbformat's schema validation.

``nbformat.v4.new_code_cell`` and friends, and ``nbformat.writes``, validate against
the JSON schema at every call: a quarter of a prose edit's build went to validating
cells the tool had just copied from a read (validated) notebook or from myst-nb's
reader. These make the same nodes (the same fields, a random cell id until the caller
sets its own) and write the same bytes (``nbformat.v4``'s JSON writer), without the
checks. The notebooks the build publishes are validated by the tests.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbformat.v4 import nbjson
from nbformat.v4.nbbase import nbformat as NBFORMAT
from nbformat.v4.nbbase import nbformat_minor as NBFORMAT_MINOR
from nbformat.v4.nbbase import random_cell_id


def code_cell(source: str = "") -> NotebookNode:
    """What ``nbformat.v4.new_code_cell(source)`` makes."""
    return NotebookNode(id=random_cell_id(), cell_type="code", metadata=NotebookNode(),
                        execution_count=None, source=source, outputs=[])


def markdown_cell(source: str = "") -> NotebookNode:
    """What ``nbformat.v4.new_markdown_cell(source)`` makes."""
    return NotebookNode(id=random_cell_id(), cell_type="markdown", source=source,
                        metadata=NotebookNode())


def notebook() -> NotebookNode:
    """What ``nbformat.v4.new_notebook()`` makes."""
    return NotebookNode(nbformat=NBFORMAT, nbformat_minor=NBFORMAT_MINOR,
                        metadata=NotebookNode(), cells=[])


def writes(nb: NotebookNode) -> str:
    """What ``nbformat.writes(nb)`` writes for a version-4 notebook."""
    return nbjson.writes(nb)
