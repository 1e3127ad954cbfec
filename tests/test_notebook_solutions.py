"""The Colab notebooks do not spoil the exercises, and speak the edition's language.

In the built notebooks of 4.3 (``_build/colab``, every framework, English and Chinese)
no solution sits under its exercise: under each exercise's try cell comes a note
saying where the solution is, and every solution (its heading, its prose, its checked
code) comes after a "Solutions" heading placed after the last exercise. The Chinese
notebooks set ``D2L_LANGUAGE`` so the checkers answer in Chinese.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from bookutil import REPO
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.sources.config import load_config
from tabbook.stages.colab import SOLUTIONS_ID, notebook_relpath, solution_pieces

PAGE = "chapter_linear-classification/classification"
TRY_RE = re.compile(r"^exercises\.check_\w+\(", re.M)
SOLVED_RE = re.compile(r"^assert exercises\.check_\w+\(", re.M)
HEAD = {"": "Solution to Exercise 4.3.", "zh/": "练习 4.3."}


def notebooks():
    cfg = load_config(REPO)
    root = REPO / cfg.colab_dir
    for lang_dir in ("", "zh/"):
        for fw in FRAMEWORKS:
            yield lang_dir, fw.name, root / notebook_relpath(fw.name, PAGE, lang_dir)


@pytest.mark.parametrize("lang_dir,framework,path", list(notebooks()),
                         ids=lambda v: str(v).strip("/") if not isinstance(v, Path) else "")
def test_no_solution_sits_under_its_exercise(built_html, lang_dir, framework, path):
    assert path.is_file(), f"{path} was not written: run `make html`"
    cells = nbformat.read(path, as_version=4).cells
    ids = [c.id for c in cells]
    assert ids.count(SOLUTIONS_ID) == 1, "one Solutions heading"
    heading = ids.index(SOLUTIONS_ID)
    tries = [i for i, c in enumerate(cells) if c.cell_type == "code" and TRY_RE.search(c.source)]
    solved = [i for i, c in enumerate(cells)
              if c.cell_type == "code" and SOLVED_RE.search(c.source)]
    notes = [i for i, c in enumerate(cells) if c.id.startswith("solution-note-")]
    assert len(tries) == 3 and len(notes) == 3, (tries, notes)
    # right under each exercise's try cell: the note, not the solution
    assert [i + 1 for i in tries] == notes
    assert max(tries) < heading, "the solutions come after the last exercise"
    assert solved and min(solved) > heading, "every checked solution is under Solutions"
    for i in range(heading):  # nothing of a solution before the heading
        src = cells[i].source
        assert "Solution to Exercise" not in src and "练习 4.3.1 的解答" not in src, (i, src[:200])
    # the solutions keep their order and their headings
    solution_heads = [i for i in range(heading, len(cells))
                      if cells[i].cell_type == "markdown" and "**" in cells[i].source
                      and ("Solution" in cells[i].source or "解答" in cells[i].source)]
    assert len(solution_heads) == 3, [cells[i].source[:80] for i in solution_heads]
    # the text says what the notebook does
    head = cells[heading].source
    assert head.startswith("## Solutions" if not lang_dir else "## 解答"), head
    assert ("gathered here" if not lang_dir else "集中放在这里") in head
    install = cells[1].source
    if lang_dir:
        assert 'os.environ["D2L_LANGUAGE"] = \'zh_CN\'' in install, install
    else:
        assert "D2L_LANGUAGE" not in install


def test_solution_pieces_cut_a_cell_where_solutions_start_and_end():
    text = ("Before.\n\n```{exercise-end}\n```\n\n```{solution-start} ex-1\n:class: dropdown\n"
            "```\n\nThe answer.\n\n```{solution-end}\n```\nAfter.")
    kinds = [k for k, _ in solution_pieces(text)]
    assert kinds == ["text", "start", "text", "end", "text"], solution_pieces(text)
    assert "".join(p for _, p in solution_pieces(text)).replace("\n", "") == text.replace("\n", "")
    assert solution_pieces("No solution here.") == [("text", "No solution here.")]
