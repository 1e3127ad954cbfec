"""Stale pages (issue 16, items 1-6) on the tiny book: what a page shows follows content
hashes, never modification times, in the English and the Chinese edition.

Each build is Sphinx in this process, incremental (the environment of the previous
build is kept), from prepared runs: a case that changes a page's runs writes the new
runs into the cache under the keys the build computes, as a kernel would (no kernel runs
here). After each case the page shows the new content in both editions and in its
notebook, and a second build reads and writes nothing.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
from pathlib import Path

import pytest

from bookutil import colab_dir
from tabbook.core.errors import BookError
from tabbook.core.layout import BUILD_DIR, Layout
from tabbook.core.outputs import guard_outputs
from tabbook.sources.config import BookConfig
from tabbook.sources.i18n import TRANSLATIONS
from tabbook.sources.source import read_page
from tabbook.stages.cache import cache_key, cached_runs, load_cached, plan, store
from tabbook.stages.extract import write_library
from tabbook.stages.freshness import input_stamp
from tinybook import PAGE, REPO, TINYBOOK, copy_tiny_book, executed_runs, sphinx_build

ZH = TRANSLATIONS[0]
DOC = "chapter_demo/page"
OLD = 946684800  # 2000-01-01: what `cp -p`, `tar` or a checkout may leave as an mtime
PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: zh_CN\\n"

msgid "A Tiny Page"
msgstr "{title}"
'''


def _prepare_runs(root: Path, change=None) -> None:
    """The hand-written runs, as the cache entries of the page's current keys (``change``:
    a function applied to each run first, as if it had executed again)."""
    page = read_page(root / PAGE, root)
    runs = executed_runs()
    for run in plan([page], root):
        nb = runs[run.framework.name]
        if change is not None:
            change(nb)
        run.notebook = nb
        store(run, root, BookConfig())  # stamped, as a build stores what it executed


def _build(root: Path, edition=None) -> str:
    """One incremental Sphinx build of an edition in this process, as ``make html`` runs it
    (:func:`tinybook.sphinx_build`); its status output."""
    from sphinx import locale

    # Sphinx keeps its translators in the process, and gettext the catalogs it read: the
    # Chinese build's would translate the next English build's defaults, and a catalog
    # compiled again would not be read again (`make html` runs each edition in a process)
    locale.translators.clear()
    gettext._translations.clear()
    try:
        built = sphinx_build(root, edition)
    finally:  # (and the next app in the process, another test's, starts in English)
        locale.translators.clear()
        gettext._translations.clear()
    # (a second Sphinx in one process registers the same nodes and roles again: said once)
    problems = [ln for ln in built.warnings.splitlines()
                if "is already registered" not in ln]
    assert not problems, built.warnings
    assert "[tabbook] executed" not in built.status
    return built.status


def _build_both(root: Path) -> tuple[str, str]:
    return _build(root), _build(root, ZH)


def _page(root: Path, edition=None) -> str:
    return (Layout(root).html(edition) / f"{DOC}.html").read_text(encoding="utf-8")


def _outputs(root: Path) -> dict[Path, tuple[int, bytes]]:
    """Every file a build wrote (HTML, notebooks, compiled catalogs): mtime and bytes."""
    build = Layout(root).build
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in build.rglob("*")
            if p.is_file() and p.suffix in (".html", ".ipynb", ".mo")}


def _assert_second_build_does_nothing(root: Path) -> None:
    before = _outputs(root)
    for status in _build_both(root):
        assert "0 added, 0 changed, 0 removed" in status, status
        assert not _read_pages(status) and "no targets are out of date" in status, status
    assert _outputs(root) == before


def _read_pages(status: str) -> bool:
    return re.search(r"reading sources\.\.\. \[\s*\d+%\] " + DOC + "\n", status) is not None


def _notebook(root: Path, framework: str = "pytorch", lang_dir: str = "") -> str:
    return (colab_dir(root) / lang_dir / framework / "chapter_demo"
            / "page.ipynb").read_text(encoding="utf-8")


@pytest.fixture
def book(tmp_path) -> Path:
    """The tiny book with a Chinese catalog, built once in both editions."""
    root = copy_tiny_book(tmp_path / "book")
    po = root / "locales" / "zh_CN" / "LC_MESSAGES" / f"{DOC}.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO.format(title="一个小页面"), encoding="utf-8")
    _build_both(root)
    assert "一个小页面" in _page(root, ZH)
    return root


def test_a_page_whose_runs_changed_is_rebuilt_in_every_edition(book):
    """Item 1: the library changed (another page's ``#@save`` code): the page's runs are
    new, its source is not."""
    (book / "d2l").mkdir(exist_ok=True)  # (the copy has the repository's library)
    (book / "d2l" / "extra.py").write_text("ANSWER = 42\n")  # every framework imports it

    def answer(nb):
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if "text" in out:
                    out["text"] = out["text"].replace(" 2\n", " 42\n")
    _prepare_runs(book, answer)
    en, zh = _build_both(book)
    assert _read_pages(en) and _read_pages(zh), en + zh
    for edition in (None, ZH):
        assert "pytorch 42" in _page(book, edition) and "pytorch 2\n" not in _page(book, edition)
    assert "pytorch 42" in _notebook(book) and "pytorch 42" in _notebook(book, lang_dir="zh")
    _assert_second_build_does_nothing(book)


def test_an_edit_with_an_older_mtime_is_rebuilt(book):
    """Item 2: a page and a catalog edited, then given an old mtime (`cp -p`, `tar`...)."""
    md = book / PAGE
    md.write_text(md.read_text().replace("Prose that every framework shares.",
                                         "Prose, edited in the past."))
    po = book / "locales" / "zh_CN" / "LC_MESSAGES" / f"{DOC}.po"
    po.write_text(PO.format(title="小小的一页"), encoding="utf-8")
    for path in (md, po):
        os.utime(path, (OLD, OLD))
    en, zh = _build_both(book)
    assert _read_pages(en) and _read_pages(zh)
    assert "Prose, edited in the past." in _page(book)
    assert "Prose, edited in the past." in _page(book, ZH)
    assert "小小的一页" in _page(book, ZH) and "一个小页面" not in _page(book, ZH)
    _assert_second_build_does_nothing(book)


def test_only_the_catalogs_of_this_build_translate(book):
    """Item 3: a compiled catalog left in the source tree, its .po deleted, translates
    nothing; builds write no .mo into the source tree."""
    assert not list((book / "locales").rglob("*.mo"))
    mo = Layout(book).book_locale / "zh_CN" / "LC_MESSAGES" / f"{DOC}.mo"
    assert mo.is_file()  # compiled under _build
    po = book / "locales" / "zh_CN" / "LC_MESSAGES" / f"{DOC}.po"
    shutil.copy2(mo, po.with_suffix(".mo"))  # what Sphinx used to leave next to the .po
    po.unlink()
    _, zh = _build_both(book)
    assert _read_pages(zh)
    assert "一个小页面" not in _page(book, ZH) and "A Tiny Page" in _page(book, ZH)
    assert not mo.exists()  # the compiled copy of a deleted catalog is gone too
    _assert_second_build_does_nothing(book)


def test_environment_variables_that_reach_the_output_are_in_the_stamp(book, monkeypatch):
    """Item 4: `$TABBOOK_D2L_PACKAGE` goes into every notebook's install cell."""
    monkeypatch.delenv("TABBOOK_D2L_PACKAGE", raising=False)
    without = input_stamp(book)
    assert input_stamp(book) == without
    monkeypatch.setenv("TABBOOK_D2L_PACKAGE", "d2l-tiny==1.2.3")
    assert input_stamp(book) != without
    _build_both(book)
    assert "d2l-tiny==1.2.3" in _notebook(book)
    assert "d2l-tiny==1.2.3" in _notebook(book, lang_dir="zh")
    monkeypatch.delenv("TABBOOK_D2L_PACKAGE")
    assert input_stamp(book) == without
    _build_both(book)
    assert "d2l-tiny==1.2.3" not in _notebook(book)
    assert "d2l-tiny==1.2.3" not in _notebook(book, lang_dir="zh")


def test_a_cached_run_keeps_its_caps_as_they_were(book):
    """Item 5: outputs are capped once, when the run executes; reading the cached run
    (the Chinese edition, the notebooks, every later build) does not cap it again."""
    page = read_page(book / PAGE, book)
    run = next(r for r in plan([page], book) if r.framework.name == "pytorch")
    nb = executed_runs()["pytorch"]
    nb.cells[1].outputs[0]["text"] = "x" * 5_000_000 + "\n"
    guard_outputs(nb, secrets={})  # as _execute does
    text = nb.cells[1].outputs[0]["text"]
    note = nb.cells[1].metadata["tabbook"]["guarded"]
    assert "4,995,000 characters of this line omitted" in text
    assert "4,995,000 characters omitted" in note
    run.notebook = nb
    store(run, book, BookConfig())
    assert load_cached(run, book, BookConfig(), log=lambda msg: None)
    assert run.notebook.cells[1].outputs[0]["text"] == text
    assert run.notebook.cells[1].metadata["tabbook"]["guarded"] == note
    again = cached_runs([page], book, BookConfig())[(DOC, "pytorch")]
    assert again.cells[1].outputs[0]["text"] == text
    en, zh = _build_both(book)
    for edition in (None, ZH):
        assert "4,995,000 characters of this line omitted" in _page(book, edition)
    assert "4,995,000 characters of this line omitted" in _notebook(book, lang_dir="zh")


SAVE_PAGE = """\
---
section_number: "7.2"
---

(sec_tiny)=
# A Tiny Page

```{code-cell} ipython3
%%tab jax
def double(x):  #@save
    return 2 * x
```

```{code-cell} ipython3
%%tab jax
print(double(21))
```
"""


def test_a_prose_cell_above_saved_code_executes_nothing(tmp_path):
    """Item 6: a framework's prose cell shifts the library's "cell N" comments, not the
    runs' cache keys."""
    root = tmp_path / "book"
    shutil.copytree(TINYBOOK, root)
    shutil.copytree(REPO / "envs", root / "envs")
    (root / PAGE).write_text(SAVE_PAGE)
    write_library(root, None)
    lib = (root / "d2l" / "jax.py").read_text()
    assert "chapter_demo/page.md cell 2" in lib
    before = {r.framework.name: r.key for r in plan([read_page(root / PAGE, root)], root)}
    (root / PAGE).write_text(SAVE_PAGE.replace(
        "# A Tiny Page\n", '# A Tiny Page\n\n+++ {"tab": "jax"}\n\nJAX readers see this.\n\n+++\n'))
    write_library(root, None)
    assert (root / "d2l" / "jax.py").read_text() != lib  # the comment moved to "cell 3"
    assert "chapter_demo/page.md cell 3" in (root / "d2l" / "jax.py").read_text()
    after = {r.framework.name: r.key for r in plan([read_page(root / PAGE, root)], root)}
    assert after == before
    # the code itself is part of the key
    (root / PAGE).write_text(SAVE_PAGE.replace("2 * x", "x + x"))
    write_library(root, None)
    changed = {r.framework.name: r.key for r in plan([read_page(root / PAGE, root)], root)}
    assert changed["jax"] != before["jax"]


def test_files_a_page_declares_are_part_of_its_runs_keys(tmp_path):
    """Item 6: a cell that reads a data file next to the page re-executes when it changes."""
    root = tmp_path / "book"
    shutil.copytree(TINYBOOK, root)
    shutil.copytree(REPO / "envs", root / "envs")
    md = root / PAGE
    depends = 'section_number: "7.2"\ntabbook:\n  depends: [data.csv]\n'
    md.write_text(md.read_text().replace('section_number: "7.2"\n', depends))
    data = root / "chapter_demo" / "data.csv"
    data.write_text("a,b\n1,2\n")

    def keys():
        page = read_page(md, root)
        assert page.depends == ("data.csv",)
        return {r.framework.name: cache_key(page, r.framework, root) for r in plan([page], root)}
    first = keys()
    assert keys() == first
    data.write_text("a,b\n1,3\n")
    second = keys()
    assert all(second[name] != first[name] for name in first)
    data.unlink()
    with pytest.raises(BookError) as err:
        read_page(md, root)
    assert "data.csv" in str(err.value) and f"{PAGE}:4:" in str(err.value)  # the depends: line


@pytest.mark.parametrize("value", ["data.csv", "[../../outside.csv]", "[1]", "{other: 1}"])
def test_bad_dependency_lists_are_refused(tmp_path, value):
    root = tmp_path / "book"
    shutil.copytree(TINYBOOK, root)
    (tmp_path / "outside.csv").write_text("x")
    md = root / PAGE
    key = "tabbook: " + value if value.startswith("{") else f"tabbook:\n  depends: {value}"
    md.write_text(md.read_text().replace('section_number: "7.2"\n',
                                         f'section_number: "7.2"\n{key}\n'))
    with pytest.raises(BookError) as err:
        read_page(md, root)
    assert PAGE in str(err.value) and "tabbook" in str(err.value)


# -- issue 17: one module owns the build folder's layout -----------------------------------

def test_only_the_layout_module_spells_the_build_folder():
    """Every path under the build folder comes from tabbook/core/layout.py."""
    spelled = re.compile(rf"(?<![\w]){re.escape(BUILD_DIR)}(?![\w])")
    offenders = [f"{path.relative_to(REPO)}:{n}: {line.strip()}"
                 for path in sorted((REPO / "tabbook").rglob("*.py"))
                 if path.name != "layout.py"
                 for n, line in enumerate(path.read_text().splitlines(), start=1)
                 if spelled.search(line)]
    assert not offenders, "\n".join(offenders)


def test_nothing_but_the_site_is_in_the_site(book):
    """The staged KaTeX and myst-nb's intermediates stay out of every edition's
    folder (a translated edition's outdir parent is the site itself)."""
    site = Layout(book).html_root
    assert not (site / ".vendor").exists() and not list(site.rglob("node_modules"))
    assert not (site / "jupyter_execute").exists() and not (site / ".jupyter_cache").exists()
    assert (Layout(book).notebook_outputs(ZH)).is_dir()


def test_an_image_of_the_page_replaced_with_an_older_mtime_is_copied_again(book):
    """Item 2, for a file the page shows (a figure): its content, not its mtime, counts."""
    md = book / PAGE
    (book / "chapter_demo" / "figure.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>one</title></svg>')
    shared = "Prose that every framework shares."
    md.write_text(md.read_text().replace(shared, shared + "\n\n![A figure](figure.svg)"))
    _build_both(book)
    copied = Layout(book).html() / "_images" / "figure.svg"
    assert "<title>one</title>" in copied.read_text()
    figure = book / "chapter_demo" / "figure.svg"
    figure.write_text(figure.read_text().replace("one", "two"))
    os.utime(figure, (OLD, OLD))
    en, zh = _build_both(book)
    assert _read_pages(en) and _read_pages(zh)
    assert "<title>two</title>" in copied.read_text()
    assert "<title>two</title>" in (Layout(book).html(ZH) / "_images" / "figure.svg").read_text()
    _assert_second_build_does_nothing(book)


def test_the_build_writes_the_notebooks_once_and_make_colab_checks_them(book):
    """Issue 29: the Colab notebooks are the build's (in tabbook.colab_dir and each edition's
    ``_colab/``), noted among its outputs (a missing one rebuilds); `make colab`
    (``check_colab``) writes nothing and names a notebook that is not what the execution
    cache gives, or that is gone."""
    from tabbook.stages.colab import HTML_DIR, check_colab
    from tabbook.stages.freshness import expected_outputs, missing_outputs

    layout = Layout(book)
    before = _outputs(book)
    paths = check_colab(book)
    assert _outputs(book) == before  # nothing written
    folders = [layout.build / "colab", layout.html() / HTML_DIR, layout.html(ZH) / HTML_DIR]
    assert set(paths) == {p for f in folders for p in f.rglob("*.ipynb")}
    assert len(paths) == 2 * 2 * len(executed_runs())  # (two folders, two editions)
    outputs = expected_outputs(book, ["en", ZH.language])
    assert {book / rel for rel, what in outputs.items() if "Colab" in what} == set(paths)
    edited = layout.html(ZH) / HTML_DIR / "jax" / f"{DOC}.ipynb"
    edited.write_text(edited.read_text(encoding="utf-8").replace("jax", "JAX"), encoding="utf-8")
    with pytest.raises(BookError, match="is not what the build wrote") as info:
        check_colab(book)
    assert str(edited) in str(info.value)
    edited.unlink()
    with pytest.raises(BookError, match="is missing"):
        check_colab(book)
    assert missing_outputs(book, outputs) == [f"the Colab notebook of {PAGE} [jax]"]
