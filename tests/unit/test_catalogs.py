"""Catalogs checked like code (tabbook.sources.catalogs): small synthetic catalogs, each with
one fault, are refused naming the catalog, the line and the message; the committed catalogs
pass.

Issue 16, items 7 (a translation adds markup) and 8 (malformed catalogs, changed math,
code, roles and targets), and that ``make html`` checks them before Sphinx starts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookutil import REPO
from tabbook.cli import main
from tabbook.core.layout import Layout
from tabbook.sources.catalogs import catalog_problems, check_catalogs
from tinybook import TINYBOOK

HEADER = '''\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: zh_CN\\n"

'''


def write_po(tmp_path: Path, body: str, name: str = "page.po") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def one_problem(path: Path, *needles: str) -> str:
    problems = catalog_problems(path, "locales/zh_CN/LC_MESSAGES/page.po")
    assert len(problems) == 1, problems
    for needle in ("locales/zh_CN/LC_MESSAGES/page.po:", *needles):
        assert needle in problems[0], problems[0]
    return problems[0]


def test_committed_catalogs_pass():
    assert check_catalogs(REPO) == []


@pytest.mark.parametrize("injected", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- hidden -->",
])
def test_markup_added_by_a_translation_is_refused(tmp_path, injected):
    """Item 7: raw HTML in a msgstr that its msgid lacks is an injection."""
    path = write_po(tmp_path, f'msgid "Tiny Book"\nmsgstr "小书{injected}"\n')
    problem = one_problem(path, ":6:", "adds markup", "'Tiny Book'")
    assert injected[:4] in problem


def test_markup_of_the_english_message_may_stay(tmp_path):
    path = write_po(tmp_path, 'msgid "Press <kbd>Enter</kbd> and see <https://d2l.ai>"\n'
                              'msgstr "按<kbd>Enter</kbd>，见<https://d2l.ai>"\n')
    assert catalog_problems(path) == []


def test_translated_book_title_with_markup_fails_make_html_before_sphinx(tmp_path, capsys):
    """Item 7: the root page's title (the header of every page) carries no injection."""
    book = tmp_path / "book"
    shutil.copytree(TINYBOOK, book)
    po = book / "locales" / "zh_CN" / "LC_MESSAGES" / "index.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEADER + 'msgid "Tiny Book"\nmsgstr "<script>alert(1)</script>小书"\n',
                  encoding="utf-8")
    assert main(["--root", str(book), "html"]) == 1
    err = capsys.readouterr().err
    assert "locales/zh_CN/LC_MESSAGES/index.po:6" in err and "'Tiny Book'" in err, err
    assert "<script>" in err and "Traceback" not in err
    assert not Layout(book).html_root.exists()  # Sphinx never started


def test_msgstr_missing_its_closing_quote_is_refused(tmp_path):
    """Item 8: msgfmt -c reads the catalog; a cut string is not silently one character short."""
    path = write_po(tmp_path, 'msgid "Classification"\nmsgstr "分类\n\n'
                              'msgid "Loss"\nmsgstr "损失"\n')
    problems = catalog_problems(path, "locales/zh_CN/LC_MESSAGES/page.po")
    assert problems and all("msgfmt -c" in p for p in problems)
    assert "locales/zh_CN/LC_MESSAGES/page.po:8: end-of-line within string" in problems[0], \
        problems


def test_duplicate_msgid_is_refused(tmp_path):
    """Item 8: one translation in the HTML, another in the notebook: refused."""
    path = write_po(tmp_path, 'msgid "Loss"\nmsgstr "损失"\n\nmsgid "Loss"\nmsgstr "代价"\n')
    problems = catalog_problems(path, "locales/zh_CN/LC_MESSAGES/page.po")
    assert problems and "duplicate" in problems[0] and "page.po:9" in problems[0], problems


@pytest.mark.parametrize("msgid, msgstr, needles", [
    ("the loss $\\\\ell$ of $n$ examples", "$n$个样本的损失$\\\\ell",
     ["unbalanced `$`"]),
    ("with $n = 1$ example", "用$n = 99$个样本", ["math", "'n = 1'", "'n = 99'"]),
    ("the method `training_step`", "方法`train_step`", ["inline code", "'training_step'"]),
    ("see {numref}`Section %s <sec_a>`", "见{numref}`第%s节 <sec_b>`",
     ["roles and their targets", "sec_b"]),
    ("see {ref}`sec_a`", "见{ref}`sec_b`", ["roles and their targets", "sec_a"]),
    ("see [the docs](https://d2l.ai)", "见[文档](javascript:alert(1))", ["link targets"]),
])
def test_translation_keeps_math_code_roles_and_targets(tmp_path, msgid, msgstr, needles):
    """Item 8: a msgstr that changes a formula, a code name or a target is refused."""
    path = write_po(tmp_path, f'#, no-python-format\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n')
    one_problem(path, ":7:", *needles)  # (the line of its msgid)


def test_translation_may_reorder_and_translate_role_titles(tmp_path):
    path = write_po(tmp_path, '#, no-python-format\n'
                              'msgid "`f` of $x$, {numref}`Section %s <sec_a>`, `g`"\n'
                              'msgstr "{numref}`第%s节 <sec_a>`中`g`与$x$的`f`"\n')
    assert catalog_problems(path) == []


def test_fuzzy_and_untranslated_messages_are_not_checked(tmp_path):
    path = write_po(tmp_path, '#, fuzzy\nmsgid "with $n = 1$"\nmsgstr "用$n = 2$"\n\n'
                              'msgid "`f`"\nmsgstr ""\n')
    assert catalog_problems(path) == []


@pytest.mark.parametrize("body, needle", [
    ('msgid "Classification"\nmsgstr "分类\n', "page.po:7: not a complete catalog line"),
    ('#, python-format, no-python-format\nmsgid "100%"\nmsgstr "100%"\n',
     "page.po:6: the message is flagged both python-format and no-python-format"),
])
def test_without_gettext_the_syntax_is_still_checked(tmp_path, monkeypatch, body, needle):
    """Where GNU gettext is not installed (no msgfmt on PATH), a cut string and contradictory
    flags are refused all the same."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = write_po(tmp_path, body)
    problems = catalog_problems(path, "locales/zh_CN/LC_MESSAGES/page.po")
    assert problems and needle in problems[0], problems


def test_translation_may_link_the_same_page_of_the_sites_own_edition(tmp_path):
    """The translations table names each site's edition in the language (d2l.ai ->
    zh.d2l.ai): the same page there is the same target; another host is not."""
    body = ('msgid "see [D2L](https://d2l.ai/chapter_x/bn.html)"\n'
            'msgstr "见[《动手学深度学习》](https://zh.d2l.ai/chapter_x/bn.html)"\n')
    path = write_po(tmp_path, body)
    assert catalog_problems(path, "locales/zh_CN/LC_MESSAGES/page.po") == []
    path = write_po(tmp_path, body.replace("zh.d2l.ai", "d2l.example.com"))
    one_problem(path, ":6:", "link targets", "d2l.example.com")


@pytest.mark.parametrize("msgid, msgstr", [
    ("costs 5 dollars", "花费\\\\$5"),  # an escaped dollar is no formula
    ("the code `$x$` and $y$", "代码`$x$`与$y$"),  # a dollar in code is no math
    ("if $a<b$ then `<b>`", "若$a<b$则`<b>`"),  # nor is a `<` in math or code a tag
    ("see {sub}`2` and {ref}`the section <sec_a>`", "见{sub}`二`与{ref}`该节 <sec_a>`"),
])
def test_messages_are_read_as_myst_tokens(tmp_path, msgid, msgstr):
    """The check reads both strings as the book's MyST parser does (markdown-it tokens):
    what looks like math, a tag or a target inside code, math or an escape is none."""
    path = write_po(tmp_path, f'#, no-python-format\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n')
    assert catalog_problems(path) == []


@pytest.mark.parametrize("msgstr, needles", [
    ("花费$5", ["unbalanced `$`"]),
    ("<div onclick=alert(1)>小书</div>", ["adds markup", "<div onclick=alert(1)>"]),
    ("小书 <img src=x onerror=alert(1)", ["adds markup", "<img src=x onerror=alert(1)"]),
    ("小书\\n\\n```{raw} html\\n<b>x</b>\\n```", ["adds markup", "{raw} html"]),
    ("小书{doc}`other`", ["roles and their targets", "'other'"]),
    ("小书![图](https://example.com/x.png)", ["link targets", "example.com"]),
])
def test_markup_that_only_the_translation_has_is_refused(tmp_path, msgstr, needles):
    """An HTML block, a tag markdown-it leaves as text (another renderer may not), a
    directive, a role or an image that the English message lacks: each is refused."""
    path = write_po(tmp_path, f'msgid "costs 5 dollars"\nmsgstr "{msgstr}"\n')
    problems = catalog_problems(path, "locales/zh_CN/LC_MESSAGES/page.po")
    assert problems and all(":6:" in p for p in problems), problems
    assert any(all(n in p for n in needles) for p in problems), problems


def _book_with_catalog(tmp_path: Path, msgstr: str) -> Path:
    root = tmp_path / "book"
    folder = root / "locales" / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "page.po").write_text(HEADER + f'msgid "Tiny Book"\nmsgstr "{msgstr}"\n',
                                    encoding="utf-8")
    return root


def test_a_sound_catalog_is_checked_again_only_when_it_changes(tmp_path, monkeypatch):
    """`make html` notes each catalog it found sound by the hash of its bytes (and of the
    checker): a prose edit's build checks none again; a changed catalog is checked; a
    catalog with a problem is never noted, so it fails every build."""
    from tabbook.core.errors import BookError
    from tabbook.core.layout import Layout
    from tabbook.sources import catalogs

    root = _book_with_catalog(tmp_path, "小书")
    checked = []
    real = catalogs.catalog_problems

    def counting(path, shown=None):
        checked.append(shown)
        return real(path, shown)

    monkeypatch.setattr(catalogs, "catalog_problems", counting)
    catalogs.require_valid_catalogs(root)
    first = list(checked)
    assert "locales/zh_CN/LC_MESSAGES/page.po" in first  # (and the tool's own catalogs)
    assert Layout(root).checked_catalogs.exists()
    checked.clear()
    catalogs.require_valid_catalogs(root)
    assert checked == []  # nothing changed: nothing checked again
    po = root / "locales" / "zh_CN" / "LC_MESSAGES" / "page.po"
    po.write_text(po.read_text(encoding="utf-8").replace("小书", "小书<b>x</b>"), encoding="utf-8")
    for _ in range(2):  # refused, and refused again: a problem is never noted as sound
        checked.clear()
        with pytest.raises(BookError, match="adds markup"):
            catalogs.require_valid_catalogs(root)
        assert checked == ["locales/zh_CN/LC_MESSAGES/page.po"]
    # another checker (here: no msgfmt on PATH) checks every catalog again
    po.write_text(po.read_text(encoding="utf-8").replace("<b>x</b>", ""), encoding="utf-8")
    catalogs.require_valid_catalogs(root)
    checked.clear()
    monkeypatch.setattr(catalogs.shutil, "which", lambda name: None)
    catalogs.require_valid_catalogs(root)
    assert sorted(checked) == sorted(first)
