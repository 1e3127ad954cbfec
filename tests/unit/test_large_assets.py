"""A large image is named when the book is built (issue 28 item 9: a 50 MB image was
copied into both editions, 98 MB, without a word)."""

from __future__ import annotations

from tabbook.sphinxext import sphinx_ext
from tinybook import build_tiny_copy

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_large_image_is_named_with_its_page(tmp_path, monkeypatch):
    monkeypatch.setattr(sphinx_ext, "LARGE_ASSET_BYTES", 50_000)  # (a 50 MB file, scaled)
    built = build_tiny_copy(
        tmp_path / "book",
        lambda text: text.replace("Prose that every framework shares.\n",
                                  "Prose that every framework shares.\n\n![A big one](big.png)"
                                  "\n\n![A small one](small.png)\n"),
        files={"chapter_demo/big.png": PNG + bytes(60_000),
               "chapter_demo/small.png": PNG + bytes(1_000)})
    assert built.warnings == ""  # (a log line: a build with -W does not fail on it)
    lines = [ln for ln in built.status.splitlines() if "[tabbook] warning:" in ln]
    assert len(lines) == 1, built.status
    assert lines[0].startswith("[tabbook] warning: chapter_demo/big.png (0.1 MB), used by "
                               "chapter_demo/page.md, is copied into the en edition"), lines
    assert "shrink it" in lines[0]
