"""The ``#@save`` extractor: build ``d2l/<module>.py`` for each framework.

For every framework of :data:`tabbook.frameworks.FRAMEWORKS`, the sources are read in
``_toc.yml`` order and each code cell of that framework is scanned for ``#@save``:

* ``#@save`` at the end of the first line of a top-level statement (a decorator line
  counts as the first line) saves that whole statement.
* ``@d2l.add_to_class(X)  #@save`` (or ``@add_to_class(X)``) folds the function into
  the body of library class ``X``; a later method of the same name replaces the
  earlier one in place, so the generated class reads as one class.
* A later top-level ``def``/``class`` with the same name replaces the earlier one (in
  place, or at its own position where its base classes or decorators are defined only
  after the earlier one). Replacing a class drops the methods folded into the old one,
  as re-running the cell does in a notebook.
* Every saved definition carries a ``# Defined in Section ...`` provenance comment.
* Imports: the top-level imports of every cell that saves something (and saved
  imports), sorted and deduplicated; ``from d2l import ...`` is never copied.

Mistakes are :class:`BookError` naming file, cell and line: syntax errors, ``#@save``
on an indented line, ``add_to_class`` of a class the library does not define, names
the library does not define (bare names and ``d2l.X``), names used at import time
before the library defines them, and ``_toc.yml`` problems (see :mod:`tabbook.toc`).

All four modules are generated in memory and formatted with ``black`` first; only then
are they written, each through a temporary file and ``os.replace``. The output depends
only on the sources (no timestamps, no absolute paths).
"""

from __future__ import annotations

import argparse
import ast
import builtins
import copy
import difflib
import io
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BookError
from .files import write_atomic
from .frameworks import FRAMEWORKS, Framework
from .source import Cell, Page, read_page
from .toc import book_sources

LINE_LENGTH = 100
"""Line length of the generated library (``black --line-length``)."""

MIN_PYTHON = (3, 9)
"""Oldest Python the library supports (``requires-python`` in pyproject.toml)."""

LIB_DIR = "d2l"
SAVE_COMMENT_RE = re.compile(r"^#\s*@save\s*$")
MAGIC_RE = re.compile(r"^\s*(%|!(?!=))")
"""An IPython magic (``%matplotlib``, ``%%time``) or shell escape (``!pip``) line."""
ADD_TO_CLASS = "add_to_class"
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__file__", "__builtins__", "__annotations__"}
PREAMBLE_NAMES = frozenset({"d2l", "sys", "__all__", "__name__", "__doc__", "__file__"})
"""Names every generated module binds besides the saved code."""


# ---------------------------------------------------------------------------
# Scope analysis


@dataclass(frozen=True)
class _Ref:
    """A name that saved code takes from the library's module namespace."""
    name: str
    lineno: int
    """Line in the cell."""
    d2l: bool
    """``d2l.name`` (True) or a bare ``name`` (False)."""
    immediate: bool
    """Evaluated when the library is imported (not inside a function body)."""


@dataclass
class _Scope:
    names: set[str]
    is_class: bool = False


def _target_names(node: ast.AST, out: set[str]) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            out.add(sub.id)


def _bound_names(body: list[ast.stmt]) -> set[str]:
    """Names a function/class/module body binds, without entering nested scopes.

    Names bound anywhere in the body count (a reasonable, not exact, model of Python's
    "assigned anywhere means local" rule); comprehension variables are counted too.
    """
    out: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    out.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            out.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            out.add(node.rest)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _arg_names(args: ast.arguments) -> set[str]:
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return names


class _RefCollector:
    """Collect the names a statement takes from module scope (see :class:`_Ref`)."""

    def __init__(self) -> None:
        self.refs: list[_Ref] = []

    def _resolved(self, name: str, scopes: list[_Scope]) -> bool:
        last = len(scopes) - 1
        for i in range(last, -1, -1):
            if scopes[i].is_class and i != last:
                continue  # class bodies are not visible from nested functions
            if name in scopes[i].names:
                return True
        return False

    def _function(self, node, scopes, immediate, body, args) -> None:
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.visit(default, scopes, immediate)
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None and a.annotation is not None:
                self.visit(a.annotation, scopes, immediate)
        names = _arg_names(args)
        if isinstance(body, list):
            names |= _bound_names(body)
        if scopes and scopes[-1].is_class:
            names.add("__class__")
        inner = scopes + [_Scope(names)]
        for stmt in body if isinstance(body, list) else [body]:
            self.visit(stmt, inner, False)

    def visit(self, node: ast.AST, scopes: list[_Scope], immediate: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                self.visit(dec, scopes, immediate)
            if node.returns is not None:
                self.visit(node.returns, scopes, immediate)
            self._function(node, scopes, immediate, node.body, node.args)
        elif isinstance(node, ast.Lambda):
            self._function(node, scopes, immediate, node.body, node.args)
        elif isinstance(node, ast.ClassDef):
            for sub in node.decorator_list + node.bases + [k.value for k in node.keywords]:
                self.visit(sub, scopes, immediate)
            inner = scopes + [_Scope(_bound_names(node.body), is_class=True)]
            for stmt in node.body:
                self.visit(stmt, inner, immediate)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            gens = node.generators
            self.visit(gens[0].iter, scopes, immediate)
            names: set[str] = set()
            for gen in gens:
                _target_names(gen.target, names)
            inner = scopes + [_Scope(names)]
            for i, gen in enumerate(gens):
                if i:
                    self.visit(gen.iter, inner, immediate)
                for cond in gen.ifs:
                    self.visit(cond, inner, immediate)
            elts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for elt in elts:
                self.visit(elt, inner, immediate)
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load) and not self._resolved(node.id, scopes):
                self.refs.append(_Ref(node.id, node.lineno, False, immediate))
        elif isinstance(node, ast.Attribute):
            value = node.value
            if (isinstance(value, ast.Name) and value.id == "d2l"
                    and isinstance(node.ctx, ast.Load) and not self._resolved("d2l", scopes)):
                self.refs.append(_Ref(node.attr, node.lineno, True, immediate))
            else:
                self.visit(value, scopes, immediate)
        else:
            for child in ast.iter_child_nodes(node):
                self.visit(child, scopes, immediate)


def _refs(node: ast.AST, scopes: list[_Scope] | None = None) -> list[_Ref]:
    collector = _RefCollector()
    collector.visit(node, list(scopes or []), True)
    return sorted(collector.refs, key=lambda r: (r.lineno, r.name))


# ---------------------------------------------------------------------------
# Reading cells


@dataclass
class _Source:
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
        return (f"# Defined in {prefix + ', ' if prefix else ''}"
                f"{self.page.relpath} cell {self.cell.index}")

    def error(self, message: str, cell_lineno: int | None = None,
              framework: str | None = None) -> BookError:
        return BookError(message, path=self.page.relpath, cell=self.cell.index,
                         line=self.file_line(cell_lineno) if cell_lineno else self.cell.line,
                         framework=framework)


@dataclass
class _Block:
    """One saved top-level statement."""
    src: _Source
    node: ast.stmt
    first: int
    """Cell line of the statement's first line (its first decorator, if any)."""
    lines: list[str]
    """The statement's source lines, ``#@save`` removed, column 0."""
    string_lines: frozenset[int]
    """Indices into ``lines`` of lines that continue a multi-line string."""

    @property
    def name(self) -> str | None:
        if isinstance(self.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return self.node.name
        return None


@dataclass
class _ParsedCell:
    src: _Source
    imports: list[ast.Import | ast.ImportFrom]
    blocks: list[_Block]


def _first_line(node: ast.stmt) -> int:
    decs = getattr(node, "decorator_list", None) or []
    return min([node.lineno] + [d.lineno for d in decs])


def _multiline_string_lines(tree: ast.AST) -> set[int]:
    """Cell lines that continue a multi-line string (not code, whatever they look like)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and (
                isinstance(node, ast.JoinedStr) or isinstance(node.value, (str, bytes))):
            end = node.end_lineno or node.lineno
            out.update(range(node.lineno + 1, end + 1))
    return out


def _parse_cell(page: Page, cell: Cell) -> _ParsedCell | None:
    """Parse a code cell that has ``#@save`` marks; None if it has none."""
    src = _Source(page, cell)
    if not any("@save" in ln for ln in cell.source.splitlines()):
        return None
    lines = cell.source.split("\n")
    blanked = cell.source
    magic: set[int] = set()
    try:
        tree = ast.parse(blanked)
    except SyntaxError as first_exc:
        # IPython magics and shell escapes are not Python: blank them (keeping line numbers).
        magic = {i + 1 for i, ln in enumerate(lines) if MAGIC_RE.match(ln)}
        blanked = "\n".join("" if i + 1 in magic else ln for i, ln in enumerate(lines))
        try:
            tree = ast.parse(blanked) if magic else None
        except SyntaxError as exc:
            first_exc = exc
            tree = None
        if tree is None:
            raise src.error(
                f"syntax error in a cell with `#@save` code: {first_exc.msg}; the library is "
                "built from this cell, fix the code", first_exc.lineno) from None
    in_string = _multiline_string_lines(tree)
    magic -= in_string
    marks: list[tuple[int, int]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(blanked).readline):
            if tok.type == tokenize.COMMENT and SAVE_COMMENT_RE.match(tok.string):
                marks.append(tok.start)
    except (tokenize.TokenError, SyntaxError) as exc:  # pragma: no cover - ast parsed it
        raise src.error(f"cannot tokenize the cell: {exc}") from None
    if not marks:
        return None
    spans = [(_first_line(stmt), stmt.end_lineno or stmt.lineno, stmt) for stmt in tree.body]
    blocks: list[_Block] = []
    for row, col in marks:
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
        blocks.append(_Block(src, stmt, first, block_lines, strings))
    blocks.sort(key=lambda b: b.first)
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    return _ParsedCell(src, imports, blocks)


# ---------------------------------------------------------------------------
# Imports


def _is_d2l(module: str | None) -> bool:
    return module is not None and (module == "d2l" or module.startswith("d2l."))


@dataclass
class _Imports:
    plain: dict[tuple[str, str | None], _Source] = field(default_factory=dict)
    """``import name [as asname]``."""
    froms: dict[tuple[int, str], dict[tuple[str, str | None], _Source]] = field(
        default_factory=dict)
    """``from module import name [as asname]``, keyed by (level, module)."""
    bound: dict[str, tuple[str, _Source, int]] = field(default_factory=dict)
    """Bound name -> (what it is bound to, where, cell line)."""

    def _bind(self, name: str, origin: str, src: _Source, lineno: int, fw: str) -> None:
        prev = self.bound.get(name)
        if prev is None:
            self.bound[name] = (origin, src, lineno)
        elif prev[0] != origin:
            old_src, old_line = prev[1], prev[2]
            raise src.error(
                f"this import binds `{name}` to `{origin}`, but "
                f"{old_src.page.relpath}:{old_src.file_line(old_line)} (cell "
                f"{old_src.cell.index}) binds it to `{prev[0]}`; the library gathers the "
                "imports of all cells with saved code, so give one of them another name",
                lineno, fw)

    def add(self, stmt: ast.Import | ast.ImportFrom, src: _Source, fw: str) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if _is_d2l(alias.name) or (alias.name == "sys" and alias.asname is None):
                    continue
                bound = alias.asname or alias.name.split(".")[0]
                origin = alias.name if alias.asname else alias.name.split(".")[0]
                self._bind(bound, origin, src, stmt.lineno, fw)
                self.plain.setdefault((alias.name, alias.asname), src)
            return
        module = stmt.module or ""
        if stmt.level == 0 and _is_d2l(module):
            return
        for alias in stmt.names:
            if alias.name == "*":
                raise src.error(
                    f"`from {module} import *` in a cell with saved code: the library cannot "
                    "tell which names it defines; import the names explicitly",
                    stmt.lineno, fw)
            origin = "." * stmt.level + f"{module}.{alias.name}".lstrip(".")
            self._bind(alias.asname or alias.name, origin, src, stmt.lineno, fw)
            self.froms.setdefault((stmt.level, module), {}).setdefault(
                (alias.name, alias.asname), src)

    @property
    def names(self) -> set[str]:
        return set(self.bound)

    def render(self) -> list[str]:
        def alias(name: str, asname: str | None) -> str:
            return f"{name} as {asname}" if asname else name

        future, plain, froms = [], [], []
        for name, asname in sorted(self.plain, key=lambda k: (k[0], k[1] or "")):
            plain.append(f"import {alias(name, asname)}")
        for (level, module), names in sorted(self.froms.items()):
            items = ", ".join(alias(n, a)
                              for n, a in sorted(names, key=lambda k: (k[0], k[1] or "")))
            line = f"from {'.' * level}{module} import {items}"
            (future if module == "__future__" and not level else froms).append(line)
        return future + plain + froms


# ---------------------------------------------------------------------------
# The library of one framework


@dataclass
class _Member:
    """A chunk of a class body: an original statement group, or a folded method."""
    name: str | None
    lines: list[str]
    """Indented as in the generated class."""
    block: _Block | None = None
    """The folded ``add_to_class`` block (None for the class's own statements)."""


@dataclass
class _Item:
    """A top-level statement of the generated module."""
    block: _Block
    members: list[_Member] | None = None
    """Class body split into members, once something is folded into the class."""
    header: list[str] = field(default_factory=list)
    """Class lines before the body (decorators, ``class X(...):``), once split."""
    indent: str = ""
    """Indentation of the class body, once split."""
    folded: list[_Block] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        return self.block.name

    @property
    def is_class(self) -> bool:
        return isinstance(self.block.node, ast.ClassDef)


def _indent(lines: list[str], prefix: str, keep: frozenset[int] | set[int]) -> list[str]:
    """Indent ``lines`` except blank ones and those (indices in ``keep``) inside strings."""
    return [ln if (i in keep or not ln.strip()) else prefix + ln for i, ln in enumerate(lines)]


def _strip_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _class_members(item: _Item) -> tuple[list[str], list[_Member], str]:
    """Split a saved class into header lines, body members and the body indentation."""
    block, node = item.block, item.block.node
    assert isinstance(node, ast.ClassDef)
    body = node.body
    rel = lambda lineno: lineno - block.first  # noqa: E731  (cell line -> index in block.lines)
    first_body = _first_line(body[0])
    if first_body == node.lineno or rel(first_body) <= 0:
        raise block.src.error(
            f"cannot fold methods into `{node.name}`: its body is on the same line as "
            "`class`; put the class body on its own lines", node.lineno)
    header = block.lines[:rel(first_body)]
    indent = block.lines[rel(first_body)][:body[0].col_offset]
    # Group statements that share lines (``a = 1; b = 2``) into one member.
    groups: list[list[ast.stmt]] = []
    for stmt in body:
        if groups and _first_line(stmt) <= (groups[-1][-1].end_lineno or 0):
            groups[-1].append(stmt)
        else:
            groups.append([stmt])
    members: list[_Member] = []
    prev_end = first_body - 1
    for group in groups:
        end = group[-1].end_lineno or group[-1].lineno
        lines = block.lines[rel(prev_end + 1):rel(end) + 1]
        while lines and not lines[-1].strip():
            lines.pop()
        name = None
        if len(group) == 1 and isinstance(group[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = group[0].name
        members.append(_Member(name, lines))
        prev_end = end
    return _strip_blank(header), members, indent


def _add_to_class_target(node: ast.stmt) -> ast.expr | None:
    """The class expression of an outermost ``@[d2l.]add_to_class(X)`` decorator, if any."""
    decs = getattr(node, "decorator_list", None) or []
    for i, dec in enumerate(decs):
        if not isinstance(dec, ast.Call):
            continue
        func = dec.func
        is_atc = ((isinstance(func, ast.Name) and func.id == ADD_TO_CLASS)
                  or (isinstance(func, ast.Attribute) and func.attr == ADD_TO_CLASS
                      and isinstance(func.value, ast.Name) and func.value.id == "d2l"))
        if is_atc:
            if i:
                raise ValueError("`add_to_class` must be the first (outermost) decorator")
            if len(dec.args) != 1 or dec.keywords:
                raise ValueError("`add_to_class` takes exactly one argument, the class")
            return dec.args[0]
    return None


class _Library:
    def __init__(self, fw: Framework):
        self.fw = fw
        self.items: list[_Item] = []
        self.all_blocks: list[tuple[_Block, list[_Ref]]] = []
        self.imports = _Imports()
        self.pages: list[str] = []
        self.cells: list[tuple[Page, Cell]] = []
        """Every code cell of this framework (for hints in error messages)."""

    def err(self, src: _Source, message: str, lineno: int | None = None) -> BookError:
        return src.error(message, lineno, self.fw.name)

    # -- adding -----------------------------------------------------------

    def add_cell(self, parsed: _ParsedCell) -> None:
        for stmt in parsed.imports:
            self.imports.add(stmt, parsed.src, self.fw.name)
        if parsed.src.page.relpath not in self.pages:
            self.pages.append(parsed.src.page.relpath)
        for block in parsed.blocks:
            if isinstance(block.node, (ast.Import, ast.ImportFrom)):
                continue  # gathered with the imports
            try:
                target = _add_to_class_target(block.node)
            except ValueError as exc:
                raise self.err(block.src, str(exc), block.node.lineno) from None
            if target is not None:
                self._fold(block, target)
            else:
                self._add_top(block)

    def _position(self, name: str) -> int | None:
        for i, item in enumerate(self.items):
            if item.name == name:
                return i
        return None

    def _add_top(self, block: _Block) -> None:
        refs = _refs(block.node)
        self.all_blocks.append((block, refs))
        new = _Item(block)
        old = self._position(block.name) if block.name else None
        if old is None:
            self.items.append(new)
            return
        # In place, unless what the new definition needs at import time comes later.
        before = set().union(*[_bound_names([it.block.node]) for it in self.items[:old]])
        later = set().union(*[_bound_names([it.block.node]) for it in self.items[old:]])
        needs = {r.name for r in refs if r.immediate} - before - self.imports.names
        if needs & later:
            del self.items[old]
            self.items.append(new)
        else:
            self.items[old] = new

    def _fold(self, block: _Block, target: ast.expr) -> None:
        node = block.node
        if isinstance(target, ast.Name):
            cls = target.id
        elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
              and target.value.id == "d2l"):
            cls = target.attr
        else:
            raise self.err(block.src, "`add_to_class` needs a library class, written `X` "
                           "or `d2l.X`", node.lineno)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raise self.err(block.src, "`@d2l.add_to_class(...)  #@save` must decorate a "
                           "function (`def`)", node.lineno)
        pos = self._position(cls)
        if pos is None or not self.items[pos].is_class:
            classes = [it.name for it in self.items if it.is_class]
            hint = difflib.get_close_matches(cls, classes, 1)
            raise self.err(
                block.src,
                f"`add_to_class({ast.unparse(target)})` folds `{node.name}` into class "
                f"`{cls}`, but the {self.fw.name} library defines no class `{cls}` before "
                f"this cell" + (f" (did you mean `{hint[0]}`?)" if hint else "")
                + f"; save `class {cls}` with `#@save` in an earlier {self.fw.name} cell "
                f"(check its `%%tab` line), or fix the class name", node.lineno)
        item = self.items[pos]
        class_scope = _Scope(_bound_names(item.block.node.body) | {
            m.name for m in item.members or [] if m.name}, is_class=True)
        # Check the function as it will stand in the class: without ``add_to_class``.
        stripped = copy.copy(node)
        stripped.decorator_list = node.decorator_list[1:]
        self.all_blocks.append((block, _refs(stripped, [class_scope])))
        if item.members is None:
            item.header, item.members, item.indent = _class_members(item)
        indent = item.indent
        dec = node.decorator_list[0]
        skip = (dec.end_lineno or dec.lineno) - block.first + 1  # lines of the decorator
        body_lines = block.lines[skip:]
        keep = {i - skip for i in block.string_lines if i >= skip}
        lines = ["", indent + block.src.provenance] + _indent(body_lines, indent, keep)
        member = _Member(node.name, lines, block)
        for i, old in enumerate(item.members):
            if old.name == node.name:
                item.members[i] = member
                break
        else:
            item.members.append(member)
        item.folded.append(block)

    # -- checking ---------------------------------------------------------

    def _imported_elsewhere(self, name: str) -> str | None:
        """``file cell N`` of a code cell whose top-level imports bind ``name``."""
        for page, cell in self.cells:
            lines = cell.source.split("\n")
            text = "\n".join("" if MAGIC_RE.match(ln) else ln for ln in lines)
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
            imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
            if name in _bound_names(imports):
                return f"{page.relpath} cell {cell.index}"
        return None

    def check(self) -> None:
        defined = set(PREAMBLE_NAMES) | self.imports.names
        for item in self.items:
            defined |= _bound_names([item.block.node])
        for block, refs in self.all_blocks:
            for ref in refs:
                if ref.d2l and ref.name not in defined:
                    hint = difflib.get_close_matches(ref.name, sorted(defined), 1)
                    raise self.err(
                        block.src,
                        f"`d2l.{ref.name}` names nothing in the {self.fw.name} library"
                        + (f" (did you mean `d2l.{hint[0]}`?)" if hint else "")
                        + f"; save the definition of `{ref.name}` with `#@save` in a cell that "
                        f"runs for {self.fw.name} (check its `%%tab` line), or fix the name",
                        ref.lineno)
                if not ref.d2l and ref.name not in defined and ref.name not in BUILTIN_NAMES:
                    found = self._imported_elsewhere(ref.name)
                    hint = (f" ({found} imports it, but that cell saves nothing, so its "
                            "imports are not copied: mark that import `#@save`)" if found else "")
                    raise self.err(
                        block.src,
                        f"saved code uses `{ref.name}`, which the {self.fw.name} library does "
                        "not define: it is not a builtin, not imported in a cell with saved "
                        f"code, and no `#@save` statement defines it{hint}; import it in this "
                        "cell or save an import of it with `#@save`; if it is a function or "
                        "class of the book, save its definition with `#@save` and refer to it "
                        f"as `d2l.{ref.name}`", ref.lineno)
        # Names used while the module is imported must be defined above their use.
        available = set(PREAMBLE_NAMES) | self.imports.names | BUILTIN_NAMES
        for pos, item in enumerate(self.items):
            own = _bound_names([item.block.node])
            blocks = [item.block] + item.folded
            for block in blocks:
                refs = next(r for b, r in self.all_blocks if b is block)
                for ref in refs:
                    if ref.immediate and ref.name not in available | own:
                        where = next((it for it in self.items[pos + 1:]
                                      if ref.name in _bound_names([it.block.node])), None)
                        at = (f" ({where.block.src.page.relpath} cell "
                              f"{where.block.src.cell.index})" if where else "")
                        shown = f"d2l.{ref.name}" if ref.d2l else ref.name
                        raise self.err(
                            block.src,
                            f"`{shown}` is used when the library is imported (base classes, "
                            "decorators, default values and top-level code run then), but "
                            f"the {self.fw.name} library defines it only further down{at}; "
                            "save its definition before this cell", ref.lineno)
            available |= own

    # -- rendering --------------------------------------------------------

    def _render_item(self, item: _Item) -> str:
        block = item.block
        lines = [block.src.provenance]
        if item.members is None:
            lines += block.lines
        else:
            lines += item.header
            for i, member in enumerate(item.members):
                lines += _strip_blank(member.lines) if i == 0 else member.lines
        return "\n".join(lines)

    def public_names(self) -> list[str]:
        names: set[str] = set()
        for item in self.items:
            names |= _bound_names([item.block.node])
        return sorted(n for n in names if not n.startswith("_") and n not in PREAMBLE_NAMES)

    def render(self, sources: list[str]) -> str:
        fw = self.fw
        used = [p for p in sources if p in self.pages]
        origin = ", ".join(used) if used else "no source files"
        head = (
            f"# This file is generated by `make lib` (python -m tabbook lib) from {origin}; "
            "do not edit.\n"
            f'"""The d2l library for {fw.label}: the code that the book saves with ``#@save``.\n'
            "\n"
            f"Use it as ``from d2l import {fw.module} as d2l``. Each definition below names the\n"
            "section and cell it comes from: edit those cells and run ``make lib``, "
            "not this file.\n"
            '"""\n\n'
            + (fw.library_preamble.strip() + "\n\n" if fw.library_preamble else "")
            + "\n".join(self.imports.render() + ["import sys"])
            + "\n\nd2l = sys.modules[__name__]\n\n"
            f"__all__ = {self.public_names()!r}"
        )
        return "\n\n\n".join([head] + [self._render_item(item) for item in self.items]) + "\n"


def _format(text: str, name: str) -> str:
    try:
        import black
    except ImportError:  # pragma: no cover - black is in requirements.txt
        raise BookError("the library generator needs `black`; install the build "
                        "requirements (pip install -r requirements.txt)") from None
    try:
        out = black.format_str(text, mode=black.Mode(line_length=LINE_LENGTH))
    except Exception as exc:  # black.InvalidInput and friends
        raise BookError(f"cannot format the generated {name}: {exc}; this is a bug in "
                        "tabbook.extract unless a saved block is at fault") from None
    compile(out, name, "exec")
    return out


# ---------------------------------------------------------------------------
# API


def extract_library(root: Path) -> dict[str, str]:
    """Generate every framework's library module: ``{"torch.py": text, ...}``.

    Raises BookError (file, cell, line, what to do) on any mistake; nothing is written.
    """
    root = Path(root)
    sources = book_sources(root)
    pages = [read_page(root / rel, root) for rel in sources if rel.endswith(".md")]
    parsed: dict[tuple[str, int], _ParsedCell | None] = {}
    out: dict[str, str] = {}
    for fw in FRAMEWORKS:
        lib = _Library(fw)
        for page in pages:
            for cell in page.cells_for(fw.name):
                if cell.kind != "code":
                    continue
                lib.cells.append((page, cell))
                key = (page.relpath, cell.index)
                if key not in parsed:
                    parsed[key] = _parse_cell(page, cell)
                if parsed[key] is not None:
                    lib.add_cell(parsed[key])
        lib.check()
        name = f"{fw.module}.py"
        out[name] = _format(lib.render(sources), f"{LIB_DIR}/{name}")
    return out


def write_library(root: Path, out_dir: Path | None = None) -> list[Path]:
    """Generate all modules, then write them (unchanged files are left alone).

    Returns the paths of the library modules. On error nothing is written.
    """
    root = Path(root)
    out_dir = Path(out_dir) if out_dir is not None else root / LIB_DIR
    modules = extract_library(root)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in modules.items():
        path = out_dir / name
        write_atomic(path, text)
        paths.append(path)
    return paths


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def check_library(root: Path, out_dir: Path | None = None) -> list[str]:
    """Names (``d2l/torch.py``, ...) of library files that differ from a fresh extraction."""
    root = Path(root)
    out_dir = Path(out_dir) if out_dir is not None else root / LIB_DIR
    stale = []
    for name, text in extract_library(root).items():
        path = out_dir / name
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            stale.append(_shown(path, root))
    return stale


def main_lib(argv: list[str] | None = None) -> int:
    """``python -m tabbook lib [--check] [--root DIR] [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m tabbook lib",
        description="Generate d2l/<framework>.py from the #@save code of the book's sources.")
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="book root, with _toc.yml (default: current directory)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output directory (default: <root>/d2l)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the committed library is out of date")
    args = parser.parse_args(argv)
    root = args.root
    try:
        if args.check:
            stale = check_library(root, args.out)
            if stale:
                print(f"error: {', '.join(stale)} out of date with the book's sources; run "
                      "`make lib` and commit the result", file=sys.stderr)
                return 1
            print("the d2l library is up to date")
            return 0
        paths = write_library(root, args.out)
    except BookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("wrote " + ", ".join(_shown(p, root) for p in paths))
    return 0
