"""Cell parsing: find the ``#@save`` statements of one code cell, with their lines.

A cell with ``#@save`` marks is parsed (IPython magics blanked, line numbers kept); each
mark must end the first line of a top-level statement, which becomes a :class:`Block`.
Mistakes are :class:`~tabbook.core.errors.BookError` naming file, cell and line.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from ...core.errors import BookError
from ...sources.source import PROVENANCE_PREFIX, Cell, Page

MIN_PYTHON = (3, 9)
"""Oldest Python the library supports (``requires-python`` in pyproject.toml)."""

SAVE_COMMENT_RE = re.compile(r"^#\s*@save((?:\s+(?:redefine|shadow))*)\s*$")
"""``#@save``, with its words: ``redefine`` (replaces an earlier saved definition),
``shadow`` (meant to hide the Python builtin of the same name)."""
MAGIC_RE = re.compile(r"^\s*(%|!(?!=))")
"""An IPython magic (``%matplotlib``, ``%%time``) or shell escape (``!pip``) line."""


@dataclass
class Source:
    """Where saved code comes from."""
    page: Page
    cell: Cell

    def file_line(self, cell_lineno: int) -> int:
        return self.cell.line + cell_lineno - 1

    @property
    def provenance(self) -> str:
        where = []
        if self.page.section_number:
            where.append(f"Section {self.page.section_number}")
        if self.page.label:
            where.append(f"({self.page.label})" if where else self.page.label)
        prefix = " ".join(where)
        return (f"{PROVENANCE_PREFIX}{prefix + ', ' if prefix else ''}"
                f"{self.page.relpath} cell {self.cell.index}")

    def error(self, message: str, cell_lineno: int | None = None,
              framework: str | None = None) -> BookError:
        return BookError(message, path=self.page.relpath, cell=self.cell.index,
                         line=self.file_line(cell_lineno) if cell_lineno else self.cell.line,
                         framework=framework)


@dataclass
class Block:
    """One saved top-level statement."""
    src: Source
    node: ast.stmt
    first: int
    """Cell line of the statement's first line (its first decorator, if any)."""
    lines: list[str]
    """The statement's source lines, ``#@save`` removed, column 0."""
    string_lines: frozenset[int]
    """Indices into ``lines`` of lines that continue a multi-line string."""
    redefine: bool = False
    """Marked ``#@save redefine``: meant to replace an earlier saved definition."""
    shadow: bool = False
    """Marked ``#@save shadow``: meant to hide the Python builtin of the same name."""

    @property
    def name(self) -> str | None:
        if isinstance(self.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return self.node.name
        return None


@dataclass
class ParsedCell:
    src: Source
    imports: list[ast.Import | ast.ImportFrom]
    blocks: list[Block]


def first_line(node: ast.stmt) -> int:
    decs = getattr(node, "decorator_list", None) or []
    return min([node.lineno] + [d.lineno for d in decs])


def multiline_string_lines(tree: ast.AST) -> set[int]:
    """Cell lines that continue a multi-line string (not code, whatever they look like)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and (
                isinstance(node, ast.JoinedStr) or isinstance(node.value, (str, bytes))):
            end = node.end_lineno or node.lineno
            out.update(range(node.lineno + 1, end + 1))
    return out


def parse_cell(page: Page, cell: Cell) -> ParsedCell | None:
    """Parse a code cell that has ``#@save`` marks; None if it has none."""
    src = Source(page, cell)
    if not any("@save" in ln for ln in cell.source.splitlines()):
        return None
    lines = cell.source.split("\n")
    blanked = cell.source
    magic: set[int] = set()
    try:
        tree = ast.parse(blanked)
    except SyntaxError as exc:
        error = exc  # (the code's own, when blanking the magics leaves nothing to parse again)
        # IPython magics and shell escapes are not Python: blank them (keeping line numbers).
        magic = {i + 1 for i, ln in enumerate(lines) if MAGIC_RE.match(ln)}
        blanked = "\n".join("" if i + 1 in magic else ln for i, ln in enumerate(lines))
        try:
            tree = ast.parse(blanked) if magic else None
        except SyntaxError as exc_blanked:
            error = exc_blanked
            tree = None
        if tree is None:
            raise src.error(
                f"syntax error in a cell with `#@save` code: {error.msg}; the library is "
                "built from this cell, fix the code", error.lineno) from None
    in_string = multiline_string_lines(tree)
    magic -= in_string
    marks: list[tuple[int, int, set[str]]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(blanked).readline):
            mark = SAVE_COMMENT_RE.match(tok.string) if tok.type == tokenize.COMMENT else None
            if mark:
                marks.append((*tok.start, set(mark.group(1).split())))
    except (tokenize.TokenError, SyntaxError) as exc:  # pragma: no cover - ast parsed it
        raise src.error(f"cannot tokenize the cell: {exc}") from None
    if not marks:
        return None
    spans = [(first_line(stmt), stmt.end_lineno or stmt.lineno, stmt) for stmt in tree.body]
    blocks: list[Block] = []
    for row, col, words in marks:
        text = lines[row - 1]
        hits = [(first, end, stmt) for first, end, stmt in spans if first <= row <= end]
        if not hits:
            raise src.error(
                "`#@save` is on a line without a statement; put it at the end of the first "
                "line of the top-level statement to save, e.g. `class Foo:  #@save`", row)
        if len(hits) > 1:
            raise src.error("`#@save` ends a line with several statements; put the statement "
                            "to save on its own line", row)
        first, end, stmt = hits[0]
        if row != first:
            if text[:1].isspace():
                raise src.error(
                    "`#@save` is on an indented line, inside a top-level statement; only "
                    "top-level statements are saved: mark the first line of the enclosing "
                    f"statement (line {src.file_line(first)}), or save a method separately "
                    "as a top-level `@d2l.add_to_class(Class)  #@save` function", row)
            raise src.error(
                "`#@save` must end the first line of the statement it saves (line "
                f"{src.file_line(first)}, its first decorator if it has one); move it there", row)
        bad = sorted(m for m in magic if first <= m <= end)
        if bad:
            raise src.error(
                "a saved statement contains an IPython magic or shell line "
                f"(`{lines[bad[0] - 1].strip()}`); the library is plain Python: move the "
                "magic out of the saved statement", bad[0])
        block_lines = lines[first - 1:end]
        block_lines[0] = block_lines[0][:col].rstrip()
        try:
            ast.parse("\n".join(block_lines), feature_version=MIN_PYTHON)
        except SyntaxError as exc:
            # Python reports where a ``match`` statement ends; point at where it starts.
            newer = [n.lineno for n in ast.walk(stmt)
                     if type(n).__name__ in ("Match", "TryStar", "TypeAlias")]
            raise src.error(
                f"saved code uses syntax that Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} (the "
                f"oldest the d2l package supports) lacks: {exc.msg}; rewrite it without it",
                min(newer) if newer else first + (exc.lineno or 1) - 1) from None
        strings = frozenset(i - first for i in in_string if first <= i <= end)
        blocks.append(Block(src, stmt, first, block_lines, strings, "redefine" in words,
                            "shadow" in words))
    blocks.sort(key=lambda b: b.first)
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    return ParsedCell(src, imports, blocks)

