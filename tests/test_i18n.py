"""The Chinese edition: its catalogs against the English, the tool's strings, and the
built pages, Colab notebooks and search index of ``_build/html/zh`` (``make html``).
The kernel-free checks of the catalogs and of translating by message are in
``tests/unit/test_i18n_catalogs.py``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from bookutil import REPO, colab_dir, run_tool
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.sources.catalog_upkeep import stale_problems
from tabbook.sources.i18n import TRANSLATIONS, UI_LOCALES, edition_of
from tabbook.sources.i18n import _read_po as read_catalog  # (Babel, as Sphinx reads them)
from tabbook.sources.toc import book_sources
from tabbook.stages.notebook_code import code_differences

ZH = edition_of("zh_CN")
PAGE_43 = "chapter_linear-classification/classification"
CJK = re.compile(r"[\u4e00-\u9fff]")


def toc_docnames(root: Path = REPO) -> list[str]:
    return [Path(p).with_suffix("").as_posix() for p in book_sources(root)]


def extract_pot(root: Path, pot_dir: Path) -> subprocess.CompletedProcess:
    """The English messages of the book at ``root`` (Sphinx's gettext builder), as
    `make translations` extracts them."""
    res = run_tool(root, "extract-messages", str(pot_dir), timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res


# --------------------------------------------------------------------------- catalogs


def test_catalogs_are_in_step_with_the_english(tmp_path):
    """The catalogs hold exactly the messages the current English pages have: extracting
    them again (as `make translations` does) finds nothing new and nothing gone."""
    extract_pot(REPO, tmp_path / "pot")
    problems = stale_problems(REPO, ZH.language, tmp_path / "pot", toc_docnames())
    assert not problems, ("the English changed since the catalogs were updated; run `make "
                          "translations` and translate:\n" + "\n".join(map(str, problems)))


def _ui_msgids() -> set[str]:
    """The strings the tool passes through gettext: ``_("...")`` in tabbook/**/*.py and
    ``t("...")`` in static/*.js (msgid ``js:...``)."""
    found = set()
    for path in (REPO / "tabbook").rglob("*.py"):
        for m in re.finditer(r'\b_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', path.read_text("utf-8")):
            found.add("".join(eval(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', m.group(1))))
    for path in (REPO / "static").glob("*.js"):
        found |= {"js:" + s
                  for s in re.findall(r'\bt\("((?:[^"\\]|\\.)*)"\)', path.read_text("utf-8"))}
    return found


def test_the_tools_strings_are_all_in_its_catalog_and_translated(built_html):
    want = _ui_msgids()
    assert {"Open in Colab", "Download .ipynb", "This step has no {label} code.",
            "Language", "Show sections of {}", "Framework"} <= want, want
    for edition in TRANSLATIONS:
        po = read_catalog(UI_LOCALES / edition.language / "LC_MESSAGES" / "tabbook.po")
        have = {e.msgid: e for e in po if not e.obsolete}
        assert not want - set(have), f"{edition.language}: not in tabbook.po: {want - set(have)}"
        unused = set(have) - want
        assert not unused, f"{edition.language}: unused in tabbook.po: {unused}"
        bad = [e.msgid for e in have.values() if not e.msgstr or "fuzzy" in e.flags]
        assert not bad, f"{edition.language}: untranslated or fuzzy in tabbook.po: {bad}"
        for entry in have.values():  # the same {placeholders} in the translation
            assert set(re.findall(r"\{\w*\}|%s", entry.msgid)) == set(
                re.findall(r"\{\w*\}|%s", entry.msgstr)), entry.msgid


# --------------------------------------------------------------------------- by message


# --------------------------------------------------------------------------- the built edition


class _Page(HTMLParser):
    """What the tests read of a built page: tab sync ids, code, prose, links, lang."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.sync_ids, self.code, self.prose, self.links = [], [], [], []
        self._stack, self._pre, self._p = [], None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "label" and a.get("data-sync-group") == "framework":
            self.sync_ids.append(a.get("data-sync-id"))
        if tag == "a" and "tabbook-lang-link" in (a.get("class") or ""):
            self.links.append(a)
        if tag == "pre":
            self._pre = []
        if tag == "p" and self._pre is None:
            self._p = []

    def handle_endtag(self, tag):
        if tag == "pre" and self._pre is not None:
            self.code.append("".join(self._pre))
            self._pre = None
        if tag == "p" and self._p is not None:
            text = " ".join("".join(self._p).split())
            if text:
                self.prose.append(text)
            self._p = None

    def handle_data(self, data):
        if self._pre is not None:
            self._pre.append(data)
        if self._p is not None:
            self._p.append(data)


@pytest.fixture(scope="module")
def pages(built_html):
    zh_html = built_html / ZH.folder
    if not (zh_html / "index.html").exists():
        pytest.fail("the Chinese edition is not built: run `make html`")
    return {lang: _Page((base / f"{PAGE_43}.html").read_text("utf-8"))
            for lang, base in (("en", built_html), ("zh", zh_html))}


def test_zh_page_is_chinese_with_the_same_tabs_and_code(pages):
    en, zh = pages["en"], pages["zh"]
    assert en.lang == "en" and zh.lang == "zh-CN"
    assert zh.sync_ids == en.sync_ids and len(zh.sync_ids) >= 4 * 10
    assert {fw.name for fw in FRAMEWORKS} == set(zh.sync_ids)
    assert len(zh.code) == len(en.code) > 20
    # the same code, its comments and docstrings translated (tabbook.sources.code_prose), the
    # outputs the same but the exercise checks' (tabbook.stages.language_runs)
    from tabbook.sources.code_prose import code_messages, translate_code

    differ = [(e, z) for e, z in zip(en.code, zh.code) if e != z]
    assert len(differ) > 20 and any("exercises.check_" in e for e, _ in differ), len(differ)
    for e, z in differ:
        if "PASS check_" in e:  # an exercise check's output
            assert (e.replace("PASS ", "通过（PASS）", 1).split("：")[0] in z
                    or "通过（PASS）" in z), z
            continue
        assert translate_code(e, lambda text: "-") == translate_code(z, lambda text: "-")
        assert code_messages(e) and all(CJK.search(m) or not re.search(r"[A-Za-z]{3}", m)
                                        for m in code_messages(z)), z
    english = [p for p in en.prose if len(p) > 60 and not p.startswith(("Open in", "Download"))]
    shown = set(zh.prose)
    assert english and not [p for p in english if p in shown], "English prose on the zh page"
    chinese = [p for p in zh.prose if CJK.search(p)]
    assert len(chinese) >= len(english) * 0.9, (len(chinese), len(english))


def test_zh_page_links_both_ways(pages, built_html):
    (to_zh,), (to_en,) = pages["en"].links, pages["zh"].links
    here_en = built_html / f"{PAGE_43}.html"
    here_zh = built_html / ZH.folder / f"{PAGE_43}.html"
    assert (here_en.parent / to_zh["href"]).resolve() == here_zh.resolve()
    assert (here_zh.parent / to_en["href"]).resolve() == here_en.resolve()
    assert to_zh["hreflang"] == "zh-CN" and to_en["hreflang"] == "en"
    for docname in toc_docnames():  # every page has the switch, both ways
        for base in (built_html, built_html / ZH.folder):
            assert "tabbook-lang-link" in (base / f"{docname}.html").read_text("utf-8"), docname


def test_zh_interface_strings_come_from_the_catalogs(built_html):
    text = (built_html / ZH.folder / f"{PAGE_43}.html").read_text("utf-8")
    # sphinx-exercise's, the theme's and Sphinx's own zh_CN catalogs
    for word in ("练习4.3.1", "练习4.3.1</a>的解答", "搜索", "目录", 'class="caption-text">目录<'):
        assert word in text, word
    # the tool's own strings (tabbook/locales/zh_CN/LC_MESSAGES/tabbook.po)
    for word in ("在Colab中打开", "下载.ipynb", 'aria-label="以笔记本形式运行本页"',
                 'aria-label="语言"', 'placeholder="搜索本书……"', 'title="链接到此标题"',
                 'aria-label="颜色模式"'):
        assert word in text, word
    for english in ("Open in Colab", "Download .ipynb", "This step has no", ">Exercise",
                    ">Solution", "Link to this heading", "Search this book", "Color mode"):
        assert english not in text, english
    # the theme's labels its templates write outside translate() (booktheme.po:
    # tabbook/sphinxext/theme_strings.py), in the HTML itself
    for word in ('title="切换主侧边栏"', 'aria-label="全书导航"', 'aria-label="本页"'):
        assert word in text, word
    assert "显示各节" in text and "显示“{}”的各节" in text  # (the reader script's)


PAGE_32 = "chapter_linear-regression/oo-design"


def _img_alts(html: Path) -> list[str]:
    class Imgs(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.alts = []

        def handle_starttag(self, tag, attrs):
            if tag == "img" and dict(attrs).get("alt"):
                self.alts.append(dict(attrs)["alt"])

    parser = Imgs()
    parser.feed(html.read_text("utf-8"))
    return parser.alts


def test_alt_text_of_a_plot_is_translated(built_html):
    """The alt text an author wrote in a code cell's metadata (``mystnb: image: alt:``) is
    a message of the page's catalog: the English page's plot has it, the Chinese page's
    plot its translation (one plot per framework tab)."""
    from tabbook.sources.i18n import page_catalog
    from tabbook.sources.source import read_page

    page = read_page(REPO / f"{PAGE_32}.md", REPO)
    written = [c.metadata["mystnb"]["image"]["alt"] for c in page.cells
               if c.metadata.get("mystnb", {}).get("image", {}).get("alt")]
    assert len(written) == 1, written
    english = " ".join(written[0].split())
    chinese = page_catalog(REPO, ZH.language, PAGE_32).get(english)
    assert chinese and CJK.search(chinese), "the alt text is not translated in the catalog"
    en_alts = _img_alts(built_html / f"{PAGE_32}.html")
    zh_alts = _img_alts(built_html / ZH.folder / f"{PAGE_32}.html")
    assert en_alts.count(english) == len(FRAMEWORKS), en_alts
    assert zh_alts.count(chinese) == len(FRAMEWORKS), zh_alts
    assert english not in zh_alts and chinese not in en_alts


def test_zh_search_finds_chinese_words_on_the_43_page(built_html):
    """Sphinx's Chinese search (jieba) indexes 准确率 and 分类 for the 4.3 page."""
    js = (built_html / ZH.folder / "searchindex.js").read_text("utf-8")
    index = json.loads(js[js.index("(") + 1: js.rindex(")")])
    page = index["docnames"].index(PAGE_43)

    def docs(value):
        return set(value if isinstance(value, list) else [value])

    for word in ("准确率", "分类"):
        found = docs(index["terms"].get(word, [])) | docs(index["titleterms"].get(word, []))
        assert page in found, f"{word} not indexed for {PAGE_43}"
    assert "jieba" in sys.modules or __import__("jieba")


def test_four_chinese_colab_notebooks_of_43(built_html):
    en_dir, zh_dir = colab_dir(REPO), colab_dir(REPO) / ZH.folder
    zh_page = (built_html / ZH.folder / f"{PAGE_43}.html").read_text("utf-8")
    en_page = (built_html / f"{PAGE_43}.html").read_text("utf-8")
    for fw in FRAMEWORKS:
        rel = f"{fw.name}/{PAGE_43}.ipynb"
        en, zh = nbformat.read(en_dir / rel, 4), nbformat.read(zh_dir / rel, 4)
        served = built_html / ZH.folder / "_colab" / rel
        assert served.read_bytes() == (zh_dir / rel).read_bytes()
        assert f'data-download-{fw.name}="../_colab/{rel}"' in zh_page
        assert f'data-file-{fw.name}="classification-{fw.name}-zh.ipynb"' in zh_page
        en_colab = re.search(rf'data-colab-{fw.name}="([^"]*)"', en_page).group(1)
        zh_colab = re.search(rf'data-colab-{fw.name}="([^"]*)"', zh_page).group(1)
        assert en_colab.endswith("/" + rel)  # the notebooks tree: zh/ below the English
        assert zh_colab == en_colab[: -len(rel)] + f"{ZH.folder}/{rel}"
        assert zh.metadata["tabbook"]["language"] == "zh_CN"
        assert [c.cell_type for c in zh.cells] == [c.cell_type for c in en.cells]
        en_code = [(c.source, c.outputs) for c in en.cells if c.cell_type == "code"]
        zh_code = [(c.source, c.outputs) for c in zh.cells if c.cell_type == "code"]
        # the same code (its comments and docstrings in Chinese) and the same install, which
        # also makes the exercises' checkers speak Chinese
        assert code_differences(en, zh, ZH.language) == [], fw.name
        assert "D2L_LANGUAGE" in zh_code[0][0] and "# 安装" in zh_code[0][0]
        checks = 0
        for (_zs, zo), (es, eo) in zip(zh_code[1:], en_code[1:]):
            printed = "".join(o.get("text", "") for o in eo)
            if "PASS check_" in printed:  # the checks print Chinese, the rest as it ran
                checks += 1
                said = "".join(o.get("text", "") for o in zo)
                assert said.count("通过（PASS）check_") == printed.count("PASS check_"), said
                assert not re.search(r"\b(is|right|test|cases)\b", said), said
            else:
                assert zo == eo, es[:200]
        assert checks == 3, fw.name
        prose = [c.source for c in zh.cells if c.cell_type == "markdown"]
        assert all(CJK.search(p) for p in prose), [p[:80] for p in prose if not CJK.search(p)]
        assert "练习4.3.1的解答" in "\n".join(prose) and "Exercise" not in "\n".join(prose)
