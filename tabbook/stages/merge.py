"""Merge a page's executed framework notebooks into one notebook for the web page.

Each run of consecutive framework-specific cells (code, or prose for some
frameworks) becomes, per framework in table order, that framework's copies of the
cells. Code cells carry the tag ``fw-<name>``; framework prose is wrapped in a
``{container}`` with class ``tabbook-fw-<name>``. The Sphinx side groups these into
one synced tab-set per run. A code cell shared by all frameworks that prints
nothing in any of them is emitted once, untabbed.
"""

from __future__ import annotations

import copy

import nbformat

from ..core import nbfast
from ..core.errors import BookError
from ..core.frameworks import FRAMEWORKS
from ..core.layout import DEFAULT_CACHE_DIR
from ..sources.source import Cell, Page

# The class-name convention between this module and the Sphinx transform
# (tabbook.sphinxext.sphinx_ext.FrameworkTabs), defined here only.
FW_TAG = "fw-{}"
"""Tag of a framework's code cell; myst-nb turns a tag into the class ``tag_<tag>``."""
MYST_NB_TAG_CLASS = "tag_{}"
"""How myst-nb names the class of a cell tag (``tag_fw-pytorch``)."""
PROSE_CLASS = "tabbook-fw"
"""Class of the container that wraps framework prose (unwrapped inside the tab)."""
FW_CLASS = "tabbook-fw-{}"
"""Class naming the framework of wrapped prose."""


def framework_classes(name: str) -> tuple[str, str]:
    """The classes that mark a node as belonging to framework ``name`` (code, prose)."""
    return MYST_NB_TAG_CLASS.format(FW_TAG.format(name)), FW_CLASS.format(name)


_BY_CLASS = {cls: fw.name for fw in FRAMEWORKS for cls in framework_classes(fw.name)}


def framework_of_classes(classes: list[str]) -> str | None:
    """The framework a rendered cell or prose block belongs to, from its classes."""
    return next((_BY_CLASS[c] for c in classes if c in _BY_CLASS), None)


def _fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(4, longest + 1)


def _prose_for(cell: Cell, fw_name: str) -> nbformat.NotebookNode:
    fence = _fence(cell.source)
    md = nbfast.markdown_cell(
        f"{fence}{{container}} {PROSE_CLASS} {FW_CLASS.format(fw_name)}\n"
        f"{cell.source.strip()}\n{fence}")
    md.id = f"md-{cell.index}-{fw_name}"
    return md


def _code_for(cell: Cell, executed: nbformat.NotebookNode, fw_name: str | None):
    out = nbfast.code_cell(cell.source.rstrip("\n"))
    out.id = f"code-{cell.index}" + (f"-{fw_name}" if fw_name else "")
    out.outputs = executed.get("outputs", [])
    out.execution_count = executed.get("execution_count")
    tags = list(cell.tags) + ([FW_TAG.format(fw_name)] if fw_name else [])
    if tags:
        out.metadata["tags"] = tags
    if "mystnb" in cell.metadata:  # myst-nb's render options (e.g. an image's alt text)
        out.metadata["mystnb"] = copy.deepcopy(cell.metadata["mystnb"])
    out.metadata["tabbook"] = {"cell": cell.index, "line": cell.line,
                               **({"framework": fw_name} if fw_name else {})}
    return out


def merge(page: Page, executed: dict[str, nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """One notebook for ``page`` from ``executed`` (framework name -> executed notebook)."""
    queues = {name: list(nb.cells) for name, nb in executed.items()}

    def take(cell: Cell, fw_name: str):
        queue = queues.get(fw_name)
        if not queue:
            raise BookError("no executed output for this cell; the cache is stale, "
                            f"delete {DEFAULT_CACHE_DIR} (or tabbook.cache_dir) and rebuild",
                            path=page.relpath, cell=cell.index, line=cell.line, framework=fw_name)
        return queue.pop(0)

    merged = nbfast.notebook()
    merged.metadata.update({k: v for k, v in page.metadata.items() if k != "jupytext"})
    merged.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
    merged.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    # myst-nb's source map, so that warnings about the page cite the lines of its file,
    # not myst-nb's stand-in for a notebook's, (cell + 1) * 10000 + line in the cell
    source_map: list[int] = []
    pending: list[tuple[Cell, dict]] = []

    def add(nbcell: nbformat.NotebookNode, line: int) -> None:
        """Append ``nbcell``, whose first line is line ``line`` (1-based) of the page."""
        merged.cells.append(nbcell)
        # (myst-nb adds 1 to an entry, myst-parser 1 to a token's 0-based line)
        source_map.append(max(line - 2, 0))

    def flush():
        for fw in FRAMEWORKS:
            for cell, runs in pending:
                if fw.name not in cell.frameworks:
                    continue
                if cell.kind == "markdown":  # (its first line is the container's fence)
                    add(_prose_for(cell, fw.name), cell.line - 1)
                elif fw.name in runs:
                    add(_code_for(cell, runs[fw.name], fw.name), cell.line)
        pending.clear()

    for cell in page.cells:
        if cell.kind == "markdown":
            if cell.tagged and not cell.shared:
                pending.append((cell, {}))
            else:
                flush()
                md = nbfast.markdown_cell(cell.source)
                md.id = f"md-{cell.index}"
                add(md, cell.line)
            continue
        runs = {name: take(cell, name) for name in cell.frameworks if name in queues}
        if not runs:
            continue
        silent = all(not r.get("outputs") for r in runs.values())
        if cell.shared and silent:
            flush()
            add(_code_for(cell, next(iter(runs.values())), None), cell.line)
        else:
            pending.append((cell, runs))
    flush()
    merged.metadata["source_map"] = source_map
    return merged

