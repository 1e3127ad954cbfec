"""The formulas rendered when the book is built (tabbook.stages.mathrender, KaTeX in one node
process; tabbook.sphinxext.sphinx_math): D2L's LaTeX renders, a formula that cannot be
rendered fails the build naming where it is, the search index reads symbols."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bookutil import tool_env
from tabbook.core.layout import Layout
from tabbook.core.myst_markdown import MYST_EXTENSIONS
from tabbook.stages import mathrender
from tabbook.stages.mathrender import Formula, MathError

D2L_TEX = [
    r"\mathbf{x}^\top \mathbf{w} + b", r"\boldsymbol{\mu}, \boldsymbol{\Sigma}",
    r"\mathbb{R}^{d \times q}", r"\mathbb{E}_{x \sim p}[f(x)]",
    r"\operatorname{softmax}(\mathbf{o})", r"\operatorname*{argmax}_j \hat{y}_j",
    r"\mathop{\mathrm{argmin}}_{y'} \sum_{y} l(y, y')\, p(y \mid x)",
    r"\|\mathbf{x}\|_2, \lVert \mathbf{w} \rVert^2", r"\partial_{o_j} l = \nabla_{\mathbf{W}} L",
    r"\exp(o_j) / \sum_k \exp(o_k)", r"\log \Pr(i \in \text{minibatch } k)",
    r"\lceil n/b \rceil, \ldots, \cdots", r"\mathcal{L}(\mathbf{\theta}), \tilde{x}, \bar{y}",
    r"\frac{\partial l}{\partial w} \neq 0 \le 1 \cdot 2", r"\sqrt{\sigma^2 + \epsilon}",
    r"\mathbf{X} \odot \mathbf{Y} \otimes \mathbf{Z}, f \circ g", r"\max_i |x_i|, \infty",
    r"\mathrm{d}x, \mathsf{T}, \textrm{loss}, \prod_{i=1}^n p_i, \int_0^1 x\, dx",
    r"\left\{ \begin{array}{ll} 1 & x > 0 \\ 0 & \text{otherwise} \end{array} \right.",
    r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} \begin{bmatrix} a \\ b \end{bmatrix}",
    r"f(x) = \begin{cases} x & x > 0 \\ 0 & \text{else} \end{cases}",
]
D2L_DISPLAY = [
    "\\begin{aligned} l &= -\\sum_j y_j \\log \\hat{y}_j \\\\ &= 0 \\end{aligned}",
    "a = b \\\\ c = d",                       # what Sphinx handed MathJax as split
    "\\begin{split} a &= b \\\\ &= c \\end{split}",
    "E[l_k] = \\frac{1}{m_k}\n\nL_v = L_v^q",  # two equations, one under the other
    "\\begin{align} a &= b \\\\ c &= d \\end{align}",  # an amsmath block
]


@pytest.fixture(scope="module")
def renderer():
    r = mathrender.KatexRenderer(mathrender.install())
    yield r
    r.close()


def test_the_latex_d2l_uses_renders_with_mathml(renderer):
    formulas = ([Formula(t, False) for t in D2L_TEX] + [Formula(t, True) for t in D2L_DISPLAY])
    out = renderer.render(formulas)
    for f in formulas:
        html = out[f.key]
        assert '<span class="katex">' in html and "<math" in html, f.tex
        assert 'class="katex-html" aria-hidden="true"' in html, f.tex
        assert 'tabindex' not in html, f"{f.tex}: a formula is a Tab stop"
        assert ("katex-display" in html) == f.display


def test_one_node_process_for_many_formulas(renderer):
    renderer.render([Formula(f"x_{{{i}}}", False) for i in range(200)])
    pid = renderer._proc.pid
    renderer.render([Formula(f"y_{{{i}}}", True) for i in range(50)])
    assert renderer._proc.pid == pid


def test_a_formula_that_cannot_be_rendered_is_named_with_where_it_is(renderer):
    with pytest.raises(MathError) as err:
        renderer.render([Formula("x^2", False, "p.md:3"),
                         Formula(r"\notamacro{x}", False, "p.md:7"),
                         Formula(r"\frac{1}{", True, "q.md:9")])
    message = str(err.value)
    assert "p.md:7: formula $\\notamacro{x}$ cannot be rendered" in message
    assert "q.md:9: formula $\\frac{1}{$" in message and "p.md:3" not in message
    assert set(err.value.failed) == {(r"\notamacro{x}", False), (r"\frac{1}{", True)}
    assert renderer.html(Formula("x^2", False))  # the process lives on


def test_display_tex_as_sphinx_hands_it_to_mathjax():
    assert mathrender.katex_tex("a = b \\\\ c = d", True) == (
        "\\begin{aligned}a = b \\\\ c = d\\end{aligned}")
    assert mathrender.katex_tex("a\n\nb", True) == "\\begin{aligned}a \\\\ b\\end{aligned}"
    assert mathrender.katex_tex("\\begin{split}a\\\\b\\end{split}", True) == \
        "\\begin{aligned}a\\\\b\\end{aligned}"
    assert mathrender.katex_tex(" a \\\\ b ", False) == "a \\\\ b"


def test_the_search_index_reads_symbols_not_tex(renderer):
    html = renderer.html(Formula(r"E_{x, y}[\hat{y}] = \frac{1}{n}", False))
    text = mathrender.readable(html)
    assert "\\" not in text and "{" not in text and text.startswith("E") and "n" in text


def test_stylesheet_points_at_woff2_fonts_only(tmp_path):
    npm = mathrender.install()
    stage = mathrender.stage(npm, tmp_path) / mathrender.STATIC_NAME
    css = (stage / mathrender.CSS_NAME).read_text(encoding="utf-8")
    assert ".woff2" in css and ".woff)" not in css and ".ttf" not in css
    fonts = {p.suffix for p in (stage / "fonts").iterdir()}
    assert fonts == {".woff2"}
    for url in set(re.findall(r"url\((fonts/[^)]+)\)", css)):
        assert (stage / url).is_file(), url


def _build(tmp_path, index: str, language: str | None = None, po: str | None = None):
    """Sphinx on a one-page book, in a process of its own (an app in this process would
    leave its registrations behind for the tiny book's build); its exit status and output."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "tabbook.sphinxext.sphinx_math"]\n'
        f'myst_enable_extensions = {list(MYST_EXTENSIONS)!r}\nlocale_dirs = ["locales"]\n'
        f'language = {language or "en"!r}\n', encoding="utf-8")
    (tmp_path / "index.md").write_text(index, encoding="utf-8")
    if po:
        folder = tmp_path / "locales" / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "index.po").write_text(po, encoding="utf-8")
    out = Layout(tmp_path).html_root
    res = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", str(tmp_path),
                          str(out)], capture_output=True, text=True, timeout=300,
                         env=tool_env())
    return res, out


GOOD = ("# Title\n\nInline $\\hat{y} = \\mathbf{x}^\\top w$ here.\n\n"
        "$$\nL = \\sum_i l_i\n$$ (eq-loss)\n\nSee {eq}`eq-loss`.\n")


def test_a_page_renders_inline_display_numbered_and_referenced(tmp_path):
    stale = Layout(tmp_path).html_root / "_static" / "mathjax"  # what a MathJax build left there
    stale.mkdir(parents=True)
    (stale / "tex-chtml.js").write_text("// MathJax", encoding="utf-8")
    res, out = _build(tmp_path, GOOD)
    assert res.returncode == 0, res.stderr
    assert not stale.exists(), "the site would ship the MathJax an earlier build served"
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count('<span class="katex">') == 2 and "katex-display" in html
    assert '<span class="eqno">(1)' in html and 'href="#equation-eq-loss"' in html
    assert "_static/katex/katex.min.css" in html
    assert not re.search(r"<script[^>]*(mathjax|katex)", html, re.I)
    assert (Layout(tmp_path).html_root / "_static" / "katex" / "katex.min.css").is_file()


def test_a_bad_formula_fails_the_build_naming_page_line_formula(tmp_path):
    res, out = _build(tmp_path, "# Title\n\nFine $x$.\n\nBroken $\\nosuchmacro{x}$ here.\n")
    message = res.stderr
    assert res.returncode != 0
    assert "index.md:5" in message and "$\\nosuchmacro{x}$" in message
    assert "Undefined control sequence" in message
    assert not (out / "index.html").exists(), "a page was written"


PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Fine $x$."
msgstr "好的 $\\\\brokenmacro{x}$。"
'''


def test_a_bad_formula_of_a_translation_names_the_catalog_entry(tmp_path):
    res, _ = _build(tmp_path, "# Title\n\nFine $x$.\n", "zh_CN", PO)
    message = res.stderr
    assert res.returncode != 0
    assert "$\\brokenmacro{x}$" in message
    assert "locales/zh_CN/LC_MESSAGES/index.po:5" in message, message


def test_mathop_limits_go_below_in_display_and_beside_inline(renderer):
    """TeX's \\mathop (D2L's \\mathop{\\mathrm{argmin}}_{y'}) has its limits below in a display
    formula, as MathJax drew them; KaTeX's own \\mathop never does."""
    tex = r"\mathop{\mathrm{argmin}}_{y'} f(y')"
    display = renderer.html(Formula(tex, True))
    inline = renderer.html(Formula(tex, False))
    assert "<munder>" in display and "<msub><mrow><mi mathvariant" not in display
    assert "<munder>" not in inline and "<msub>" in inline
