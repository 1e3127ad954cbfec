"""The worked solutions are verified by the build: a broken one fails it, by name."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from bookutil import build, copy_book

from tabbook.frameworks import NAMES

pytestmark = pytest.mark.book_build
PAGE = "chapter_linear-classification/classification.md"


def test_broken_reference_solution_fails_the_build_naming_the_exercise(tmp_path, built_html):
    book = copy_book(tmp_path)
    page = book / PAGE
    text = page.read_text()
    right = "return int(numpy.argmin(risks))"
    assert right in text
    # the classic mistake: answer with the most probable class, ignoring the costs
    page.write_text(text.replace(right, "return int(numpy.argmax(numpy.asarray(p)))"))
    res = build(book)
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert "solution of ex-classification-3" in out
    assert f"{PAGE}:" in out and "AssertionError" in out
    assert not (book / "_build" / "html" / PAGE.replace(".md", ".html")).exists()


def test_solutions_are_collapsed_dropdowns_with_math_and_four_tabs(built_html):
    doc = BeautifulSoup((built_html / PAGE.replace(".md", ".html")).read_text(), "html.parser")
    exercises = doc.select("div.exercise")
    solutions = doc.select("div.solution")
    assert len(exercises) == 3 and len(solutions) == 3
    for sol in solutions:
        assert "dropdown" in sol["class"]  # sphinx-togglebutton collapses it until clicked
        assert sol.select(".math"), "the derivation has no math"
        labels = [lb["data-sync-id"] for lb in sol.select("label.sd-tab-label")]
        assert set(NAMES) <= set(labels)
        # at least one tab-set where every framework shows its executed verification
        assert any(len(ts.select(":scope > .sd-tab-content")) == len(NAMES)
                   and all(c.select(".cell_output")
                           for c in ts.select(":scope > .sd-tab-content"))
                   for ts in sol.select("div.sd-tab-set")), "no executed output in the tabs"
    # the try-it cells are shown, never executed into the page
    for ex in exercises:
        tryit = ex.select(".cell.tag_skip-execution")
        assert tryit and not tryit[0].select(".cell_output")
