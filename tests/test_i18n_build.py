"""Building both editions of a copy of the book: one execution, and an edited English
paragraph whose translation is now stale is named by the build, by the catalog test's
check and, after `make translations`, by its fuzzy catalog entry."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from bookutil import REPO, build, copy_book, runs_of
from tabbook.i18n import catalog_problems, edition_of, stale_problems
from test_i18n import PAGE_43, extract_pot, toc_docnames

ZH = edition_of("zh_CN")
OLD = "it has to pick one category."
NEW = "it has to pick exactly one category."


@pytest.mark.book_build
def test_a_changed_paragraph_is_named_and_nothing_executes_twice(tmp_path):
    (tmp_path / "book").mkdir()
    book = copy_book(tmp_path / "book")
    shutil.copytree(REPO / "locales", book / "locales")
    # what the committed catalogs leave to do already (nothing, once translated)
    before = {(p.docname, p.kind, p.msgid)
              for p in catalog_problems(book, ZH.language, toc_docnames(book))}
    source = book / f"{PAGE_43}.md"
    text = source.read_text(encoding="utf-8")
    assert OLD in text
    source.write_text(text.replace(OLD, NEW, 1), encoding="utf-8")

    res = build(book)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-5000:]
    assert (book / "_build" / "html" / ZH.folder / f"{PAGE_43}.html").is_file()

    # one execution: the English build takes every run from the cache (the code did not
    # change) and the Chinese build executes nothing either
    runs = runs_of(out)
    assert runs and not [r for r in runs if r[0] == "executed"], runs
    english, chinese = out.split(f"building the {ZH.name} edition", 1)
    assert sorted(runs_of(english)) == sorted(runs_of(chinese)) and len(runs_of(chinese)) == 8

    # the build names the page and the message the Chinese page now shows in English
    assert (f"[tabbook] warning: zh_CN: {PAGE_43}: not in the catalog message: "
            "'Given the predicted probability distribution") in chinese, chinese[-3000:]
    assert f"{len(before) + 1} messages shown in English" in chinese
    zh_page = (book / "_build" / "html" / ZH.folder / f"{PAGE_43}.html").read_text("utf-8")
    assert "pick exactly one category." in zh_page

    # the check of test_i18n.test_catalogs_are_in_step_with_the_english fails, naming it
    extract_pot(book, tmp_path / "pot")
    problems = stale_problems(book, ZH.language, tmp_path / "pot", toc_docnames(book))
    named = [(p.docname, p.kind) for p in problems]
    assert named == [(PAGE_43, "not in the catalog"), (PAGE_43, "obsolete")], problems
    assert "pick exactly one category." in problems[0].msgid
    assert "pick one category." in problems[1].msgid
    assert str(problems[0]).startswith(f"{PAGE_43}: not in the catalog message: 'Given the")

    # `make translations` (python -m tabbook i18n): the entry becomes fuzzy, with the
    # old translation kept for the translator to revise
    env = dict(os.environ, PYTHONPATH=str(REPO))
    res = subprocess.run([sys.executable, "-m", "tabbook", "--root", str(book), "i18n"],
                         capture_output=True, text=True, env=env, timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    problems = [p for p in catalog_problems(book, ZH.language, toc_docnames(book))
                if (p.docname, p.kind, p.msgid) not in before]
    assert [(p.docname, p.kind) for p in problems] == [(PAGE_43, "fuzzy")], problems
    assert "pick exactly one category." in problems[0].msgid
    assert f"{PAGE_43}: fuzzy message: 'Given the" in res.stdout
    assert not stale_problems(book, ZH.language, book / "_build" / "gettext", toc_docnames(book))

    # ... and the updated catalog still passes `msgfmt -c` (Babel's format flags taken
    # out again, "100% right" included) with its header kept, not gettext's placeholders
    po = book / "locales" / ZH.language / "LC_MESSAGES" / f"{PAGE_43}.po"
    check = subprocess.run([shutil.which("msgfmt") or "msgfmt", "-c", "-o", os.devnull, str(po)],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    text = po.read_text("utf-8")
    assert "python-format" not in text and "python-brace-format" not in text
    assert f"Language-Team: {ZH.team}" in text and "FULL NAME" not in text
    assert "YEAR-MO-DA" not in text
