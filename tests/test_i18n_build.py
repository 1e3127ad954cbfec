"""Building both editions of the tiny book: one execution, and an edited English
paragraph whose translation is now stale is named by the build, by the catalog test's
check and, after `make translations`, by its fuzzy catalog entry.

The tiny book (``tests/fixtures/tinybook``, :func:`bookutil.tiny_book`) gets its
Chinese catalogs the way a book does (``python -m tabbook i18n zh_CN``), every message
translated by the test; the book's own catalogs are checked in ``tests/test_i18n.py``
and ``tests/unit/test_i18n_catalogs.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bookutil import TINY_PAGE, build, run_tool, runs_of, tiny_book
from tabbook.core.layout import Layout
from tabbook.sources.catalog_upkeep import catalog_problems, stale_problems
from tabbook.sources.i18n import catalog_path, edition_of
from test_i18n import extract_pot, toc_docnames

ZH = edition_of("zh_CN")
PAGE = TINY_PAGE[: -len(".md")]
OLD = "Prose that every framework shares."
NEW = "Prose that every framework here shares."


def tabbook(book: Path, *args: str) -> subprocess.CompletedProcess:
    res = run_tool(book, *args, timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res


def translate_everything(book: Path) -> None:
    """Give every message of every catalog a (made-up) Chinese translation."""
    from babel.messages.pofile import read_po, write_po

    for docname in toc_docnames(book):
        path = catalog_path(book, ZH.language, docname)
        with open(path, "rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if message.id:
                message.string = "【译】" + message.id
        with open(path, "wb") as fh:
            write_po(fh, catalog, width=0)


@pytest.mark.book_build
def test_a_changed_paragraph_is_named_and_nothing_executes_twice(tmp_path):
    book = tiny_book(tmp_path / "book")
    tabbook(book, "i18n", ZH.language)  # the catalogs, as a translator starts them
    translate_everything(book)
    assert catalog_problems(book, ZH.language, toc_docnames(book)) == []
    source = book / TINY_PAGE
    text = source.read_text(encoding="utf-8")
    assert OLD in text
    source.write_text(text.replace(OLD, NEW, 1), encoding="utf-8")

    res = build(book)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-5000:]
    assert (Layout(book).html(ZH) / f"{PAGE}.html").is_file()

    # one execution: the English build takes every run from the cache (the code did not
    # change) and the Chinese build executes nothing either
    runs = runs_of(out)
    assert runs and not [r for r in runs if r[0] == "executed"], runs
    english, chinese = out.split(f"building the {ZH.name} edition", 1)
    assert sorted(runs_of(english)) == sorted(runs_of(chinese)) and len(runs_of(chinese)) == 4

    # the build names the page and the message the Chinese page now shows in English
    assert (f"[tabbook] warning: zh_CN: {PAGE}: not in the catalog message: "
            f"{NEW!r}") in chinese, chinese[-3000:]
    assert "1 messages shown in English" in chinese
    zh_page = (Layout(book).html(ZH) / f"{PAGE}.html").read_text("utf-8")
    assert NEW in zh_page and "【译】" in zh_page

    # the check of test_i18n.test_catalogs_are_in_step_with_the_english fails, naming it
    extract_pot(book, tmp_path / "pot")
    problems = stale_problems(book, ZH.language, tmp_path / "pot", toc_docnames(book))
    named = [(p.docname, p.kind) for p in problems]
    assert named == [(PAGE, "not in the catalog"), (PAGE, "obsolete")], problems
    assert problems[0].msgid == NEW and problems[1].msgid == OLD
    assert str(problems[0]) == f"{PAGE}: not in the catalog message: {NEW!r}"

    # `make translations` (python -m tabbook i18n): the entry becomes fuzzy, with the
    # old translation kept for the translator to revise
    res = tabbook(book, "i18n")
    problems = catalog_problems(book, ZH.language, toc_docnames(book))
    assert [(p.docname, p.kind, p.msgid) for p in problems] == [(PAGE, "fuzzy", NEW)], problems
    assert f"{PAGE}: fuzzy message: {NEW!r}" in res.stdout
    assert not stale_problems(book, ZH.language, Layout(book).gettext, toc_docnames(book))

    # ... and the updated catalog still passes `msgfmt -c` (Babel's format flags taken
    # out again, "100% right" included) with its header kept, not gettext's placeholders
    po = book / "locales" / ZH.language / "LC_MESSAGES" / f"{PAGE}.po"
    check = subprocess.run([shutil.which("msgfmt") or "msgfmt", "-c", "-o", os.devnull, str(po)],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    text = po.read_text("utf-8")
    assert "python-format" not in text and "python-brace-format" not in text
    assert f"Language-Team: {ZH.team}" in text and "FULL NAME" not in text
    assert "YEAR-MO-DA" not in text
