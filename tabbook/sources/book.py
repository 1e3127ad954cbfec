"""Reading the book: every page listed in ``_toc.yml``, in order, by the reader of its suffix.

This is the one place that turns the table of contents into :class:`~tabbook.sources.source.Page`
objects; the library extractor, the execution, the Colab notebooks and the Sphinx
extension all start from :func:`read_book`. As jupytext does, the reader is chosen by the
file's suffix (:data:`READERS`). A page in another format, such as an ``.ipynb``
notebook, is refused with an error naming the file and saying how to convert it: its
cells would otherwise be read as text and built wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..core.errors import BookError
from .source import Page, read_page
from .toc import book_sources

READERS: dict[str, Callable[[Path, Path], Page]] = {".md": read_page}
"""Source suffix -> reader (path, book root) -> Page."""


def read_source(path: Path, root: Path) -> Page:
    """One page, read by the reader of its suffix; BookError for a format tabbook cannot build."""
    path, root = Path(path), Path(root)
    reader = READERS.get(path.suffix)
    if reader is None:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        hint = (f"convert it with `jupytext --to myst {rel}` (the `%%tab` lines stay) and list "
                f"the .md in _toc.yml" if path.suffix == ".ipynb" else "rename or convert it")
        raise BookError(f"tabbook builds pages written as MyST Markdown notebooks "
                        f"({', '.join(READERS)}), not {path.suffix or 'suffix-less'} files; "
                        f"{hint}", path=rel)
    return reader(path, root)


def read_book(root: Path) -> list[Page]:
    """Every page of ``_toc.yml`` in order (after checking the toc lists every chapter file)."""
    root = Path(root)
    return [read_source(root / rel, root) for rel in book_sources(root)]
