"""A large image is named when the book is built (issue 28 item 9: a 50 MB image was
copied into both editions, 98 MB, without a word)."""

from __future__ import annotations

import io
import shutil

from tabbook.sources.config import BookConfig
from tabbook.sources.source import read_page
from tabbook.sphinxext import sphinx_ext
from tabbook.stages.execute import plan, store
from tinybook import CONF_PY, PAGE, REPO, TINYBOOK, executed_runs

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_large_image_is_named_with_its_page(tmp_path, monkeypatch):
    from sphinx.application import Sphinx

    monkeypatch.setattr(sphinx_ext, "LARGE_ASSET_BYTES", 50_000)  # (a 50 MB file, scaled)
    root = tmp_path / "book"
    shutil.copytree(TINYBOOK, root)
    shutil.copytree(REPO / "envs", root / "envs")
    (root / "conf.py").write_text(CONF_PY, encoding="utf-8")
    folder = root / "chapter_demo"
    (folder / "big.png").write_bytes(PNG + bytes(60_000))
    (folder / "small.png").write_bytes(PNG + bytes(1_000))
    page = folder / "page.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Prose that every framework shares.\n",
                                 "Prose that every framework shares.\n\n![A big one](big.png)"
                                 "\n\n![A small one](small.png)\n"), encoding="utf-8")
    runs = executed_runs()
    for run in plan([read_page(page, root)], root):
        run.notebook = runs[run.framework.name]
        store(run, root, BookConfig())
    status, warnings = io.StringIO(), io.StringIO()
    Sphinx(str(root), str(root), str(root / "_build" / "html"), str(root / "_build" / "doctrees"),
           "html", status=status, warning=warnings, freshenv=True).build()
    assert warnings.getvalue() == ""  # (a log line: a build with -W does not fail on it)
    lines = [ln for ln in status.getvalue().splitlines() if "[tabbook] warning:" in ln]
    assert len(lines) == 1, status.getvalue()
    assert lines[0].startswith("[tabbook] warning: chapter_demo/big.png (0.1 MB), used by "
                               "chapter_demo/page.md, is copied into the en edition"), lines
    assert "shrink it" in lines[0]
