"""What a reader of the Chinese edition sees is Chinese: every visible text node of every
built page of ``_build/html/zh`` (and the labels a screen reader reads, and the hints of
the solution toggles), outside code, code outputs, math and proper names, holds no
English word; "列印" (Taiwanese usage) appears nowhere; the header's "Suggest edit" leads
to the page's catalog and "Open issue" to an issue worded in Chinese (``make html``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction

from bookutil import LAYOUT, REPO
from tabbook.sources.i18n import LOCALES, UI_LOCALES, edition_of
from tabbook.sources.toc import book_sources

ZH = edition_of("zh_CN")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Proper names, product and file names a Chinese page writes in Latin letters, as the
# Chinese D2L does (longest first, so "PyTorch Lightning" goes before "PyTorch").
PROPER_NAMES = sorted({
    "D2L", "PyTorch Lightning", "PyTorch", "MXNet", "JAX", "TensorFlow", "Colab", "NumPy",
    "GitHub", "Gluon", "Flax", "Keras", "Python", "IPython", "Matplotlib", "Jupyter",
    "Gmail", "Fashion-MNIST", "CPU", "GPU", "PRNG", "SGD", "pytree", "softmax", "argmax",
    "logits", "epoch", "dropout", "d2l-classification-book", "d2l", "CC BY-SA", "MIT-0",
    "Aston Zhang", "Zachary C. Lipton", "Mu Li", "Alexander J. Smola", "Zhang", "Lipton",
    "Li", "Smola", "Sphinx", "English", "Ctrl", ".ipynb", ".pdf", ".md", "PDF",
    "SageMaker Studio Lab", "JupyterHub",
}, key=len, reverse=True)
_NAMES_RE = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])"
                                for n in PROPER_NAMES))
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")

# Not prose: code and its outputs, math, scripts; and what no reader sees.
NOT_TEXT_TAGS = ("script", "style", "noscript", "template", "pre", "code", "kbd", "samp",
                 "svg", "math")
NOT_TEXT_CLASSES = ("math", "highlight", "cell_output", "output", "MathJax", "notranslate")
LABEL_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-bs-title")


def zh_pages() -> list[Path]:
    root = LAYOUT.html(ZH)
    pages = sorted(p for p in root.rglob("*.html")
                   if not {"_static", "_colab", "_sources", "_images"}
                   & set(p.relative_to(root).parts))
    return pages


def english_in(text: str) -> list[str]:
    """The English words of ``text`` once proper names are taken out."""
    return ENGLISH_WORD.findall(_NAMES_RE.sub(" ", text))


def _not_prose(tag) -> bool:
    classes = tag.get("class") or []
    return tag.name in NOT_TEXT_TAGS or any(c in NOT_TEXT_CLASSES for c in classes) \
        or tag.get("aria-hidden") == "true"


def script_strings(html: str) -> dict[str, str]:
    """``window.TABBOOK_STRINGS``: the theme's template labels that no catalog reaches,
    which the page's script (static/tabbook-lang.js) puts in place once it runs."""
    m = re.search(r"window\.TABBOOK_STRINGS = (\{.*?\});", html)
    return json.loads(m.group(1)) if m else {}


def visible_english(html: str) -> list[str]:
    """Each text node and reader-facing label with English words, as ``where: text``
    (a label the page's script translates counts as translated)."""
    translated = {k for k, v in script_strings(html).items() if CJK.search(v)}
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_not_prose):
        tag.decompose()
    found = []
    for node in soup.find_all(string=True):
        if isinstance(node, (Comment, Doctype, Declaration, ProcessingInstruction)):
            continue
        text = " ".join(node.split())
        if text and english_in(text):
            found.append(f"<{node.parent.name}>: {text[:120]}")
    for tag in soup.find_all(True):
        for attribute in LABEL_ATTRIBUTES:
            value = tag.get(attribute)
            if isinstance(value, str) and english_in(value) and value not in translated:
                found.append(f"<{tag.name} {attribute}>: {value[:120]}")
    return found


@pytest.fixture(scope="module")
def pages(built_html):
    found = zh_pages()
    if not (built_html / ZH.folder / "index.html").exists():
        pytest.fail("the Chinese edition is not built: run `make html`")
    return {p.relative_to(built_html / ZH.folder).as_posix(): p.read_text("utf-8") for p in found}


def test_the_check_finds_english_and_lets_proper_names_and_code_pass():
    """The detector itself, on a small page: it must catch what the editor found."""
    page = """<html><body>
      <span class="btn__text-container">Suggest edit</span>
      <p class="copyright">© Copyright 2026.</p>
      <button aria-label="Source repositories"></button>
      <p>在PyTorch Lightning和JAX中，<code>validation_step</code>返回$x$
        <span class="math">\\(x_i\\)</span>。</p>
      <div class="highlight"><pre>print('minibatch losses')</pre></div>
      <div class="cell_output"><pre>quick estimate</pre></div>
      <!-- Table of contents -->
      <a>English</a> <a>在Colab中打开</a> <span>(PyTorch)</span> <a>下载.ipynb</a>
    </body></html>"""
    found = visible_english(page)
    assert [f.split(": ", 1)[1] for f in found] == [
        "Suggest edit", "© Copyright 2026.", "Source repositories"], found


def test_every_toc_page_and_the_search_page_are_checked(pages):
    docnames = {Path(p).with_suffix("").as_posix() for p in book_sources(REPO)}
    assert {f"{d}.html" for d in docnames} | {"search.html"} <= set(pages), sorted(pages)


def test_no_english_outside_code_math_and_proper_names(pages):
    problems = [f"{name}: {where}" for name, html in pages.items()
                for where in visible_english(html)]
    assert not problems, "English on the Chinese pages:\n" + "\n".join(problems)


def test_the_solution_toggles_hint_in_chinese(pages):
    """sphinx-togglebutton writes its hints into each page as script variables (it ships
    them as zh-cn, which a zh_CN build did not find)."""
    html = pages["chapter_linear-classification/classification.html"]
    hints = dict(re.findall(r"let (toggleHint(?:Show|Hide)) = '([^']*)';", html))
    assert set(hints) == {"toggleHintShow", "toggleHintHide"}, hints
    for name, hint in hints.items():
        assert CJK.search(hint) and not english_in(hint), (name, hint)


def test_solution_titles_read_as_the_notebooks_and_buttons_do(pages):
    """One form of a solution's title everywhere: 练习4.3.1的解答 (the tool's
    ``Solution to {}``), the exercise's number as its title shows it (练习4.3.1)."""
    soup = BeautifulSoup(pages["chapter_linear-classification/classification.html"],
                         "html.parser")
    titles = [" ".join(t.get_text().split()) for t in soup.select(".solution .admonition-title")]
    assert titles and titles == [f"练习4.3.{i}的解答" for i in range(1, len(titles) + 1)], titles
    exercises = [" ".join(t.get_text().split()) for t in soup.select(".exercise .admonition-title")]
    assert exercises and all(re.match(r"^练习4\.3\.\d", t) for t in exercises), exercises
    prose = soup.get_text()
    assert "练习1" not in prose and "由练习4.3.1可知" in prose


def test_suggest_edit_opens_the_pages_catalog_and_issues_are_in_chinese(pages):
    html = pages["chapter_linear-classification/classification.html"]
    soup = BeautifulSoup(html, "html.parser")
    edit = soup.select_one("a.btn-source-edit-button")
    issue = soup.select_one("a.btn-source-issues-button")
    assert edit is not None and issue is not None
    page = "chapter_linear-classification/classification"
    assert edit["href"].endswith(f"/{LOCALES}/{ZH.language}/LC_MESSAGES/{page}.po"), edit["href"]
    assert (REPO / LOCALES / ZH.language / "LC_MESSAGES" / f"{page}.po").is_file()
    query = parse_qs(urlparse(issue["href"]).query)
    title, body = query["title"][0], query["body"][0]
    assert f"/{ZH.folder}/{page}.html" in title and CJK.search(title), title
    assert CJK.search(body) and not english_in(unquote(body)), body


def test_mainland_usage_no_lie_yin(pages):
    """列印 (Taiwanese for 打印) on no page, in no script, in no catalog of the book or tool."""
    assert not [name for name, html in pages.items() if "列印" in html]
    catalogs = list((REPO / LOCALES).rglob("*.po")) + list(UI_LOCALES.rglob("*.po"))
    assert catalogs and not [p for p in catalogs if "列印" in p.read_text("utf-8")]
