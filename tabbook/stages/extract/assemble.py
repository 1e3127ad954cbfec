"""The library assembler: one framework's saved blocks, in order, folded into classes.

:class:`Library` takes the parsed cells of one framework in book order. A saved
``def``/``class`` marked ``#@save redefine`` replaces an earlier one of the same name (in
place, or at its own position when what it needs at import time is defined only after the
old one);
``@d2l.add_to_class(X)  #@save`` folds a function into the body of class ``X``.
A replacement must say so (``#@save redefine``): :func:`check_redefinition`.
:meth:`Library.render` gives the module's text (before formatting); the checks of what
the assembled code uses live in :mod:`tabbook.stages.extract.checks`.
"""

from __future__ import annotations

import ast
import copy
import difflib
from dataclasses import dataclass, field

from ...core.errors import BookError
from ...core.frameworks import Framework
from ...sources.source import GENERATED_PREFIX, Cell, Page
from .cells import Block, ParsedCell, Source, first_line
from .imports import Imports
from .names import Ref, Scope, bound_names, collect_refs

ADD_TO_CLASS = "add_to_class"
PREAMBLE_NAMES = frozenset({"d2l", "sys", "__all__", "__name__", "__doc__", "__file__"})
"""Names every generated module binds besides the saved code."""


def check_redefinition(earlier: Block, later: Block, framework: str) -> None:
    """Refuse a second saved ``def``/``class`` of one name unless it says it replaces the first.

    A later ``class Classifier  #@save`` silently dropping the methods folded into the
    earlier one is a mistake far more often than a choice.
    """
    if later.redefine:
        return
    first = earlier.src
    raise later.src.error(
        f"`{later.name}` is saved twice in the {framework} library: first in "
        f"{first.page.relpath} line {first.file_line(earlier.node.lineno)} (cell "
        f"{first.cell.index}), again here; the second would replace the first and everything "
        f"folded into it. Rename one, fold changes in with `@d2l.add_to_class({later.name})`, "
        "or, if the replacement is intended, mark it `#@save redefine`",
        later.node.lineno, framework)


@dataclass
class _Member:
    """A chunk of a class body: an original statement group, or a folded method."""
    name: str | None
    lines: list[str]
    """Indented as in the generated class."""
    block: Block | None = None
    """The folded ``add_to_class`` block (None for the class's own statements)."""


@dataclass
class _Item:
    """A top-level statement of the generated module."""
    block: Block
    members: list[_Member] | None = None
    """Class body split into members, once something is folded into the class."""
    header: list[str] = field(default_factory=list)
    """Class lines before the body (decorators, ``class X(...):``), once split."""
    indent: str = ""
    """Indentation of the class body, once split."""
    folded: list[Block] = field(default_factory=list)

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
    first_body = first_line(body[0])
    if first_body == node.lineno or rel(first_body) <= 0:
        raise block.src.error(
            f"cannot fold methods into `{node.name}`: its body is on the same line as "
            "`class`; put the class body on its own lines", node.lineno)
    header = block.lines[:rel(first_body)]
    indent = block.lines[rel(first_body)][:body[0].col_offset]
    # Group statements that share lines (``a = 1; b = 2``) into one member.
    groups: list[list[ast.stmt]] = []
    for stmt in body:
        if groups and first_line(stmt) <= (groups[-1][-1].end_lineno or 0):
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


class Library:
    def __init__(self, fw: Framework):
        self.fw = fw
        self.items: list[_Item] = []
        self.all_blocks: list[tuple[Block, list[Ref]]] = []
        self.imports = Imports()
        self.pages: list[str] = []
        self.cells: list[tuple[Page, Cell]] = []
        """Every code cell of this framework (for hints in error messages)."""

    def err(self, src: Source, message: str, lineno: int | None = None) -> BookError:
        return src.error(message, lineno, self.fw.name)

    # -- adding -----------------------------------------------------------

    def add_cell(self, parsed: ParsedCell) -> None:
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

    def _add_top(self, block: Block) -> None:
        refs = collect_refs(block.node)
        self.all_blocks.append((block, refs))
        new = _Item(block)
        old = self._position(block.name) if block.name else None
        if old is None:
            self.items.append(new)
            return
        check_redefinition(self.items[old].block, block, self.fw.name)
        # In place, unless what the new definition needs at import time comes later.
        before = set().union(*[bound_names([it.block.node]) for it in self.items[:old]])
        later = set().union(*[bound_names([it.block.node]) for it in self.items[old:]])
        needs = {r.name for r in refs if r.immediate} - before - self.imports.names
        if needs & later:
            del self.items[old]
            self.items.append(new)
        else:
            self.items[old] = new

    def _fold(self, block: Block, target: ast.expr) -> None:
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
        class_scope = Scope(bound_names(item.block.node.body) | {
            m.name for m in item.members or [] if m.name}, is_class=True)
        # Check the function as it will stand in the class: without ``add_to_class``.
        stripped = copy.copy(node)
        stripped.decorator_list = node.decorator_list[1:]
        self.all_blocks.append((block, collect_refs(stripped, [class_scope])))
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
            names |= bound_names([item.block.node])
        return sorted(n for n in names if not n.startswith("_") and n not in PREAMBLE_NAMES)

    def render(self, sources: list[str]) -> str:
        fw = self.fw
        used = [p for p in sources if p in self.pages]
        origin = ", ".join(used) if used else "no source files"
        head = (
            f"{GENERATED_PREFIX}`make lib` (python -m tabbook lib) from {origin}; "
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


