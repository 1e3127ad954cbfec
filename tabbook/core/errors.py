"""The one exception type for mistakes in the book's sources or config."""

from __future__ import annotations


class BookError(Exception):
    """A user error: names the file, the cell and the line, and how to fix it."""

    def __init__(self, message: str, *, path: str | None = None,
                 cell: int | None = None, line: int | None = None,
                 framework: str | None = None):
        self.path, self.cell, self.line, self.framework = path, cell, line, framework
        where = []
        if path:
            where.append(str(path) + (f":{line}" if line else ""))
        if cell is not None:
            where.append(f"cell {cell}")
        if framework:
            where.append(f"framework {framework}")
        self.message = message
        super().__init__((", ".join(where) + ": " if where else "") + message)
