"""A cell that raises, or hangs, fails the build and says exactly where.

One failing build runs end to end (``python -m tabbook html``: non-zero exit, the
message, no page written); the other faults are raised by the same code in this
process (:func:`tabbook.stages.execute.execute_all`,
:func:`tabbook.sources.source.read_page`), whose message the build prints as it is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookutil import REPO, build
from tabbook.core.errors import BookError
from tabbook.core.layout import Layout
from tabbook.sources.config import load_config
from tabbook.sources.envs import ensure_kernels
from tabbook.sources.source import read_page
from tabbook.stages.execute import execute_all

FIXTURE = Path(__file__).parent / "fixtures" / "failbook"
pytestmark = pytest.mark.book_build


def _failbook(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    shutil.copytree(FIXTURE, book)
    shutil.copytree(REPO / "envs", book / "envs")
    return book


def _execution_error(book: Path) -> str:
    """The error executing the failbook's page raises (what the build prints after
    ``[tabbook]``)."""
    cfg = load_config(book)
    page = read_page(book / "chapter_x" / "page.md", book)
    with pytest.raises(BookError) as info:
        execute_all([page], book, cfg, log=lambda *_: None,
                    before_execute=lambda frameworks: ensure_kernels(book))
    return str(info.value)


def test_raising_cell_fails_the_build_naming_file_cell_framework_exception(tmp_path):
    book = _failbook(tmp_path)
    res = build(book)
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    # the failing line, not the cell's first; the failing cell's number in the notebook
    assert "chapter_x/page.md:25, cell 4," in out
    assert "framework jax" in out
    assert "ZeroDivisionError: division by zero" in out
    assert "section 'Exercises'" in out
    assert not (Layout(book).html() / "chapter_x" / "page.html").exists()


def test_raises_exception_tag_allows_an_error(tmp_path):
    book = _failbook(tmp_path)
    page = book / "chapter_x" / "page.md"
    # what TensorFlow's C++ start-up logging does: write to the kernel's stderr directly
    noise = "import os\nos.write(2, b'kernel start-up noise\\n')\nx = 1"
    page.write_text(page.read_text().replace(
        "```{code-cell} ipython3\n%%tab jax\nz = x\ny = x / 0",
        "```{code-cell} ipython3\n:tags: [raises-exception]\n%%tab jax\nz = x\ny = x / 0")
        .replace("%%tab jax\nx = 1", "%%tab jax\n" + noise))
    res = build(book)
    out = res.stdout + res.stderr
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    html = (Layout(book).html() / "chapter_x" / "page.html").read_text()
    assert "ZeroDivisionError" in html
    # a quiet log: the kernel's own stderr and myst's settings stay out of it
    assert "kernel start-up noise" not in out and "ParserConfig(" not in out
    log = Layout(book).state / "kernel-logs" / "chapter_x" / "page.jax.log"
    assert "kernel start-up noise" in log.read_text()


def test_hanging_cell_fails_after_the_configured_timeout(tmp_path):
    book = _failbook(tmp_path)
    page = book / "chapter_x" / "page.md"
    page.write_text(page.read_text().replace("y = x / 0", "import time\ntime.sleep(600)"))
    cfg = book / "_config.yml"
    cfg.write_text(cfg.read_text().replace("timeout: 20", "timeout: 5"))
    out = _execution_error(book)
    assert "did not finish within 5 s" in out
    assert "chapter_x/page.md:" in out and "framework jax" in out


def test_unknown_framework_in_tab_line_fails_naming_the_line(tmp_path):
    book = _failbook(tmp_path)
    page = book / "chapter_x" / "page.md"
    page.write_text(page.read_text().replace("%%tab jax\nx = 1", "%%tab jaxx\nx = 1"))
    with pytest.raises(BookError) as info:
        read_page(page, book)
    out = str(info.value)
    assert "chapter_x/page.md:" in out and "unknown framework 'jaxx'" in out


def test_dying_kernel_fails_the_build_naming_the_cell(tmp_path):
    book = _failbook(tmp_path)
    page = book / "chapter_x" / "page.md"
    page.write_text(page.read_text().replace("y = x / 0", "import os\nos._exit(1)"))
    out = _execution_error(book)
    assert "the kernel died" in out
    assert "chapter_x/page.md:" in out and "cell 4" in out and "framework jax" in out
