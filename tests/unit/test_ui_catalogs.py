"""Interface strings checked before a build (tabbook.sources.ui_catalogs): the tool's catalogs
(tabbook/locales/**.po) and the exercise checkers' (d2l/locales/**/d2l.po).

Issue 28, item 1 (a translated UI string closed the attribute it lands in: a ``"`` is no
tag, so the markup check let it through) and item 7 (a placeholder the code does not fill
in failed deep in a Sphinx handler, or in the reader's page, naming no catalog).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from bookutil import REPO, run_tool
from tabbook.core.layout import BUILD_DIR, Layout
from tabbook.core.lock import HELD_ENV
from tabbook.sources.catalogs import catalog_files, catalog_problems
from tabbook.sources.i18n import UI_LOCALES
from tabbook.sources.ui_catalogs import placeholders, string_problems

ATTRIBUTE_BREAK = '链接\\" style=\\"animation:fa-spin 1s\\" onanimationstart=\\"alert(\'XSS\')'
"""The attack of issue 28 (as written in a .po file: its quotes escaped)."""

UI_CATALOGS = sorted(p.relative_to(REPO).as_posix()
                     for p in [*UI_LOCALES.rglob("*.po"),
                               *(REPO / "d2l" / "locales").rglob("*.po")])


def test_the_interface_catalogs_are_all_checked():
    """Every catalog of the tool and the library's d2l.po is among those `make html` checks."""
    shown = {s for _p, s in catalog_files(REPO)}
    assert "d2l/locales/zh_CN/LC_MESSAGES/d2l.po" in UI_CATALOGS
    assert {"tabbook.po", "sphinx.po", "booktheme.po"} <= {Path(c).name for c in UI_CATALOGS}
    assert set(UI_CATALOGS) <= shown


@pytest.mark.parametrize("msgid, msgstr, needle", [
    ("Link to this heading", '链接" onmouseover="alert(1)', "adds '\"'"),
    ("Open in Colab", "在Colab中打开' onfocus='x", "adds \"'\""),
    ("Book PDF", "全书>PDF", "adds '>'"),
    ("Exercise {number}", "练习{oops}", "lacks {number} and adds {oops}"),
    ("Solution to {}", "解答", "lacks {}"),
    ("Exercise %s", "练习%s%s", "adds %s"),
    ("© Copyright %(copyright)s.", "版权所有%(owner)s", "lacks %(copyright)s"),
    ("The exercises' self-checks print:", "自检：\nimport os", "line break"),
    ("Search this book...", "搜索\u2028本书", "line break"),
])
def test_a_translation_that_changes_structure_is_refused(msgid, msgstr, needle):
    problems = string_problems(msgid, msgstr)
    assert len(problems) == 1 and needle in problems[0], problems


@pytest.mark.parametrize("msgid, msgstr", [
    ("The exercises' self-checks", "练习的自检"),  # (dropping a quote is fine)
    ("expected losses of the choices y' = 0, 1, ...", "选项 y' = 0, 1, ... 的期望损失"),
    ("Solution to {}", "{}的解答"),
    ("{count} minibatches of sizes {first}, ..., {last}",
     "{count} 个小批量，大小为 {last}…{first}"),
    ("100% of {n} cases", "全部{n}个（100%）"),
    ("Stopped after {} seconds.", "运行超过{}秒，已停止。"),
])
def test_a_faithful_translation_passes(msgid, msgstr):
    assert string_problems(msgid, msgstr) == []


def test_placeholders_are_read_as_format_strings():
    assert placeholders("{a} {{literal}} {} %s %(n)d 100%% done, 90% sure") == \
        {"{a}": 1, "{}": 1, "%s": 1, "%(n)d": 1}


def _plant(path: Path, msgstr: str) -> tuple[int, str]:
    """Replace the first translated message's msgstr of ``path`` by ``msgstr`` followed by
    the message's placeholders (so that msgfmt accepts it); (its msgid's line, msgid)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith('msgid "') and line != 'msgid ""' and \
                lines[i + 1].startswith('msgstr "') and lines[i + 1] != 'msgstr ""':
            fields = "".join(sorted(placeholders(line).elements()))
            lines[i + 1] = f'msgstr "{msgstr}{fields}"'
            path.write_text("\n".join(lines), encoding="utf-8")
            return i + 1, line[len('msgid "'):-1]
    raise AssertionError(f"no translated one-line message in {path}")


@pytest.mark.parametrize("catalog", UI_CATALOGS)
def test_an_attribute_breaking_msgstr_is_refused_in_each_interface_catalog(tmp_path, catalog):
    po = tmp_path / Path(catalog).name
    shutil.copy(REPO / catalog, po)
    line, msgid = _plant(po, ATTRIBUTE_BREAK)
    problems = catalog_problems(po, catalog)
    assert problems, f"{catalog}: the planted msgstr was accepted"
    assert all(p.startswith(f"{catalog}:{line}: ") for p in problems), problems
    assert any("adds '\"'" in p and repr(msgid) in p for p in problems), problems


def test_a_placeholder_the_code_does_not_fill_in_is_refused_in_d2l_po(tmp_path):
    """Item 7: `{oops}` in d2l.po was not checked by `make html` at all."""
    catalog = "d2l/locales/zh_CN/LC_MESSAGES/d2l.po"
    po = tmp_path / "d2l.po"
    text = (REPO / catalog).read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "它返回了字符串{value}；请返回一个数"',
                               'msgstr "它返回了字符串{oops}；请返回一个数"'), encoding="utf-8")
    problems = catalog_problems(po, catalog)
    assert problems and all(p.startswith(catalog + ":") for p in problems), problems
    assert any("oops" in p or "'value'" in p for p in problems), problems
    assert all("'it returned the string {value}; return a number'" in p for p in problems)


def _copy_of_the_repository(dest: Path) -> Path:
    skip = shutil.ignore_patterns(".venv", BUILD_DIR, ".git", "node_modules", "__pycache__",
                                  ".pytest_cache", "tests", "benchmarks", "*.mo")
    shutil.copytree(REPO, dest, ignore=skip)
    return dest


@pytest.mark.parametrize("planted, needle", [
    (ATTRIBUTE_BREAK, "adds '\"'"),
    ("译文{oops}", "adds {oops}"),              # item 7: a placeholder the code does not fill in
    ("译文\\nimport os; os.system('x')", "line break"),  # item 2: a line of code in a comment
])
def test_make_html_of_a_copy_refuses_a_planted_msgstr_in_every_ui_catalog(tmp_path, planted,
                                                                          needle):
    """The msgstr planted in every interface catalog of a copy of the book (the tool's
    catalogs and d2l.po): `python -m tabbook html` (what `make html` runs) stops before
    Sphinx starts, with a non-zero exit naming each catalog, the line and the entry."""
    book = _copy_of_the_repository(tmp_path / "book")
    planted_at = {catalog: _plant(book / catalog, planted) for catalog in UI_CATALOGS}
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop(HELD_ENV, None)
    res = run_tool(book, "html", tool=book, env=env, cwd=book, timeout=300)
    assert res.returncode != 0, res.stdout + res.stderr
    err = res.stderr
    for catalog, (line, msgid) in planted_at.items():
        named = [ln for ln in err.splitlines()
                 if re.search(rf"{re.escape(catalog)}:\d+: ", ln) and repr(msgid) in ln]
        assert named, f"{catalog}:{line} ({msgid!r}) not named:\n{err}"
        assert any(needle in ln or "msgfmt" in ln for ln in named), named
    assert "Traceback" not in err, err
    assert not Layout(book).html_root.exists()  # Sphinx never started
