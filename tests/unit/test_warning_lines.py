"""A warning about a page cites the line of its file it is about (issue 28 item 9): the page
reaches Sphinx as the merged notebook, and myst-nb numbers a notebook's lines (cell + 1) *
10000 unless the notebook carries a source map (a page without a title was reported at
``classification.md:60003``, in a file of 950 lines)."""

from __future__ import annotations

import io
import re
import shutil

from tabbook.sources.config import BookConfig
from tabbook.sources.source import read_page
from tabbook.stages.execute import plan, store
from tinybook import CONF_PY, PAGE, REPO, TINYBOOK, executed_runs


def test_warnings_cite_the_lines_of_the_page(tmp_path):
    from sphinx.application import Sphinx

    root = tmp_path / "book"
    shutil.copytree(TINYBOOK, root)
    shutil.copytree(REPO / "envs", root / "envs")
    (root / "conf.py").write_text(CONF_PY, encoding="utf-8")
    path = root / PAGE
    text = path.read_text(encoding="utf-8")
    assert "# A Tiny Page\n" in text and "Prose that only JAX readers see.\n" in text
    text = text.replace("# A Tiny Page\n", "")  # no title: its first heading is an H2
    text = text.replace("Prose that every framework shares.\n",  # in prose all frameworks share
                        "Prose that every framework shares, {nosuchrole}`y`.\n")
    text = text.replace("Prose that only JAX readers see.\n",  # in a framework's prose
                        "Prose that only JAX readers see.\n\nA {nosuchrole}`x` here.\n")
    path.write_text(text, encoding="utf-8")
    page = read_page(path, root)
    runs = executed_runs()
    for run in plan([page], root):
        run.notebook = runs[run.framework.name]
        store(run, root, BookConfig())
    warnings = io.StringIO()
    Sphinx(str(root), str(root), str(root / "_build" / "html"), str(root / "_build" / "doctrees"),
           "html", status=io.StringIO(), warning=warnings, freshenv=True).build()
    cited = re.findall(rf"{re.escape(PAGE)}:(\d+): WARNING: ([^\n]*)", warnings.getvalue())
    assert len(cited) == 3, warnings.getvalue()
    lines = text.splitlines()
    for line, message in cited:
        assert 1 <= int(line) <= len(lines), (line, message)
        shown = lines[int(line) - 1]
        if "headings start at H2" in message:
            assert shown == "## A Subsection", (line, shown)
        else:
            assert "nosuchrole" in message and "{nosuchrole}" in shown, (line, message, shown)
    assert sum("nosuchrole" in message for _, message in cited) == 2
