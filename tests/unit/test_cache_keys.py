"""Cache keys hash content, not places: a copy of a book reuses the cache it brought."""

from __future__ import annotations

import shutil

from bookutil import REPO
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.sources.source import read_page
from tabbook.stages.cache import cache_key, code_cells
from tinybook import PAGE, TINYBOOK


def _book(dst):
    shutil.copytree(TINYBOOK, dst)
    shutil.copytree(REPO / "envs", dst / "envs")
    shutil.copytree(REPO / "d2l", dst / "d2l", ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def _keys(root):
    page = read_page(root / PAGE, root)
    return {fw.name: cache_key(page, fw, root) for fw in FRAMEWORKS if code_cells(page, fw)}


def test_a_copy_in_another_folder_has_the_same_keys(tmp_path):
    a, b = _book(tmp_path / "a"), _book(tmp_path / "elsewhere" / "b")
    keys = _keys(a)
    assert len(keys) == len(FRAMEWORKS)
    assert _keys(b) == keys


def test_a_code_edit_changes_only_its_frameworks_key(tmp_path):
    root = _book(tmp_path / "book")
    before = _keys(root)
    page = root / PAGE
    page.write_text(page.read_text().replace('print("only", "pytorch")', 'print("only", "torch")'))
    after = _keys(root)
    assert [fw for fw in before if before[fw] != after[fw]] == ["pytorch"]


def test_renaming_a_page_changes_no_key(tmp_path):
    """Issue 28 item 10: the library names the pages it comes from (its first line, and a
    comment per definition); renaming a page regenerates it, and no run's key changes, so
    nothing executes again (the renamed page's code and folder are the same)."""
    from tabbook.sources.book import read_book
    from tabbook.stages.cache import plan
    from tabbook.stages.extract import write_library

    root = tmp_path / "book"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml", "index.md", "pyproject.toml", "envs", "d2l",
                 "chapter_linear-regression", "chapter_linear-classification"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, root / name)

    def keys():
        return {(r.page.docname.rsplit("/", 1)[0], r.framework.name, r.key)
                for r in plan(read_book(root), root)}

    write_library(root)
    before = keys()
    lib = {p.name: p.read_text() for p in (root / "d2l").glob("*.py")}
    old = root / "chapter_linear-regression" / "oo-design.md"
    old.rename(old.with_name("object-oriented-design.md"))
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text().replace("chapter_linear-regression/oo-design\n",
                                           "chapter_linear-regression/object-oriented-design\n"))
    write_library(root)
    renamed = {p.name: p.read_text() for p in (root / "d2l").glob("*.py")}
    assert renamed["torch.py"] != lib["torch.py"]  # the library names the new page
    assert "object-oriented-design.md" in renamed["torch.py"].splitlines()[0]
    assert len(before) == 8 and keys() == before
