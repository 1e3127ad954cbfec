"""The translated editions' catalogs and translating by message, kernel-free: every page
of the toc has a translated catalog, the tool's supplement of Sphinx's strings, no compiled
catalog committed, MyST translated message by message, links between editions, and the
core translating notebooks without Sphinx. What needs the built book or Sphinx's gettext
builder is in ``tests/test_i18n.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bookutil import REPO
from tabbook.sources.catalog_upkeep import catalog_problems
from tabbook.sources.i18n import (
    TRANSLATIONS,
    UI_LOCALES,
    edition_of,
    link_to,
    translate_myst,
    translations,
)
from tabbook.sources.i18n import _read_po as read_catalog  # (Babel, as Sphinx reads them)
from tabbook.sources.toc import book_sources

ZH = edition_of("zh_CN")
PAGE_43 = "chapter_linear-classification/classification"


def toc_docnames(root: Path = REPO) -> list[str]:
    return [Path(p).with_suffix("").as_posix() for p in book_sources(root)]


def test_every_toc_page_has_a_catalog_and_the_book_is_translated():
    """The committed catalogs translate every message of every page of the toc: no
    untranslated or fuzzy message (what `msgfmt --statistics` would count)."""
    assert translations(REPO) == list(TRANSLATIONS)
    problems = catalog_problems(REPO, ZH.language, toc_docnames())
    assert not problems, f"{len(problems)} messages to translate or review:\n" + "\n".join(
        map(str, problems))


def test_the_tools_supplement_of_sphinx_strings_holds_only_theirs():
    """tabbook's sphinx.po adds what Sphinx's and the themes' zh_CN catalogs lack: each of
    its messages is one of theirs (in their templates) and translated."""
    import pydata_sphinx_theme
    import sphinx

    shipped = set()
    for pot in (Path(sphinx.__file__).parent / "locale" / "sphinx.pot",
                Path(pydata_sphinx_theme.__file__).parent / "locale" / "sphinx.pot"):
        shipped |= {e.msgid for e in read_catalog(pot)}
    for edition in TRANSLATIONS:
        path = UI_LOCALES / edition.language / "LC_MESSAGES" / "sphinx.po"
        entries = [e for e in read_catalog(path) if not e.obsolete]
        assert entries and all(e.msgstr and "fuzzy" not in e.flags for e in entries)
        assert not {e.msgid for e in entries} - shipped


def test_the_tools_supplements_of_extension_catalogs_hold_only_their_strings():
    """booktheme.po and togglebutton.po supplement sphinx-book-theme's and
    sphinx-togglebutton's catalogs: each message is a string of theirs (in their code or
    templates: tabbook.sphinxext.theme_strings), translated, and in the domain the tool puts
    first (tabbook.sphinxext.sphinx_i18n.SUPPLEMENTED)."""
    import sphinx_book_theme
    import sphinx_togglebutton

    from tabbook.sphinxext.sphinx_i18n import SUPPLEMENTED

    sources = {"booktheme": Path(sphinx_book_theme.__file__).parent,
               "togglebutton": Path(sphinx_togglebutton.__file__).parent}
    assert set(SUPPLEMENTED) == set(sources)
    for edition in TRANSLATIONS:
        for domain, package in sources.items():
            code = "".join(p.read_text("utf-8") for pattern in ("*.py", "*.html")
                           for p in package.rglob(pattern))
            path = UI_LOCALES / edition.language / "LC_MESSAGES" / f"{domain}.po"
            entries = [e for e in read_catalog(path) if not e.obsolete]
            assert entries and all(e.msgstr and "fuzzy" not in e.flags for e in entries)
            theirs = [e.msgid for e in entries if f'"{e.msgid}"' in code or f"'{e.msgid}'" in code]
            assert theirs == [e.msgid for e in entries], (domain, theirs)


def test_no_compiled_catalog_is_committed():
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=REPO, capture_output=True,
                             text=True).stdout.split()
    assert tracked == []


def test_translate_myst_replaces_messages_where_sphinx_finds_them():
    source = "\n".join([
        "(sec_x)=",
        "# The Title",
        "",
        "A paragraph on",
        "two lines with `code`.",
        "",
        "- an item",
        "- another item",
        "  on two lines",
        "",
        "```{code-cell} ipython3",
        "A paragraph on",
        "```",
        "",
        "```{exercise-start}",
        ":label: ex-1",
        "```",
        "",
        "$$x = 1$$",
        "",
        "```{note}",
        "Inside a directive.",
        "```",
    ])
    catalog = {"The Title": "标题", "A paragraph on two lines with `code`.": "一段带`code`的话。",
               "an item": "一项", "another item on two lines": "另一项",
               "Inside a directive.": "指令里面。"}
    out = translate_myst(source, catalog).split("\n")
    assert out[:2] == ["(sec_x)=", "# 标题"]
    assert out[3] == "一段带`code`的话。"
    assert "- 一项" in out and "- 另一项" in out
    assert out[out.index("```{code-cell} ipython3") + 1] == "A paragraph on"  # code stays
    assert ":label: ex-1" in out and "$$x = 1$$" in out
    assert "指令里面。" in out
    assert translate_myst(source, {}) == source


def test_links_between_editions():
    assert link_to(edition_of("en"), ZH, PAGE_43) == f"../zh/{PAGE_43}.html"
    assert link_to(ZH, edition_of("en"), PAGE_43) == f"../../{PAGE_43}.html"
    assert link_to(ZH, edition_of("en"), "index") == "../index.html"


def test_translating_notebooks_needs_no_sphinx():
    """The core translates Colab notebooks without Sphinx (only the edge imports it)."""
    code = ("import sys, tabbook.sources.i18n, tabbook.stages.colab; "
            "tabbook.sources.i18n.translate_myst('# A', {'A': 'B'}); "
            "print(sorted(m for m in sys.modules if m == 'sphinx' or m.startswith('sphinx.')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]", res.stdout


def test_a_catalog_compiles_to_the_same_bytes_at_any_time(tmp_path, monkeypatch):
    """A .po without a POT-Creation-Date (d2l's own) compiles to the same .mo whenever it is
    compiled: Babel would stamp the time of compiling into it, and the library's .mo would
    change under the build every minute."""
    import datetime as real

    import babel.messages.catalog as babel_catalog

    from tabbook.sources.i18n import _write_mo

    po = REPO / "d2l" / "locales" / "zh_CN" / "LC_MESSAGES" / "d2l.po"
    assert b"POT-Creation-Date:" not in po.read_bytes()
    _write_mo(po, tmp_path / "now.mo")

    class Later(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return real.datetime(2031, 2, 3, 4, 5, tzinfo=tz)

    monkeypatch.setattr(babel_catalog.datetime, "datetime", Later)
    _write_mo(po, tmp_path / "later.mo")
    assert (tmp_path / "now.mo").read_bytes() == (tmp_path / "later.mo").read_bytes()
