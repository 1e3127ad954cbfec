"""The checks of an assembled library: what its saved code uses must exist, in time, and
must not be a builtin replaced by accident.

1. :func:`check_d2l_names`: every ``d2l.X`` names something the library defines;
2. :func:`check_bare_names`: every bare name is a builtin, an import of a cell with saved
   code, or a saved definition;
3. :func:`check_import_order`: names used while the library is imported (base classes,
   decorators, defaults, top-level code) are defined above their use;
4. :func:`check_shadowed_builtins`: no saved definition takes a builtin's name (``len``,
   ``print``) unless it is marked ``#@save shadow``.

Each raises a :class:`~tabbook.core.errors.BookError` naming file, cell and line, and what to do.
"""

from __future__ import annotations

import ast
import difflib

from .assemble import PREAMBLE_NAMES, Library
from .cells import MAGIC_RE
from .names import BUILTIN_NAMES, bound_names


def _defined(lib: Library) -> set[str]:
    """Every name the module binds: preamble, imports, saved definitions."""
    defined = set(PREAMBLE_NAMES) | lib.imports.names
    for item in lib.items:
        defined |= bound_names([item.block.node])
    return defined


def check_d2l_names(lib: Library) -> None:
    defined = _defined(lib)
    for block, refs in lib.all_blocks:
        for ref in refs:
            if ref.d2l and ref.name not in defined:
                hint = difflib.get_close_matches(ref.name, sorted(defined), 1)
                raise lib.err(
                    block.src,
                    f"`d2l.{ref.name}` names nothing in the {lib.fw.name} library"
                    + (f" (did you mean `d2l.{hint[0]}`?)" if hint else "")
                    + f"; save the definition of `{ref.name}` with `#@save` in a cell that "
                    f"runs for {lib.fw.name} (check its `%%tab` line), or fix the name",
                    ref.lineno)


def _imported_elsewhere(lib: Library, name: str) -> str | None:
    """``file cell N`` of a code cell whose top-level imports bind ``name``."""
    for page, cell in lib.cells:
        lines = cell.source.split("\n")
        text = "\n".join("" if MAGIC_RE.match(ln) else ln for ln in lines)
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        if name in bound_names(imports):
            return f"{page.relpath} cell {cell.index}"
    return None


def check_bare_names(lib: Library) -> None:
    defined = _defined(lib)
    for block, refs in lib.all_blocks:
        for ref in refs:
            if not ref.d2l and ref.name not in defined and ref.name not in BUILTIN_NAMES:
                found = _imported_elsewhere(lib, ref.name)
                hint = (f" ({found} imports it, but that cell saves nothing, so its "
                        "imports are not copied: mark that import `#@save`)" if found else "")
                raise lib.err(
                    block.src,
                    f"saved code uses `{ref.name}`, which the {lib.fw.name} library does "
                    "not define: it is not a builtin, not imported in a cell with saved "
                    f"code, and no `#@save` statement defines it{hint}; import it in this "
                    "cell or save an import of it with `#@save`; if it is a function or "
                    "class of the book, save its definition with `#@save` and refer to it "
                    f"as `d2l.{ref.name}`", ref.lineno)


def check_import_order(lib: Library) -> None:
    available = set(PREAMBLE_NAMES) | lib.imports.names | BUILTIN_NAMES
    for pos, item in enumerate(lib.items):
        own = bound_names([item.block.node])
        for block in [item.block] + item.folded:
            refs = next(r for b, r in lib.all_blocks if b is block)
            for ref in refs:
                if ref.immediate and ref.name not in available | own:
                    where = next((it for it in lib.items[pos + 1:]
                                  if ref.name in bound_names([it.block.node])), None)
                    at = (f" ({where.block.src.page.relpath} cell "
                          f"{where.block.src.cell.index})" if where else "")
                    shown = f"d2l.{ref.name}" if ref.d2l else ref.name
                    raise lib.err(
                        block.src,
                        f"`{shown}` is used when the library is imported (base classes, "
                        "decorators, default values and top-level code run then), but "
                        f"the {lib.fw.name} library defines it only further down{at}; "
                        "save its definition before this cell", ref.lineno)
        available |= own


def check_shadowed_builtins(lib: Library) -> None:
    """A module-level name of the library that is a builtin's hides the builtin from every
    line of the module, the other pages' saved code too: it must say it means to."""
    for item in lib.items:
        if item.block.shadow:
            continue
        names = sorted(n for n in bound_names([item.block.node]) & BUILTIN_NAMES
                       if not n.startswith("__"))
        if names:
            name = names[0]
            raise lib.err(
                item.block.src,
                f"saved code defines `{name}`, which hides Python's builtin `{name}` in the "
                f"whole {lib.fw.name} library (d2l/{lib.fw.module}.py): every use of "
                f"`{name}` there, in any page's saved code, would call this one; rename it, "
                "or, if the library is meant to replace the builtin, end the line with "
                "`#@save shadow`", item.block.node.lineno)


CHECKS = (check_d2l_names, check_bare_names, check_import_order, check_shadowed_builtins)


def check(lib: Library) -> None:
    """Run the checks in order; the first mistake raises."""
    for one in CHECKS:
        one(lib)
