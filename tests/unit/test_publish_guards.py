"""What `make publish` (and `python -m tabbook publish`) refuses to send out, kernel-free.

Issue 16 item 12: the command publishes only the render of a build that succeeded and of
the sources as they are now (`make publish` was protected by make's `html` prerequisite;
the command itself was not).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tabbook.cli import input_stamp, main
from tinybook import REPO, TINYBOOK

BAD_PO = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n' \
         'msgid "Tiny Book"\nmsgstr "<script>alert(1)</script>"\n'


@pytest.fixture
def built_book(tmp_path) -> Path:
    """A published copy of the tiny book with the stamp of a build that succeeded."""
    book = tmp_path / "book"
    shutil.copytree(TINYBOOK, book)
    (book / "_config.yml").write_text(yaml.safe_dump(
        {"title": "Tiny Book", "repository": {"url": "https://github.com/o/tiny", "branch": "main"}}),
        encoding="utf-8")
    shutil.copy(REPO / "pyproject.toml", book / "pyproject.toml")
    html = book / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<html>the render of the last build</html>", encoding="utf-8")
    (book / "_build" / "colab").mkdir()
    stamp = book / "_build" / ".tabbook" / "html.stamp"
    stamp.parent.mkdir(parents=True)
    stamp.write_text(input_stamp(book))
    return book


def test_publish_after_a_failed_build_is_refused(built_book, capsys):
    po = built_book / "locales" / "zh_CN" / "LC_MESSAGES" / "index.po"
    po.parent.mkdir(parents=True)
    po.write_text(BAD_PO, encoding="utf-8")
    assert main(["--root", str(built_book), "html"]) == 1  # the build fails (its catalog)
    capsys.readouterr()
    assert main(["--root", str(built_book), "publish"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the last `make html` failed or did not run"), err
    assert not (built_book / "_build" / "publish").exists()


def test_publish_of_sources_changed_since_the_build_is_refused(built_book, capsys):
    page = built_book / "chapter_demo" / "page.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    assert main(["--root", str(built_book), "publish"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the sources changed since the last `make html`"), err
    assert not (built_book / "_build" / "publish").exists()
