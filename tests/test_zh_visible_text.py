"""What a reader of the Chinese edition sees is Chinese: every visible text node of every
built page of ``_build/html/zh`` (and the labels a screen reader reads, and the hints of
the solution toggles), outside code, code outputs, math and proper names, holds no
English word; "列印" (Taiwanese usage) appears nowhere; the header's "Suggest edit" leads
to the page's catalog and "Open issue" to an issue worded in Chinese (``make html``)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction

from bookutil import LAYOUT, REPO, colab_dir
from tabbook.sources.i18n import LOCALES, UI_LOCALES, edition_of
from tabbook.sources.toc import book_sources
from tabbook.stages.notebook_code import INSTALL_CELL

ZH = edition_of("zh_CN")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Proper names, product and file names a Chinese page writes in Latin letters, as the
# Chinese D2L does (longest first, so "PyTorch Lightning" goes before "PyTorch").
PROPER_NAMES = sorted({
    "D2L", "PyTorch Lightning", "PyTorch", "MXNet", "JAX", "TensorFlow", "Colab", "NumPy",
    "GitHub", "Gluon", "Flax", "Keras", "Python", "IPython", "Matplotlib", "Jupyter",
    "Gmail", "Fashion-MNIST", "CPU", "GPU", "PRNG", "SGD", "pytree", "softmax", "argmax",
    "logits", "epoch", "dropout", "hard prediction", "d2l-classification-book", "d2l",
    "CC BY-SA", "MIT-0",
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


def visible_english(html: str) -> list[str]:
    """Each text node and reader-facing label with English words, as ``where: text``, in
    the HTML as served (before any script runs)."""
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
            if isinstance(value, str) and english_in(value):
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


def test_no_english_label_in_the_html_as_served(pages):
    """Every interface label a screen reader or a tooltip reads (``title``, ``aria-label``,
    ``placeholder``) of every tag, in code and outputs too, is Chinese in the HTML the
    server sends: the theme's template labels as well ("Toggle primary sidebar", "Main",
    "Page": translated when the page is built, tabbook/sphinxext/theme_strings.py), not
    by a script once it runs. (An image's ``alt`` describes a plot: the test above.)"""
    found = []
    for name, html in pages.items():
        for tag in BeautifulSoup(html, "html.parser").find_all(True):
            for attribute in ("title", "aria-label", "placeholder", "data-bs-title"):
                value = tag.get(attribute)
                if isinstance(value, str) and english_in(value):
                    found.append(f"{name}: <{tag.name} {attribute}={value[:80]!r}>")
    assert not found, "English labels in the Chinese HTML:\n" + "\n".join(found)
    theme = BeautifulSoup(pages["chapter_linear-classification/classification.html"],
                          "html.parser")
    assert theme.select_one("button.primary-toggle[title]")["title"] == "切换主侧边栏"
    assert theme.select_one("nav.bd-docs-nav")["aria-label"] == "全书导航"


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


# --------------------------------------------------------------------------- code and outputs
# What the Chinese edition's code says to a reader (its comments and docstrings) and what it
# printed (its outputs) are Chinese too, on the pages and in the notebooks: English stays
# only as code (names, the words of the code's own string literals, reprs) and in the d2l
# library's own code (the install cell's preamble of the MXNet notebook, as in d2l/mxnet.py).

GLOSSES = ("PASS", "FAIL", "SVG", "BatchNorm", "argmin")
"""Latin words a Chinese string keeps beside its translation (通过（PASS）) or as a name."""
_GLOSSES_RE = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])" for n in GLOSSES))
LONG_WORD = re.compile(r"[A-Za-z]{3,}")
CODE_LIKE = re.compile(r"(?<=[.<`'])[A-Za-z_]\w*|[A-Za-z_]\w*(?=[(=\[>`']|\.\w)|"
                       r"\b\w*[_\d]\w*\b")
"""Code in prose or in an output: a name after a dot, ``<`` or a quote, before ``(``, ``=``,
``[`` or a dot, or with an underscore or a digit (``tf.Tensor``, ``shape=``, ``array(``,
``batch_size``, ``float32``)."""


PYTHON_NAMES = {"True", "False", "None", "Ellipsis", "NotImplemented"}
"""Python's constants: code wherever they are printed."""


def english_words(text: str, code: str = "") -> list[str]:
    """The English words (of three letters or more) of ``text`` that are not proper names,
    glosses, code-like tokens, or names and words of ``code`` (what the text comes from)."""
    text = _GLOSSES_RE.sub(" ", _NAMES_RE.sub(" ", text))
    text = CODE_LIKE.sub(" ", re.sub(r"`[^`]*`", " ", text))
    allowed = set(re.findall(r"[A-Za-z_]\w*", code)) | PYTHON_NAMES
    return [w for w in LONG_WORD.findall(text) if w not in allowed]


def code_prose_english(source: str) -> list[str]:
    """``comment or docstring: its English words`` of some code, as a reader reads them."""
    from tabbook.sources.code_prose import code_texts

    found = []
    names = " ".join(re.findall(r"[A-Za-z_]\w*", _without_prose(source)))
    for text in code_texts(source):
        words = english_words(text.text, names)
        if words:
            found.append(f"{text.kind} {text.text[:70]!r}: {words}")
    return found


def _without_prose(source: str) -> str:
    from tabbook.stages.notebook_code import without_prose

    return without_prose(source)


def library_lines() -> set[str]:
    """The lines of the generated d2l library (its code keeps its English: ``#@save``)."""
    return {ln.strip() for p in (REPO / "d2l").glob("*.py")
            for ln in p.read_text("utf-8").splitlines() if ln.strip()}


def test_the_code_check_finds_english_and_lets_code_and_names_pass():
    code = ('def f(batch_size):\n    """The exact loss of `batch_size` (in PyTorch)."""\n'
            '    print("minibatch losses:", batch_size)  # 小批量损失\n'
            '    return 1  # 返回L_v，即ceil(n / batch_size)\n')
    assert [f.split(": ")[1] for f in code_prose_english(code)] == ["['The', 'exact', 'loss']"]
    assert english_words("minibatch losses: [0.25, 0.5]", code) == []
    assert english_words("(<tf.Tensor: shape=(), dtype=float32, numpy=0.6666667>, "
                         "Array([0., 1.], dtype=float32))", code) == []
    verdict = "通过（PASS）check_exact_loss：exact_loss在全部36个测试用例上都正确。"
    assert english_words(verdict) == []
    assert english_words("PASS check_exact_loss: exact_loss is right on all 36 test cases.") \
        == ["right", "all", "test", "cases"]


def _cells(html: str) -> list[tuple[str, list[str]]]:
    """(code, [output texts]) of every code cell of a built page."""
    soup = BeautifulSoup(html, "html.parser")
    cells = []
    for cell in soup.select("div.cell"):
        source = cell.select_one("div.cell_input pre")
        outputs = [o.get_text() for o in cell.select("div.cell_output pre")]
        cells.append((source.get_text() if source else "", outputs))
    return cells


def test_no_english_in_the_code_prose_and_outputs_of_the_chinese_pages(pages):
    """Every comment and docstring of every code cell (``#@save`` code too), and every
    output, of every Chinese page: the exercise checks' verdicts in Chinese (printed in
    Chinese: tabbook.stages.language_runs), the rest English only where it is code."""
    problems, checked = [], {"cells": 0, "prose": 0, "checks": 0}
    for name, html in pages.items():
        for source, outputs in _cells(html):
            checked["cells"] += 1
            checked["prose"] += bool(code_prose_english(source) or "#" in source)
            problems += [f"{name}: code: {p}" for p in code_prose_english(source)]
            for text in outputs:
                checked["checks"] += text.count("通过（PASS）")
                words = english_words(text, source)
                if words:
                    problems.append(f"{name}: output {text[:90]!r}: {words}")
    assert checked["cells"] > 60 and checked["checks"] >= 4 * 4, checked
    assert not problems, "English in the Chinese pages' code or outputs:\n" + "\n".join(problems)


def test_no_english_in_the_chinese_notebooks(pages):
    """The Chinese notebooks (make html writes them): their markdown outside code, math and
    links, their code cells' comments and docstrings (the library's own code aside) and
    their outputs."""
    import nbformat

    library = library_lines()
    notebooks = sorted((colab_dir(REPO) / ZH.folder).rglob("*.ipynb"))
    assert len(notebooks) >= 4 * 2, notebooks
    problems = []
    for path in notebooks:
        where = path.relative_to(colab_dir(REPO)).as_posix()
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`]*`|\]\([^)]*\)", " ", cell.source,
                              flags=re.S)
                words = english_words(text)
                if words:
                    problems.append(f"{where}: markdown {cell.source[:80]!r}: {words}")
                continue
            source = cell.source
            if cell.get("id") == INSTALL_CELL:  # (the library's own code: its preamble)
                source = "\n".join(ln for ln in source.splitlines() if ln.strip() not in library)
            problems += [f"{where}: code: {p}" for p in code_prose_english(source)]
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if any(mime.startswith("image/") for mime in data):
                    continue  # (a figure; its text/plain is "<Figure size ... with 1 Axes>")
                text = out.get("text") or data.get("text/plain") or ""
                words = english_words(text, cell.source)
                if words:
                    problems.append(f"{where}: output {text[:90]!r}: {words}")
    assert not problems, "English in the Chinese notebooks:\n" + "\n".join(problems)


def test_no_space_before_or_after_a_full_width_mark_in_the_header_and_footer(pages, built_html):
    """The Colab links put the framework in full-width parentheses, with no space before
    them (在Colab中打开（PyTorch）); the footer's author follows 作者： with no space; the
    English footer reads "By the ...", not "By The ..."."""
    soup = BeautifulSoup(pages["chapter_linear-classification/classification.html"],
                         "html.parser")
    links = [" ".join(a.get_text().split()) for a in soup.select(".tabbook-colab a")]
    assert "在Colab中打开（PyTorch）（在新标签页中打开）" in links, links
    assert "下载.ipynb（PyTorch）" in links, links
    assert soup.select_one(".tabbook-colab")["data-label-format"] == "（{label}）"
    author = " ".join(soup.select_one(".component-author").get_text().split())
    assert author.startswith("作者：") and not author.startswith("作者： "), author
    english = BeautifulSoup((built_html / "chapter_linear-classification" /
                             "classification.html").read_text("utf-8"), "html.parser")
    author = " ".join(english.select_one(".component-author").get_text().split())
    assert author.startswith("By the ") and "Open in Colab (PyTorch)" in english.get_text()
