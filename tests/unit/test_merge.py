"""The merged notebook of a page, from hand-written executed runs: a golden file.

``tests/fixtures/tinybook/expected/merged.ipynb`` is what :func:`tabbook.stages.merge.merge`
makes of the tiny page and ``executed/<framework>.ipynb``. After an intended change,
regenerate it with ``UPDATE_GOLDEN=1 python -m pytest tests/unit/test_merge.py`` and
review the diff.
"""

from __future__ import annotations

import os

import nbformat
import pytest

from tabbook.core.errors import BookError
from tabbook.stages.merge import FW_TAG, PROSE_CLASS, framework_classes, framework_of_classes, merge
from tinybook import TINYBOOK, executed_runs, framework_names

GOLDEN = TINYBOOK / "expected" / "merged.ipynb"


def test_the_fixture_covers_every_framework(tiny_page):
    """A framework added to the table needs its run here: it cannot go untested."""
    assert sorted(executed_runs()) == sorted(framework_names())
    for name in framework_names():
        assert any(c.frameworks == (name,) for c in tiny_page.cells if c.kind == "code"), name


def test_golden(tiny_page):
    text = nbformat.writes(merge(tiny_page, executed_runs())) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_runs_follow_the_framework_table(tiny_page):
    nb = merge(tiny_page, executed_runs())
    nbformat.validate(nb)
    names = framework_names()
    tagged = [next((t for t in c.metadata.get("tags", []) if t.startswith("fw-")), None)
              for c in nb.cells]
    # the first run: one cell per framework, in table order
    first = [t for t in tagged if t][:len(names)]
    assert first == [FW_TAG.format(n) for n in names]
    # the shared cell that prints nothing is emitted once, untabbed
    shared = [c for c in nb.cells if c.cell_type == "code" and c.source == "x = 2"]
    assert len(shared) == 1 and "tags" not in shared[0].metadata
    # framework prose is wrapped in a container naming its framework
    prose = [c for c in nb.cells if PROSE_CLASS in c.source]
    assert len(prose) == 1 and framework_classes("jax")[1] in prose[0].source
    # the shared cell with output is tabbed: one copy per framework, each with its output
    results = [c for c in nb.cells if c.cell_type == "code" and c.source == "x * 3"]
    assert [c.metadata["tabbook"]["framework"] for c in results] == names
    assert all(c.outputs[0]["data"]["text/plain"] == "6" for c in results)


def test_class_convention_round_trips():
    for name in framework_names():
        for cls in framework_classes(name):
            assert framework_of_classes(["other", cls]) == name
    assert framework_of_classes(["tag_fw-nonesuch", "tabbook-fw"]) is None


def test_a_missing_run_is_an_error_naming_the_cell(tiny_page):
    runs = executed_runs()
    runs["jax"].cells.pop()
    with pytest.raises(BookError, match=r"chapter_demo/page.md:\d+, cell 10, framework jax: "
                                        r"no executed output"):
        merge(tiny_page, runs)
