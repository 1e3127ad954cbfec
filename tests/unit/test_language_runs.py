"""The exercise checks' outputs in each edition's language (tabbook.stages.language_runs),
on a small book with the real d2l library and its Chinese catalog: the check cells run again
in plain Python, never a framework's code; their English must be what the framework runs
printed; the outputs are cached under keys that name the language; a cell that needs more
than plain Python fails the build, naming it.

The framework runs are written here as a kernel writes them: the English that the book's own
checker prints for the cell (run in this process), with the run's other cells' outputs."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import shutil
from pathlib import Path

import nbformat
import pytest

from bookutil import REPO
from tabbook.core.errors import BookError
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.core.layout import DEFAULT_CACHE_DIR
from tabbook.sources.config import BookConfig
from tabbook.sources.source import read_page
from tabbook.stages import language_runs
from tabbook.stages.cache import Run, cache_key, cache_path, framework_notebook
from tabbook.stages.language_runs import language_cells, language_key, localize
from tabbook.stages.tryit import compile_catalogs

SOLUTION = '''\
from d2l import exercises

def exact_loss(quick, last, n, batch_size):
    num_batches = -(-n // batch_size)
    return quick + (batch_size * num_batches - n) / n * (quick - last)

assert exercises.check_exact_loss(exact_loss)'''
PAGE = f'''\
---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Checks

```{{code-cell}} ipython3
%%tab pytorch
import torch
print(torch.zeros(1))
```

```{{code-cell}} ipython3
:tags: [skip-execution]

from d2l import exercises

def exact_loss(quick, last, n, batch_size):
    ...

exercises.check_exact_loss(exact_loss)
```

```{{code-cell}} ipython3
{SOLUTION}
```
'''


def _english(source: str) -> str:
    """What the cell prints in English: the book's checker, run here."""
    import d2l.exercises as exercises

    exercises.set_language("en")
    namespace, out = {"__name__": "__main__"}, io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(source, namespace)
    return out.getvalue()


@pytest.fixture()
def book(tmp_path):
    root = tmp_path / "book"
    (root / "d2l").mkdir(parents=True)
    for name in ("__init__.py", "exercises.py"):
        shutil.copy2(REPO / "d2l" / name, root / "d2l" / name)
    shutil.copytree(REPO / "d2l" / "locales", root / "d2l" / "locales",
                    ignore=shutil.ignore_patterns("*.mo"))
    compile_catalogs(root / "d2l")  # (as `make lib` does)
    shutil.copytree(REPO / "envs", root / "envs")  # (the framework runs' keys read them)
    (root / "chapter").mkdir()
    (root / "chapter" / "page.md").write_text(PAGE, encoding="utf-8")
    return root


def _runs(page, root: Path, printed: str | None = None) -> dict:
    """Each framework's run as its kernel wrote it: the check cell printed ``printed``
    (the English checker's output unless given), the framework's own cell something."""
    runs = {}
    for fw in FRAMEWORKS:
        nb = framework_notebook(page, fw)
        for cell in nb.cells:
            text = (_english(SOLUTION) if printed is None else printed) \
                if "assert exercises" in cell.source else "tensor([0.])\n"
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        runs[(page.docname, fw.name)] = Run(page, fw, cache_key(page, fw, root), notebook=nb)
    return runs


def _cfg(root: Path) -> BookConfig:
    return dataclasses.replace(BookConfig(), cache_dir=str(root / DEFAULT_CACHE_DIR))


def test_the_checks_print_chinese_and_nothing_else_changes(book):
    page = read_page(book / "chapter" / "page.md", book)
    assert [c.index for c in language_cells(page)] == [page.cells[-1].index]
    runs, cfg = _runs(page, book), _cfg(book)
    before = copy.deepcopy({k: r.notebook for k, r in runs.items()})
    logged = []
    zh, used = localize([page], runs, book, cfg, "zh_CN", log=logged.append)
    assert {k: r.notebook for k, r in runs.items()} == before  # (copies: the runs as they were)
    assert [u.language for u in used] == ["en", "zh_CN"] and not any(u.cached for u in used)
    assert len(logged) == 2 and all("plain Python" in line for line in logged)
    for key, run in zh.items():
        check, other = run.notebook.cells[-1], run.notebook.cells[0]
        said = "".join(o["text"] for o in check.outputs)
        assert said.startswith("通过（PASS）check_exact_loss：exact_loss在") and "PASS " not in said
        assert other.outputs == before[key].cells[0].outputs  # the framework's own output
        assert run.key == runs[key].key and run.framework is runs[key].framework
    # each language run is one cache entry, its key naming the language
    for run in used:
        assert cache_path(book, cfg, run.key).is_file()
    assert used[0].key == language_key(page, language_cells(page), "en", book) != used[1].key


def test_a_second_build_takes_them_from_the_cache_and_a_catalog_edit_runs_them_again(book):
    page = read_page(book / "chapter" / "page.md", book)
    cfg = _cfg(book)
    localize([page], _runs(page, book), book, cfg, "zh_CN")
    logged = []
    _, used = localize([page], _runs(page, book), book, cfg, "zh_CN", log=logged.append)
    assert all(u.cached for u in used) and logged == []
    # a prose edit (outside the check cells) keeps the keys; the Chinese catalog changes one
    text = (book / "chapter" / "page.md").read_text(encoding="utf-8")
    (book / "chapter" / "page.md").write_text(text.replace("# Checks", "# The checks"),
                                              encoding="utf-8")
    page = read_page(book / "chapter" / "page.md", book)
    _, again = localize([page], _runs(page, book), book, cfg, "zh_CN")
    assert [u.key for u in again] == [u.key for u in used] and all(u.cached for u in again)
    po = book / "d2l" / "locales" / "zh_CN" / "LC_MESSAGES" / "d2l.po"
    po.write_text(po.read_text(encoding="utf-8").replace("都正确。", "全都正确。"),
                  encoding="utf-8")
    compile_catalogs(book / "d2l")
    zh, edited = localize([page], _runs(page, book), book, cfg, "zh_CN")
    assert edited[0].key == used[0].key and edited[0].cached  # (English: the same)
    assert edited[1].key != used[1].key and not edited[1].cached
    said = zh[(page.docname, "jax")].notebook.cells[-1].outputs[0]["text"]
    assert "全都正确。" in said


def test_a_damaged_entry_is_a_miss(book):
    page = read_page(book / "chapter" / "page.md", book)
    cfg = _cfg(book)
    _, used = localize([page], _runs(page, book), book, cfg, "zh_CN")
    path = cache_path(book, cfg, used[1].key)
    path.write_text(path.read_text(encoding="utf-8").replace("通过", "失败"), encoding="utf-8")
    logged = []
    zh, again = localize([page], _runs(page, book), book, cfg, "zh_CN", log=logged.append)
    assert not again[1].cached and any("corrupt" in line for line in logged), logged
    assert "通过（PASS）" in zh[(page.docname, "mxnet")].notebook.cells[-1].outputs[0]["text"]


def test_a_check_whose_framework_run_printed_otherwise_fails_naming_the_cell(book):
    page = read_page(book / "chapter" / "page.md", book)
    with pytest.raises(BookError) as info:
        localize([page], _runs(page, book, printed="PASS something else\n"), book,
                 _cfg(book), "zh_CN")
    message = str(info.value)
    assert "chapter/page.md" in message and f"cell {page.cells[-1].index}" in message
    assert "plain Python" in message and "PyTorch" in message


def test_a_check_that_needs_a_framework_fails_and_runs_none(book):
    """A check cell that imports a framework: the language run refuses the import (the
    framework is never run a second time), and the build fails naming the cell."""
    text = (book / "chapter" / "page.md").read_text(encoding="utf-8")
    (book / "chapter" / "page.md").write_text(
        text.replace("assert exercises.check_exact_loss(exact_loss)",
                     "import torch\nassert exercises.check_exact_loss(exact_loss)"),
        encoding="utf-8")
    page = read_page(book / "chapter" / "page.md", book)
    assert language_runs.FRAMEWORK_MODULES and "torch" in language_runs.FRAMEWORK_MODULES
    with pytest.raises(BookError) as info:
        localize([page], _runs(page, book), book, _cfg(book), "zh_CN")
    message = str(info.value)
    assert "ModuleNotFoundError" in message and "torch" in message
    assert f"cell {page.cells[-1].index}" in message and "plain Python" in message
