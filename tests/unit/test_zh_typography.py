"""The typography rules of docs/glossary_zh_CN.md, on every Chinese string of the book and
of its tool (the page catalogs and tabbook/locales/zh_CN/*.po alike): no space between
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
    + sorted((UI_LOCALES / "zh_CN").rglob("*.po"))
CJK = r"[\u4e00-\u9fff]"
LATIN = r"[A-Za-z0-9`$\[\]{}]"
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
    assert not SPACED.search(CODE_OR_MATH.sub("`c`", "在Colab中打开，`a b`和$x + 1$"))
