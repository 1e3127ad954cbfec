"""The formulas rendered when the book is built, side by side with MathJax's (issue 30).

``tests/goldens/math_mathjax.json`` holds every formula of §4.3 and §3.2, in both editions,
as MathJax 3 typeset them in Chromium before the switch (``math_golden.py`` made it from
that build). Here each page of the KaTeX build is loaded in Chromium, light and dark, and
each formula compared with MathJax's, in document order: the same TeX, the same symbols
(their MathML's token text), the scripts in the same places (limits below or beside), drawn
in the text's colour, in KaTeX's own fonts, not a Tab stop, and read by screen readers from
MathML (the glyphs are ``aria-hidden``).
"""

from __future__ import annotations

import json
import re

import pytest

import math_golden
from browser_harness import open_page, settle

_KATEX_JS = """() => Array.from(document.querySelectorAll('.katex')).map(k => {
    const ann = k.querySelector('.katex-mathml annotation');
    const glyphs = k.querySelector('.katex-html');
    const box = glyphs.getBoundingClientRect();
    const host = k.closest('p, li, div, td, dd') || document.body;
    return {
        tex: ann ? ann.textContent : null,
        display: !!k.closest('.katex-display'),
        mathml: k.querySelector('.katex-mathml math').outerHTML,
        hidden: glyphs.getAttribute('aria-hidden'),
        shown: k.checkVisibility() && box.width > 0,
        drawn: box.width > 0 && box.height > 0,
        // a display formula is centred in the column (its glyphs' gaps to both sides)
        off_centre: (() => {
            const d = k.closest('div.math');  // the column's width (a numbered one: skipped)
            if (d && d.querySelector('.eqno')) return 0;
            if (!d) return 0;
            const range = document.createRange();
            range.selectNodeContents(glyphs);
            const ink = range.getBoundingClientRect(), box = d.getBoundingClientRect();
            return Math.abs((ink.left - box.left) - (box.right - ink.right));
        })(),
        color: getComputedStyle(k).color,
        text_color: getComputedStyle(host).color,
        tabbable: Array.from(k.querySelectorAll('*')).concat([k]).some(e => e.tabIndex >= 0
            && (e.hasAttribute('tabindex') || /^(A|BUTTON|INPUT)$/.test(e.tagName))),
    };
})"""


def _tex(tex: str) -> str:
    """TeX without the wrappers the two renderers add for multi-line display formulas."""
    tex = re.sub(r"\\(begin|end)\{(split|aligned|align)\}", "", tex)
    return re.sub(r"\s+|\\\\", "", tex)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", math_golden.PAGES)
def test_each_formula_shows_what_mathjax_showed(browse, server, path, scheme):
    golden = json.loads(math_golden.GOLDEN.read_text(encoding="utf-8"))[path]
    context, log = browse(color_scheme=scheme)
    page = open_page(context, server.url(path))
    for button in page.locator(".solution button.toggle-button").all():
        button.click()  # the solutions' formulas are drawn too
    settle(page)
    found = page.evaluate(_KATEX_JS)
    assert len(found) == len(golden), f"{len(golden)} formulas with MathJax, {len(found)} now"
    assert page.evaluate("document.fonts.check('1em KaTeX_Main') && "
                         "document.fonts.check('1em KaTeX_Math')")
    for i, (old, new) in enumerate(zip(golden, found)):
        what = f"formula {i + 1} of {path} (${old['tex']}$)"
        assert new["tex"] is not None, f"{what}: no TeX annotation"
        assert _tex(new["tex"]) == _tex(old["tex"]), f"{what}: now ${new['tex']}$"
        assert new["display"] == old["display"], what
        assert math_golden.symbols(new["mathml"]) == old["symbols"], (
            f"{what}: MathJax showed {old['symbols']!r}, now "
            f"{math_golden.symbols(new['mathml'])!r}")
        before = math_golden.layout(old["mathml"], old["display"])
        now = math_golden.layout(new["mathml"], new["display"])
        assert now == before, (f"{what}: scripts placed otherwise (U below or above, S "
                               f"beside): MathJax {before}, now {now}")
        assert new["hidden"] == "true", f"{what}: screen readers would read the glyphs"
        assert not new["tabbable"], f"{what} is a Tab stop"
        if new["shown"]:
            assert new["drawn"], f"{what} is not drawn"
            assert new["color"] == new["text_color"], f"{what}: {new['color']} on {scheme}"
            assert new["off_centre"] < 4, f"{what} is {new['off_centre']:.0f} px off centre"
    assert any(f["shown"] for f in found)
    assert not found or any(f["shown"] and f["display"] for f in found) or not any(
        f["display"] for f in found), "no display formula was checked"
    browse.assert_clean(log)


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_search_snippets_read_formulas_as_symbols(browse, server, prefix):
    """The snippet around a formula shows its symbols once, not its TeX (a MathJax build
    showed ``\\(E_{x, y}[l(y, \\hat y(x))]\\)`` for "decision rules")."""
    context, log = browse()
    query = "decision" if not prefix else "贝叶斯"
    page = open_page(context, server.url(f"{prefix}search.html?q={query}"))
    page.wait_for_selector("#search-results li p.context", timeout=10_000)
    snippets = page.locator("#search-results li p.context").all_inner_texts()
    assert snippets
    for snippet in snippets:
        assert not re.search(r"\\[A-Za-z(\[]|\$|_\{|\^\{", snippet), snippet
    # E_{x, y}[l(y, \hat y(x))], as its symbols, once (not KaTeX's glyphs a second time)
    shown = [s for s in snippets if "Ex,y[l(y,y^(x))]" in s]
    assert shown and "Ex,y[l(y,y^(x))]Ex,y" not in shown[0], snippets
    browse.assert_clean(log)
