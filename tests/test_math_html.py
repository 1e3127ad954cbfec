"""The formulas of the built book, read as HTML (issue 30): every formula of every page,
in both editions, is rendered when the book is built, and no page loads math JavaScript."""

from __future__ import annotations

import json
import re

import pytest

from bookutil import REPO, parsed_html
from tabbook.core.layout import DEFAULT_COLAB_DIR
from tabbook.core.myst_markdown import directive_of, tokens
from tabbook.sources.i18n import TRANSLATIONS, page_catalog, translate_myst
from tabbook.sources.toc import read_toc

MATH_TOKENS = {"math_inline", "math_inline_double", "math_block", "math_block_label",
               "math_block_eqno", "amsmath"}
MATH_SCRIPT = re.compile(r"mathjax|katex[^\"']*\.js|tex-(?:mml-)?(?:chtml|svg)|mathml\.js|"
                         r"text/x-mathjax|window\.MathJax", re.I)
RAW_TEX = re.compile(r"\$[^$\s][^$]*\$|\\\(|\\\[|\\(?:frac|mathbf|mathrm|sum|hat|left|right|"
                     r"mathop|operatorname|boldsymbol|mathbb|begin)\b")


def formulas_in(text: str) -> int:
    """Formulas in a page's MyST text: ``$...$``, ``$$...$$``, ``{math}`` roles and blocks,
    amsmath environments, inside directives (admonitions, exercises, solutions) too."""
    count = 0
    for tok in tokens(text):
        if tok.type in MATH_TOKENS:
            count += 1
        directive = directive_of(tok) if tok.type in ("fence", "colon_fence") else None
        if directive is not None:
            if directive.name == "math":
                count += 1
            elif directive.name not in ("code-cell", "code", "code-block"):
                count += formulas_in(directive.body)
        for child in tok.children or []:
            count += child.type in MATH_TOKENS or (
                child.type == "myst_role" and child.meta.get("name") == "math")
    return count


def pages() -> list[str]:
    """The docnames of the toc's MyST pages."""
    return [src[:-3] for src in read_toc(REPO) if src.endswith(".md")]


def editions():
    yield "", lambda doc, text: text
    for edition in TRANSLATIONS:
        yield edition.folder, lambda doc, text, lang=edition.language: translate_myst(
            text, page_catalog(REPO, lang, doc))


def rendered(html_dir, folder: str, doc: str):
    page = parsed_html(html_dir / folder / f"{doc}.html")
    return page, page.select("span.katex")


@pytest.mark.parametrize("folder,translate", list(editions()),
                         ids=["en"] + [e.language for e in TRANSLATIONS])
def test_every_formula_of_every_page_is_rendered(built_html, folder, translate):
    """As many rendered formulas in each page's HTML as the page's source (or translation)
    has formulas, none left as TeX in the text, none an error."""
    assert len(pages()) >= 4
    for doc in pages():
        text = translate(doc, (REPO / f"{doc}.md").read_text(encoding="utf-8"))
        want = formulas_in(text)
        page, found = rendered(built_html, folder, doc)
        assert len(found) == want, (f"{folder or 'en'}/{doc}: {want} formulas in the source, "
                                    f"{len(found)} rendered")
        assert not page.select(".katex-error, mjx-container, .MathJax"), doc
        for el in found:
            assert el.select_one(".katex-mathml math annotation[encoding='application/x-tex']")
            assert el.select_one(".katex-html[aria-hidden='true']"), "the glyphs are read aloud"
        main = page.select_one("main") or page
        text_nodes = [s for s in main.find_all(string=True)
                      if not s.find_parent(class_=re.compile(r"^(katex|highlight|cell_input|"
                                                             r"cell_output|tryit)"))
                      and s.parent.name not in ("script", "style", "pre", "code")]
        raw = [s.strip()[:80] for s in text_nodes if RAW_TEX.search(s)]
        assert not raw, f"{folder or 'en'}/{doc}: TeX left in the text: {raw}"


def test_the_book_has_formulas_to_check():
    assert formulas_in((REPO / "chapter_linear-classification/classification.md")
                       .read_text(encoding="utf-8")) > 100


def test_no_page_references_a_math_script(built_html):
    """No page of either edition loads math JavaScript (MathJax, KaTeX's script), and
    none is shipped; pages with formulas link KaTeX's stylesheet, pages without do not."""
    for path in sorted(built_html.rglob("*.html")):
        if "_static" in path.parts:
            continue
        html = path.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*>.*?</script>", html, re.S)
        bad = [s[:200] for s in scripts if MATH_SCRIPT.search(s)]
        assert not bad, f"{path.relative_to(built_html)} references a math script: {bad}"
        links_css = "_static/katex/katex.min.css" in html
        assert links_css == ('class="katex"' in html), (
            f"{path.relative_to(built_html)}: KaTeX's stylesheet "
            f"{'linked without formulas' if links_css else 'missing'}")
    shipped = []
    for p in built_html.rglob("*"):
        rel = p.relative_to(built_html).as_posix()
        if not p.is_file():
            continue
        if "mathjax" in rel.lower() or (p.suffix == ".js" and "katex" in rel.lower()):
            shipped.append(rel)
        elif "/katex/" in rel and p.suffix not in (".css", ".woff2") and p.name != "LICENSE":
            shipped.append(rel)
    assert not shipped, f"math scripts or fonts other than woff2 shipped: {shipped[:5]}"


def test_no_unused_assets(built_html):
    """sphinx-thebe is not loaded where the book has no Live Code button (issue 30)."""
    for path in sorted(built_html.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert "sphinx-thebe.js" not in html and "THEBE_JS_URL" not in html, path
        assert "sphinx-thebe.css" not in html, path


TEX_WORDS = ("frac", "mathrm", "mathop", "mathbf", "ldot", "lceil", "rceil", "cdot", "begin")


@pytest.mark.parametrize("folder", [""] + [e.folder for e in TRANSLATIONS])
def test_the_search_index_holds_no_tex(built_html, folder):
    """A formula is indexed as its symbols, not its TeX (MathJax builds indexed "frac",
    "mathrm", "lceil"... from every formula)."""
    text = (built_html / folder / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(text[text.index("(") + 1:text.rindex(")")])["terms"]
    indexed = [w for w in TEX_WORDS if terms.get(w) not in (None, [])]
    assert not indexed, f"{folder or 'en'}: TeX in the search index: {indexed}"


@pytest.mark.parametrize("folder", [""] + [f"{e.folder}/" for e in TRANSLATIONS])
def test_the_notebooks_keep_the_tex(built_html, folder):
    """Colab and Jupyter render ``$...$`` themselves: a notebook's markdown keeps every
    formula of the page as TeX, and none of the book's rendered HTML."""
    colab = REPO / DEFAULT_COLAB_DIR / folder / "pytorch"
    source = (REPO / "chapter_linear-classification/classification.md").read_text(encoding="utf-8")
    page = json.loads((colab / "chapter_linear-classification/classification.ipynb")
                      .read_text(encoding="utf-8"))
    markdown = "".join("".join(c["source"]) for c in page["cells"] if c["cell_type"] == "markdown")
    for tex in re.findall(r"(?<!\$)\$([^$\n]+)\$(?!\$)", source)[:40]:
        assert f"${tex}$" in markdown, f"{folder or 'en'}: ${tex}$ is not in the notebook"
    assert "katex" not in markdown
