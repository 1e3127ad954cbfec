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

from bookutil import REPO, colab_dir
from tabbook.cli import main
from tabbook.core.layout import Layout
from tabbook.stages.freshness import input_stamp, write_stamp
from tinybook import TINYBOOK

BAD_PO = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n' \
         'msgid "Tiny Book"\nmsgstr "<script>alert(1)</script>"\n'


@pytest.fixture
def built_book(tmp_path) -> Path:
    """A published copy of the tiny book with the stamp of a build that succeeded."""
    book = tmp_path / "book"
    shutil.copytree(TINYBOOK, book)
    (book / "_config.yml").write_text(yaml.safe_dump(
        {"title": "Tiny Book",
         "repository": {"url": "https://github.com/o/tiny", "branch": "main"}}),
        encoding="utf-8")
    shutil.copy(REPO / "pyproject.toml", book / "pyproject.toml")
    html = Layout(book).html_root
    html.mkdir(parents=True)
    (html / "index.html").write_text("<html>the render of the last build</html>", encoding="utf-8")
    colab_dir(book).mkdir()
    write_stamp(book, input_stamp(book), [])  # (as a successful build writes it)
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
    assert not Layout(built_book).publish.exists()


def test_publish_of_sources_changed_since_the_build_is_refused(built_book, capsys):
    page = built_book / "chapter_demo" / "page.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    assert main(["--root", str(built_book), "publish"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the sources changed since the last `make html`"), err
    assert not Layout(built_book).publish.exists()


def _built_site(book: Path) -> Path:
    """A built site as `make html` leaves it: pages, myst-nb's intermediates, the build's
    hidden bookkeeping (naming paths of this machine), a Chinese edition, and each
    edition's record of what it wrote (tabbook.stages.sitefiles, as its Sphinx run keeps it)."""
    from tabbook.stages.sitefiles import mark_start, record

    html = Layout(book).html_root
    for language in ("en", "zh_CN"):
        mark_start(book, language)
        record(book, language, html / ("zh" if language == "zh_CN" else ""), {"zh"})
    for folder in ("", "zh/"):
        (html / folder / "chapter_demo").mkdir(parents=True, exist_ok=True)
        (html / folder / "index.html").write_text("<html>index</html>", encoding="utf-8")
        (html / folder / "chapter_demo" / "page.html").write_text(
            '<html><a href="../jupyter_execute/chapter_demo/data.csv">the data</a></html>',
            encoding="utf-8")
    inter = html / "jupyter_execute" / "chapter_demo"
    inter.mkdir(parents=True)
    (inter / "page.ipynb").write_text('{"draft": "outputs of the page"}', encoding="utf-8")
    (inter / "removed.ipynb").write_text('{"draft": "a page no longer in the toc"}',
                                         encoding="utf-8")
    (inter / "data.csv").write_text("a,b\n", encoding="utf-8")
    (html / ".vendor" / "mathjax").mkdir(parents=True)
    (html / ".vendor" / "mathjax" / ".staged").write_text(str(book), encoding="utf-8")
    (html / ".buildinfo").write_text("config: x\n", encoding="utf-8")
    for language in ("en", "zh_CN"):  # (what the runs wrote, recorded when they ended)
        record(book, language, html / ("zh" if language == "zh_CN" else ""), {"zh"})
    return html


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_site_holds_what_this_build_made_and_links(built_book, tmp_path):
    """Item 11: myst-nb's intermediates (a removed page's draft notebook) are not published,
    except a file a page links; nothing names a path of the build machine."""
    from tabbook.stages.publish import copy_site

    html = _built_site(built_book)
    (built_book / "locales" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    site = tmp_path / "site"
    copy_site(built_book, html, site)
    assert _files(site) == ["chapter_demo/page.html", "index.html",
                            "jupyter_execute/chapter_demo/data.csv",
                            "zh/chapter_demo/page.html", "zh/index.html"]
    for path in site.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert str(built_book) not in text and "/tmp/" not in text, path


def test_files_no_build_wrote_are_not_published(built_book, tmp_path):
    """Issue 28 item 9: files left in _build/html after the build (a stray page, a file of
    secrets) are not published, and are named; what the build wrote is."""
    from tabbook.stages.publish import copy_site

    html = _built_site(built_book)
    (built_book / "locales" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    (html / "junk.html").write_text("<html>not the book</html>", encoding="utf-8")
    (html / "notes.env").write_text("TOKEN=1234\n", encoding="utf-8")
    (html / "zh" / "chapter_demo" / "junk.html").write_text("<html>x</html>", encoding="utf-8")
    site, logged = tmp_path / "site", []
    left_out = copy_site(built_book, html, site, log=logged.append)
    assert _files(site) == ["chapter_demo/page.html", "index.html",
                            "jupyter_execute/chapter_demo/data.csv",
                            "zh/chapter_demo/page.html", "zh/index.html"]
    assert left_out == ["junk.html", "notes.env", "zh/chapter_demo/junk.html"]
    assert "junk.html, notes.env, zh/chapter_demo/junk.html" in logged[0]


def test_edition_whose_catalogs_are_gone_is_not_published(built_book, tmp_path):
    """Item 10: with locales/ deleted, the old Chinese site and notebooks stay out."""
    from tabbook.stages.publish import _not_this_build, copy_site

    html = _built_site(built_book)  # (no locales/: the book has no translation now)
    site = tmp_path / "site"
    copy_site(built_book, html, site)
    assert not (site / "zh").exists() and (site / "index.html").is_file()
    colab = colab_dir(built_book)
    for lang in ("", "zh/"):
        (colab / lang / "jax" / "chapter_demo").mkdir(parents=True)
        (colab / lang / "jax" / "chapter_demo" / "page.ipynb").write_text("{}")
    (colab / ".tabbook-colab").write_text("jax/chapter_demo/page.ipynb\n")
    shutil.copytree(colab, tmp_path / "notebooks", ignore=_not_this_build(colab, built_book))
    assert _files(tmp_path / "notebooks") == ["jax/chapter_demo/page.ipynb"]


def test_build_drops_the_outputs_of_an_edition_whose_catalogs_are_gone(built_book):
    """Item 10: `make html` removes _build/html/zh and the zh notebooks, so neither
    `make publish` nor `make pdf` finds the old edition."""
    from tabbook.stages.pipeline import drop_gone_editions, editions_changed

    html = _built_site(built_book)
    assert editions_changed(built_book)  # (so every English page's language switch is redone)
    (colab_dir(built_book) / "zh" / "jax").mkdir(parents=True)
    dropped = drop_gone_editions(built_book)
    gone = [colab_dir(built_book) / "zh", Layout(built_book).html_root / "zh"]
    assert sorted(p.relative_to(built_book).as_posix() for p in dropped) == \
        sorted(p.relative_to(built_book).as_posix() for p in gone)
    assert (html / "index.html").is_file() and not (html / "zh").exists()
    assert not editions_changed(built_book)


def test_check_reads_links_of_a_pattern_without_lang_dir(tmp_path):
    """Item 13: an English-only book may use a pattern without {lang_dir}; the assembly's
    check reads its links (it raised IndexError: no such group)."""
    from tabbook.sources.config import BookConfig
    from tabbook.stages.publish import check

    cfg = BookConfig(colab_url="https://colab.example/o/r/{framework}/{path}",
                     library_name="d2l-demo", library_version="0.1.0",
                     d2l_package="d2l-demo==0.1.0")
    nb = ('{"cells": [{"cell_type": "markdown", "id": "intro", "metadata": {}, "source": '
          '"d2l-demo 0.1.0"}, {"cell_type": "code", "id": "colab-install", "metadata": {}, '
          '"execution_count": null, "outputs": [], "source": "%pip install -q d2l-demo==0.1.0"}],'
          ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n')
    site, tree = tmp_path / "site", tmp_path / "notebooks"
    for folder in (site / "_colab" / "jax", tree / "jax"):
        folder.mkdir(parents=True)
        (folder / "page.ipynb").write_text(nb, encoding="utf-8")
    (site / "page.html").write_text(
        '<div class="tabbook-colab" data-frameworks="jax" '
        'data-colab-jax="https://colab.example/o/r/jax/page.ipynb" '
        'data-download-jax="_colab/jax/page.ipynb"></div>', encoding="utf-8")
    problems = check(tmp_path, cfg)
    assert problems == ["the wheel site/_dist/d2l_demo-0.1.0-py3-none-any.whl is missing"]


def test_a_pdf_is_offered_only_while_it_prints_the_pages_as_they_are(tmp_path):
    """Issue 16 (nothing published outlives its source): `make publish` offers a PDF only
    when the pages it was printed from are, byte for byte, the pages now; an edited page
    given an older mtime (a copy, a checkout) does not make an old PDF look current."""
    import os

    from tabbook.core.frameworks import FRAMEWORKS
    from tabbook.sources.i18n import SOURCE
    from tabbook.stages.downloads import offer_downloads
    from tabbook.stages.pdf import page_paths, pdf_name, printed_digest, printed_note

    def offer_pdfs(site, pdfs, book, html):
        return offer_downloads(site, tmp_path / "no-notebooks", pdfs, book, html,
                               log=lambda m: None).names("pdfs")

    book = tmp_path / "book"
    shutil.copytree(TINYBOOK, book)
    html = tmp_path / "html"
    for rel in page_paths(book):
        (html / rel).parent.mkdir(parents=True, exist_ok=True)
        (html / rel).write_text(f'<html>{rel}<div class="dropdown dropdown-download-buttons">'
                                '<ul class="dropdown-menu"></ul></div></html>', encoding="utf-8")
    pdfs = tmp_path / "pdf"
    pdfs.mkdir()
    for fw in FRAMEWORKS:
        pdf = pdfs / pdf_name(SOURCE, fw)
        pdf.write_bytes(b"%PDF-1.4 " + fw.name.encode())
        printed_note(pdf).write_text(printed_digest(html, page_paths(book)), encoding="utf-8")
    shutil.copytree(html, tmp_path / "site")
    assert sorted(offer_pdfs(tmp_path / "site", pdfs, book, html)) == \
        sorted(pdf_name(SOURCE, fw) for fw in FRAMEWORKS)

    page = html / page_paths(book)[-1]
    page.write_text("<html>edited since the PDFs were printed</html>", encoding="utf-8")
    os.utime(page, (0, 0))  # older than every PDF
    shutil.rmtree(tmp_path / "site")
    shutil.copytree(html, tmp_path / "site")
    assert offer_pdfs(tmp_path / "site", pdfs, book, html) == []
