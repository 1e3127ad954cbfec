"""Cache keys hash content, not places: a copy of a book reuses the cache it brought."""

from __future__ import annotations

import shutil

from tabbook.stages.execute import cache_key, code_cells
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.sources.source import read_page
from tinybook import PAGE, REPO, TINYBOOK


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
