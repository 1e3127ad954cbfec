"""Import handling: gather the imports of the cells with saved code into one sorted block.

Every import binds a name once; two cells that bind one name to different things are an
error naming both places. ``from d2l import ...`` and ``import d2l`` are never copied.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .cells import Source


def is_d2l(module: str | None) -> bool:
    return module is not None and (module == "d2l" or module.startswith("d2l."))


@dataclass
class Imports:
    plain: dict[tuple[str, str | None], Source] = field(default_factory=dict)
    """``import name [as asname]``."""
    froms: dict[tuple[int, str], dict[tuple[str, str | None], Source]] = field(
        default_factory=dict)
    """``from module import name [as asname]``, keyed by (level, module)."""
    bound: dict[str, tuple[str, Source, int]] = field(default_factory=dict)
    """Bound name -> (what it is bound to, where, cell line)."""

    def _bind(self, name: str, origin: str, src: Source, lineno: int, fw: str) -> None:
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

    def add(self, stmt: ast.Import | ast.ImportFrom, src: Source, fw: str) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if is_d2l(alias.name) or (alias.name == "sys" and alias.asname is None):
                    continue
                bound = alias.asname or alias.name.split(".")[0]
                origin = alias.name if alias.asname else alias.name.split(".")[0]
                self._bind(bound, origin, src, stmt.lineno, fw)
                self.plain.setdefault((alias.name, alias.asname), src)
            return
        module = stmt.module or ""
        if stmt.level == 0 and is_d2l(module):
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

