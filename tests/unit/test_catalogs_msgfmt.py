"""Every gettext catalog of the book and of its tool passes ``msgfmt -c`` (GNU gettext's
own check: header, format strings, newlines), with nothing fuzzy or untranslated and no
header field left at gettext's placeholder; and ``make translations``' update step
(sphinx-intl, then :func:`tabbook.sources.catalog_upkeep.tidy_catalogs`) writes catalogs that pass
it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bookutil import REPO
from tabbook.sources.catalog_upkeep import tidy_catalog
from tabbook.sources.i18n import LOCALES, TRANSLATIONS, UI_LOCALES

CATALOGS = sorted((REPO / LOCALES).rglob("*.po")) + sorted(UI_LOCALES.rglob("*.po")) \
    + sorted((REPO / "d2l" / LOCALES).rglob("*.po"))  # (the exercise checkers' d2l.po too)


def msgfmt(path: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("msgfmt")
    assert exe, "msgfmt (Debian package `gettext`) is needed to check the catalogs"
    return subprocess.run([exe, "-c", "--statistics", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True, timeout=60)


def test_there_are_catalogs_to_check():
    assert len(CATALOGS) >= 7, CATALOGS
    assert {p.name for p in CATALOGS} >= {"classification.po", "oo-design.po", "tabbook.po",
                                          "d2l.po"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_msgfmt_check_passes(path):
    res = msgfmt(path)
    where = path.relative_to(REPO)
    assert res.returncode == 0, f"msgfmt -c {where}:\n{res.stderr}"
    # the statistics line, e.g. "53 translated messages."
    assert "fuzzy" not in res.stderr and "untranslated" not in res.stderr, (
        f"{where}: {res.stderr.strip()} (translate them: docs/authoring.md)")
    # "header field 'Last-Translator' still has the initial default value" / "missing"
    assert "header field" not in res.stderr, f"{where}:\n{res.stderr}"
    assert "warning" not in res.stderr, f"{where}: msgfmt -c warns:\n{res.stderr}"
    text = path.read_text("utf-8")
    for placeholder in ("FULL NAME", "YEAR-MO-DA", "EMAIL@ADDRESS", "SOME DESCRIPTIVE TITLE",
                        "LL@li.org", "Project name not set"):
        assert placeholder not in text, f"{where}: gettext's placeholder {placeholder!r}"


POT = '''\
msgid ""
msgstr ""
"Project-Id-Version: Project name not set \\n"
"Content-Type: text/plain; charset=utf-8\\n"

#: ../../page.md:10003
msgid "so `accuracy` scores them as 100% right, while {numref}`Section %s <sec_x>` does"
msgstr ""

#: ../../page.md:20003
msgid "A plain message."
msgstr ""

#: ../../page.md:30003
msgid "A new message."
msgstr ""
'''

PO = '''\
# SOME DESCRIPTIVE TITLE.
msgid ""
msgstr ""
"Project-Id-Version: Project name not set \\n"
"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"
"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"
"Language: zh_CN\\n"
"Language-Team: zh_CN <LL@li.org>\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

#: ../../page.md:10003
#, no-python-format
msgid "so `accuracy` scores them as 100% right, while {numref}`Section %s <sec_x>` does"
msgstr "因此`accuracy`判定它们100%正确，而{numref}`第%s节 <sec_x>`"

#: ../../page.md:20003
msgid "A plain message."
msgstr "一条普通的消息。"
'''


def test_the_update_step_writes_catalogs_msgfmt_accepts(tmp_path):
    """sphinx-intl's update (Babel) flags "100% right" as a python-format string and a
    ``{numref}`` as a python-brace-format one, beside the translator's no-python-format:
    msgfmt -c rejects that. The tidy step of `make translations` takes the flags out and
    fills the header, keeping every translation."""
    from sphinx_intl import basic

    pot_dir, locale_dir = tmp_path / "pot", tmp_path / "locales"
    pot_dir.mkdir()
    (pot_dir / "page.pot").write_text(POT, encoding="utf-8")
    po = locale_dir / "zh_CN" / "LC_MESSAGES" / "page.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    # (sphinx-intl rewrites a catalog when the English has a message it lacks)
    basic.update(str(locale_dir), str(pot_dir), ("zh_CN",), jobs=1)
    updated = po.read_text("utf-8")
    # what Babel writes
    assert "#, no-python-format, python-brace-format, python-format" in updated, updated
    assert msgfmt(po).returncode != 0

    edition = TRANSLATIONS[0]
    assert tidy_catalog(po, edition, "page") is True
    res = msgfmt(po)
    assert res.returncode == 0 and "header field" not in res.stderr, res.stderr
    assert "2 translated messages, 1 fuzzy translation" in res.stderr, res.stderr
    text = po.read_text("utf-8")
    assert "python-format" not in text and "python-brace-format" not in text
    assert "100%正确" in text and "一条普通的消息。" in text
    assert f"Language-Team: {edition.team}" in text
    for placeholder in ("FULL NAME", "EMAIL@ADDRESS", "YEAR-MO-DA", "SOME DESCRIPTIVE"):
        assert placeholder not in text, placeholder
    assert tidy_catalog(po, edition, "page") is False  # a second run changes nothing


def test_the_books_settings_are_extracted_and_translated(tmp_path):
    """`make translations` extracts the settings a reader sees (the footer's author) into
    ``_book.pot``, beside the pages' templates; ``_book.po`` translates the current one."""
    import yaml
    from babel.messages import pofile

    from tabbook.sources.i18n import BOOK_CATALOG, page_catalog
    from tabbook.sphinxext.sphinx_gettext import write_book_template

    (tmp_path / "_config.yml").write_text("title: T\nauthor: Someone (after D2L)\n", "utf-8")
    pot = write_book_template(tmp_path, tmp_path / "pot")
    with pot.open("rb") as f:
        assert [m.id for m in pofile.read_po(f) if m.id] == ["Someone (after D2L)"]
    write_book_template(REPO, tmp_path / "repo-pot")
    with (tmp_path / "repo-pot" / f"{BOOK_CATALOG}.pot").open("rb") as f:
        (author,) = [m.id for m in pofile.read_po(f) if m.id]
    assert author == yaml.safe_load((REPO / "_config.yml").read_text("utf-8"))["author"]
    for edition in TRANSLATIONS:
        assert page_catalog(REPO, edition.language, BOOK_CATALOG).get(author), edition.language
