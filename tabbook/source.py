"""Read a MyST Markdown notebook into cells that know their frameworks.

Conventions (d2lbook's, kept):

* A code cell whose first line is ``%%tab pytorch, mxnet`` runs in those
  frameworks; ``%%tab all`` (or no ``%%tab`` line) runs in all of them.
* A markdown cell with metadata ``+++ {"tab": "jax"}`` is prose for those
  frameworks only; it is shown in their tabs.
* Front matter may give ``section_number: "4.3"``; the first ``(label)=``
  target of the page is its label.

Line numbers are 1-based lines of the source file, so errors can point at them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jupytext

from .errors import BookError
from .frameworks import NAMES, parse_tab_spec

TAB_RE = re.compile(r"^%%tab\b(.*)$")
LABEL_RE = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=\s*$", re.M)
CODE_FENCE_RE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}")
MD_BREAK_RE = re.compile(r"^\+\+\+")


@dataclass(frozen=True)
class Cell:
    index: int
    """1-based position of the cell in the notebook (what errors call "cell N")."""
    kind: str
    """``code`` or ``markdown``."""
    source: str
    """Cell text with the ``%%tab`` line removed."""
    frameworks: tuple[str, ...]
    """Frameworks the cell belongs to; all of them for shared cells."""
    line: int
    """Line of the source file where the cell's text starts."""
    tagged: bool = False
    """True if the cell names its frameworks (``%%tab`` / ``tab`` metadata)."""
    metadata: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def shared(self) -> bool:
        """A cell that belongs to every framework."""
        return self.frameworks == NAMES

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.metadata.get("tags", ()))


@dataclass
class Page:
    path: Path
    """Absolute path of the source file."""
    relpath: str
    """Path relative to the book root, with suffix (what errors print)."""
    docname: str
    """Path relative to the book root, without suffix (Sphinx's docname)."""
    cells: list[Cell]
    metadata: dict
    text: str

    @property
    def section_number(self) -> str | None:
        num = self.metadata.get("section_number")
        return str(num) if num is not None else None

    @property
    def label(self) -> str | None:
        m = LABEL_RE.search(self.text)
        return m.group(1) if m else None

    @property
    def title(self) -> str:
        for cell in self.cells:
            if cell.kind == "markdown":
                for ln in cell.source.splitlines():
                    if ln.startswith("# "):
                        return ln[2:].strip()
        return self.docname

    def cells_for(self, framework: str) -> list[Cell]:
        return [c for c in self.cells if framework in c.frameworks]

    @property
    def has_code(self) -> bool:
        return any(c.kind == "code" for c in self.cells)


def _cell_lines(text: str) -> tuple[list[int], list[int]]:
    """Start lines of code-cell bodies and of ``+++`` markdown breaks."""
    code, breaks = [], []
    for i, ln in enumerate(text.splitlines(), start=1):
        if CODE_FENCE_RE.match(ln):
            code.append(i + 1)
        elif MD_BREAK_RE.match(ln):
            breaks.append(i + 1)
    return code, breaks


def _code_body_line(text_lines: list[str], fence_next: int) -> int:
    """Skip a code cell's option lines (``:tags:`` or a ``---`` block) to its first code line."""
    i = fence_next - 1
    if i < len(text_lines) and text_lines[i].strip() == "---":
        j = i + 1
        while j < len(text_lines) and text_lines[j].strip() != "---":
            j += 1
        return j + 2
    while i < len(text_lines) and text_lines[i].startswith(":"):
        i += 1
    return i + 1


def _front_matter_end(text_lines: list[str]) -> int:
    """1-based line after the YAML front matter (1 if there is none)."""
    if text_lines and text_lines[0].strip() == "---":
        for j in range(1, len(text_lines)):
            if text_lines[j].strip() == "---":
                return j + 2
    return 1


def _align(text_lines: list[str], start: int, src: str) -> int | None:
    """The file line of ``src``'s first line, searching from line ``start`` (1-based).

    jupytext drops leading blank lines and option lines, so the source's first
    non-blank line is looked up verbatim and the result is shifted back by the
    blank lines before it.
    """
    src_lines = src.split("\n")
    k = next((n for n, ln in enumerate(src_lines) if ln.strip()), None)
    if k is None:
        return None
    want = src_lines[k].rstrip()
    for i in range(max(start, 1) - 1, len(text_lines)):
        if text_lines[i].rstrip() == want:
            return i + 1 - k
    return None


def read_page(path: Path, root: Path) -> Page:
    """Parse one MyST notebook; raise BookError naming file, cell and line on bad input."""
    path = Path(path).resolve()
    relpath = path.relative_to(Path(root).resolve()).as_posix()
    text = path.read_text(encoding="utf-8")
    try:
        nb = jupytext.reads(text, fmt="md:myst")
    except Exception as exc:  # jupytext raises assorted types on malformed input
        raise BookError(f"cannot read as a MyST notebook: {exc}", path=relpath) from exc
    text_lines = text.splitlines()
    code_starts, _breaks = _cell_lines(text)
    code_i = 0
    cursor = _front_matter_end(text_lines)  # file line where the next cell's search starts
    cells: list[Cell] = []
    for i, nbcell in enumerate(nb.cells, start=1):
        src = nbcell.source
        meta = dict(nbcell.metadata)
        if nbcell.cell_type == "code":
            if code_i < len(code_starts):
                fence_next = code_starts[code_i]
                line = _align(text_lines, fence_next, src) or _code_body_line(text_lines, fence_next)
            else:
                line = 1
            code_i += 1
            first, _, rest = src.partition("\n")
            m = TAB_RE.match(first.strip())
            if m:
                try:
                    fws = parse_tab_spec(m.group(1))
                except ValueError as exc:
                    raise BookError(str(exc), path=relpath, cell=i, line=line) from None
                cells.append(Cell(i, "code", rest, fws, line + 1, True, meta))
            else:
                cells.append(Cell(i, "code", src, NAMES, line, False, meta))
            cursor = line + src.count("\n") + 1
        else:
            line = _align(text_lines, cursor, src) or cursor
            cursor = line + src.count("\n") + 1
            spec = meta.pop("tab", None)
            if spec is not None:
                try:
                    fws = parse_tab_spec(str(spec))
                except ValueError as exc:
                    raise BookError(str(exc).replace("`%%tab ", "`\"tab\": ").rstrip("`") + "`",
                                    path=relpath, cell=i, line=line) from None
                cells.append(Cell(i, "markdown", src, fws, line, True, meta))
            else:
                cells.append(Cell(i, "markdown", src, NAMES, line, False, meta))
    docname = relpath.rsplit(".", 1)[0]
    return Page(path, relpath, docname, cells, dict(nb.metadata), text)
