"""The typography rules of docs/glossary_zh_CN.md, on every Chinese string of the book and
of its tool (the page catalogs, code comments and docstrings included, tabbook/locales/zh_CN/
*.po and the exercise checkers' d2l.po alike): no space between
Chinese and Latin text, numbers, code, math or placeholders; no italics inside 《》;
mainland usage; one word for a code cell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages import pofile

from bookutil import REPO
from tabbook.sources.i18n import LOCALES, UI_LOCALES

CATALOGS = sorted((REPO / LOCALES / "zh_CN").rglob("*.po")) \
    + sorted((UI_LOCALES / "zh_CN").rglob("*.po")) \
    + sorted((REPO / "d2l" / LOCALES / "zh_CN").rglob("*.po"))
CJK = r"[\u4e00-\u9fff]"
# (a closing parenthesis or a prime ends Latin text too: "p(y | x)下", "y'的")
LATIN = r"[A-Za-z0-9`$\[\]{}()'_]"
SPACED = re.compile(rf"{CJK} +{LATIN}|{LATIN} +{CJK}")
CODE_OR_MATH = re.compile(r"`[^`]*`|\$\$.*?\$\$|\$[^$]*\$", re.S)


def translations(path: Path) -> list[str]:
    with path.open("rb") as f:
        return [m.string for m in pofile.read_po(f, charset="utf-8") if m.id]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_chinese_strings_follow_the_glossarys_typography(path):
    assert translations(path), path
    problems = []
    for text in translations(path):
        prose = CODE_OR_MATH.sub("`c`", text)
        problems += [f"space between Chinese and Latin: {m.group(0)!r} in {text[:60]!r}"
                     for m in SPACED.finditer(prose)]
        if re.search(r"《[*_]|[*_]》", text):
            problems.append(f"italics inside 《》: {text[:60]!r}")
        if "列印" in text:
            problems.append(f"列印 (Taiwanese usage; mainland: 打印): {text[:60]!r}")
        if "单元格" in text:
            problems.append(f"单元格 (the glossary's word is 代码单元): {text[:60]!r}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_spaced_string():
    assert SPACED.search("在 Colab 中打开") and SPACED.search("这一步没有 {label} 代码")
    assert SPACED.search("在p(y | x) 下期望损失最小的预测y'。")  # (found in this round)
    assert SPACED.search("它返回了 {value}；") and SPACED.search("y' 的")
    assert not SPACED.search(CODE_OR_MATH.sub("`c`", "在Colab中打开，`a b`和$x + 1$"))


# --------------------------------------------------------------------------- one term each
# The glossary's terms, where one English term had several Chinese words (found in this
# round: 迭代周期 and 轮 for epoch, 批量大小 and 小批量大小, 下标 and 索引, a gloss missing).

PAGE_CATALOGS = sorted((REPO / LOCALES / "zh_CN").rglob("*.po"))


def _entries(path: Path):
    with path.open("rb") as f:
        return [m for m in pofile.read_po(f, charset="utf-8") if m.id and m.string]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_one_word_for_epoch_batch_size_and_index(path):
    problems = []
    for message in _entries(path):
        text = message.string
        # epoch: 迭代周期, never 轮 (每轮, 各轮, 一轮, 以轮为单位, ...)
        epochs = re.finditer(r"[每各一以当所该本同]轮|轮(?:次|为单位|结束|训练)", text)
        problems += [f"轮 for epoch (the glossary's word is 迭代周期): {text[:60]!r}"
                     for _ in epochs]
        if "下标" in text:
            problems.append(f"下标 (the glossary's word for an index is 索引): {text[:60]!r}")
        if "小批量大小" in text:
            problems.append(f"小批量大小 (batch size / minibatch size: 批量大小): {text[:60]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("term,gloss", [("迭代周期", "（epoch）"),
                                        ("硬预测", "（hard prediction）")])
def test_a_term_is_glossed_where_a_page_first_uses_it(term, gloss):
    """The first time a page says 迭代周期 or 硬预测, the English follows in parentheses."""
    used = 0
    for path in PAGE_CATALOGS:
        prose = [m.string for m in _entries(path) if m.context is None]  # (in page order)
        first = next((text for text in prose if term in text), None)
        if first is not None:
            used += 1
            at = first.index(term) + len(term)
            assert first[at:at + len(gloss)] == gloss, (path.name, first[:80])
    assert used, f"no page uses {term}"


def test_the_footers_author_reads_after_by():
    """The theme writes "By " + author: an author that starts with "The" reads "By The"."""
    import yaml

    author = yaml.safe_load((REPO / "_config.yml").read_text("utf-8"))["author"]
    assert not author.startswith(("The ", "By ")), author
