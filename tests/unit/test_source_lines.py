"""Code that fits: every line of every code cell of the book's sources is at most 80
characters, the way the printed D2L keeps it (no sideways scrolling at 1280 px, no
lines cut in print)."""

from __future__ import annotations

from bookutil import REPO
from tabbook.sources.source import read_page
from tabbook.sources.toc import book_sources

MAX = 80


def long_lines(root=REPO, limit: int = MAX) -> list[str]:
    found = []
    for rel in book_sources(root):
        page = read_page(root / rel, root)
        for cell in page.cells:
            if cell.kind != "code":
                continue
            for offset, line in enumerate(cell.source.splitlines()):
                if len(line) > limit:
                    found.append(f"{rel}:{cell.line + offset}: {len(line)} characters: "
                                 f"{line[:60]}...")
    return found


def test_code_lines_fit_in_80_characters():
    found = long_lines()
    assert not found, f"code lines over {MAX} characters:\n" + "\n".join(found)


def test_the_check_reads_the_code_cells():
    """The same scan with a lower limit finds lines: it does read the cells' code."""
    assert any("classification.md" in f for f in long_lines(limit=60))
