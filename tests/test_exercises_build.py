"""The worked solutions are verified by the build: a broken one fails it, by name."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from bookutil import REPO, parsed_html
from tabbook.core.errors import BookError
from tabbook.core.frameworks import FRAMEWORKS, NAMES
from tabbook.sources.config import load_config
from tabbook.sources.envs import ensure_kernels
from tabbook.sources.source import read_page
from tabbook.stages.execute import execute_all

pytestmark = pytest.mark.book_build
PAGE = "chapter_linear-classification/classification.md"


def test_broken_reference_solution_fails_naming_the_exercise(tmp_path):
    """The page's solution cells run like any other: a wrong reference answer raises, and
    the error names the exercise, the page and the assertion. Run in this process by the
    code the build runs (a failing build's exit and unwritten page are checked end to end
    in test_build_failures.py), in one framework: the solution cell is every framework's."""
    book = tmp_path / "book"
    book.mkdir()
    for name in ("_config.yml", "pyproject.toml", "envs", "d2l"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, book / name)
    page = book / PAGE
    page.parent.mkdir(parents=True)
    text = (REPO / PAGE).read_text(encoding="utf-8")
    right = "return min(range(len(risks)), key=lambda j: risks[j])  # the argmin"
    assert right in text
    # the classic mistake: answer with the most probable class, ignoring the costs
    page.write_text(text.replace(right, "return max(range(len(p)), key=lambda j: p[j])"))
    cfg = dataclasses.replace(load_config(book), cache_dir=str(tmp_path / "cache"))
    with pytest.raises(BookError) as info:
        execute_all([read_page(page, book)], book, cfg, log=lambda *_: None,
                    frameworks=FRAMEWORKS[:1],
                    before_execute=lambda frameworks: ensure_kernels(book))
    out = str(info.value)
    assert "solution of ex-classification-3" in out
    assert f"{PAGE}:" in out and "AssertionError" in out


def test_solutions_are_collapsed_dropdowns_with_math_and_four_tabs(built_html):
    doc = parsed_html(built_html / PAGE.replace(".md", ".html"))  # (read only)
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
