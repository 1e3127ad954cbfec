"""A warning about a page cites the line of its file it is about (issue 28 item 9): the page
reaches Sphinx as the merged notebook, and myst-nb numbers a notebook's lines (cell + 1) *
10000 unless the notebook carries a source map (a page without a title was reported at
``classification.md:60003``, in a file of 950 lines)."""

from __future__ import annotations

import re

from tinybook import PAGE, build_tiny_copy


def _edit(text: str) -> str:
    assert "# A Tiny Page\n" in text and "Prose that only JAX readers see.\n" in text
    text = text.replace("# A Tiny Page\n", "")  # no title: its first heading is an H2
    text = text.replace("Prose that every framework shares.\n",  # in prose all frameworks share
                        "Prose that every framework shares, {nosuchrole}`y`.\n")
    return text.replace("Prose that only JAX readers see.\n",  # in a framework's prose
                        "Prose that only JAX readers see.\n\nA {nosuchrole}`x` here.\n")


def test_warnings_cite_the_lines_of_the_page(tmp_path):
    built = build_tiny_copy(tmp_path / "book", _edit)
    cited = re.findall(rf"{re.escape(PAGE)}:(\d+): WARNING: ([^\n]*)", built.warnings)
    assert len(cited) == 3, built.warnings
    lines = (built.root / PAGE).read_text(encoding="utf-8").splitlines()
    for line, message in cited:
        assert 1 <= int(line) <= len(lines), (line, message)
        shown = lines[int(line) - 1]
        if "headings start at H2" in message:
            assert shown == "## A Subsection", (line, shown)
        else:
            assert "nosuchrole" in message and "{nosuchrole}" in shown, (line, message, shown)
    assert sum("nosuchrole" in message for _, message in cited) == 2
