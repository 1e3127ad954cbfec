"""The in-page runner with the keyboard alone, and the book's own answers in it (issue 31).

* The code preview is a Tab stop (before Run), Enter opens the editor, typed code is
  run with Ctrl+Enter, Esc then Tab leaves the editor, and typing on a preview opens its
  editor with what was typed.
* The Python part of each exercise's worked solution (the solution's cell that asserts
  the self-check), pasted into the exercise's runner, passes, on the English and the
  Chinese page; what the page cannot do (NumPy, ``input()``) is said, with what to do
  instead, in the page's language.
"""

from __future__ import annotations

import re

import pytest

from browser_harness import PAGE_43, REPO, open_page
from test_tryit import EDITIONS, cell, editor_text, run, type_code, wait_result

pytestmark = pytest.mark.browser

SOURCE = REPO / "chapter_linear-classification" / "classification.md"
TYPED = ["def exact_loss(quick, last, n, batch_size):",
         "num_batches = -(-n // batch_size)",  # (indented by the editor; "/" stays in it)
         "return quick + (batch_size * num_batches - n) / n * (quick - last)"]


def solution_code(n: int) -> str:
    """The code of exercise ``n``'s solution cell that asserts its self-check."""
    text = SOURCE.read_text(encoding="utf-8")
    section = text.split(f"```{{solution-start}} ex-classification-{n + 1}")[1]
    section = section.split("```{solution-end}")[0]
    for code in re.findall(r"```\{code-cell\} ipython3\n(.*?)```", section, re.S):
        if "assert exercises.check_" in code:
            return code
    raise AssertionError(f"exercise {n + 1}'s solution has no self-check cell")


def active(page, js: str):
    return page.evaluate(f"() => {{ const a = document.activeElement; return {js}; }}")


def tab_to(page, selector: str, limit: int = 400) -> int:
    """Press Tab until ``selector`` has the focus; how many presses it took."""
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        if active(page, f"a && a.matches({selector!r})"):
            return count
    raise AssertionError(f"Tab never reached {selector}")


def test_an_answer_with_the_keyboard_alone(browse, server):
    context, log = browse()
    page = open_page(context, server.url(PAGE_43))
    first = "#" + cell(page, 0).get_attribute("id")
    tab_to(page, f"{first} .tabbook-tryit-preview")
    assert active(page, "a.getAttribute('role')") == "textbox"
    page.keyboard.press("Enter")  # opens the editor, the caret in it
    cell(page, 0).locator(".cm-editor").wait_for(timeout=20_000)
    page.wait_for_function("() => document.activeElement.classList.contains('cm-content')")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for i, line in enumerate(TYPED):
        page.keyboard.type(line)
        if i < len(TYPED) - 1:
            page.keyboard.press("Enter")
    assert editor_text(page, 0).startswith("def exact_loss(quick, last, n, batch_size):\n    ")
    page.keyboard.press("Control+Enter")
    result, status, output = wait_result(page, 0)
    assert result == "pass", (status, output)
    # Esc, then Tab, leaves the editor: to the cell's Run, which Enter presses
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert active(page, f"a.matches('{first} .tabbook-tryit-run')"), active(page, "a.outerHTML")
    cell(page, 0).evaluate("el => delete el.querySelector('.tabbook-tryit-status')"
                           ".dataset.result")
    page.keyboard.press("Enter")
    result, status, output = wait_result(page, 0)
    assert result == "pass", (status, output)
    # typing on the next exercise's preview opens its editor with what was typed
    second = "#" + cell(page, 1).get_attribute("id")
    tab_to(page, f"{second} .tabbook-tryit-preview")
    page.keyboard.type("#")
    cell(page, 1).locator(".cm-editor").wait_for(timeout=20_000)
    page.wait_for_function("() => document.activeElement.classList.contains('cm-content')")
    assert editor_text(page, 1).endswith("#"), editor_text(page, 1)
    browse.assert_clean(log)


@pytest.mark.parametrize("n", range(3))
def test_the_book_s_solution_passes_in_the_page(browse, server, edition, n):
    code = solution_code(n)
    assert "numpy" not in code  # (the page has none)
    context, log = browse()
    page = open_page(context, server.url(EDITIONS[edition]["prefix"] + PAGE_43))
    type_code(page, n, code)
    result, status, output = run(page, n)
    assert result == "pass", (status, output)
    assert EDITIONS[edition]["pass"] in output and "FAIL" not in output, output
    browse.assert_clean(log)


CANNOT = {"en": ["numpy is not available in this page", "open the notebook in Colab",
                  "input() cannot read from the keyboard"],
          "zh": ["本页面只运行纯Python，没有numpy", "在Colab中打开笔记本",
                 "input()无法从键盘读取输入"]}


def test_what_the_page_cannot_do_is_said_with_what_to_do(browse, server, edition):
    context, log = browse()
    page = open_page(context, server.url(EDITIONS[edition]["prefix"] + PAGE_43))
    outputs = []
    for code in ("import numpy as np\n", "n = int(input('n? '))\n"):
        type_code(page, 2, code)
        result, status, output = run(page, 2)
        assert result == "error", (status, output)
        outputs.append(output)
    both = "\n".join(outputs)
    for words in CANNOT[edition]:
        assert words in both, both
    assert "Errno 29" not in both and "d2l/inpage.py" not in both, both
    browse.assert_clean(log)


@pytest.fixture(params=sorted(EDITIONS))
def edition(request, book_html):
    if not (book_html / EDITIONS[request.param]["prefix"] / PAGE_43).is_file():
        pytest.fail(f"the {request.param} 4.3 page is not built: run `make html`", pytrace=False)
    return request.param
