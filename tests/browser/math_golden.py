"""The golden of the book's formulas as MathJax 3 typeset them (issue 30), and the comparison.

Made once, from a build that still loaded MathJax in the browser (before formulas were
rendered at build time), by this script:

    .venv/bin/python tests/browser/math_golden.py --html <the MathJax build> \
        > tests/goldens/math_mathjax.json

For each page of :data:`PAGES` (both editions), every formula MathJax found, in document
order: its TeX, display or inline, and the MathML MathJax made of it
(``MathJax.startup.toMML``). ``tests/browser/test_math.py`` compares the formulas the
build renders (KaTeX's MathML) with it: same TeX, same symbols.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser_harness as bh  # noqa: E402

PAGES = (bh.PAGE_43, bh.PAGE_32, f"zh/{bh.PAGE_43}", f"zh/{bh.PAGE_32}")
GOLDEN = Path(__file__).resolve().parents[1] / "goldens" / "math_mathjax.json"

_MATHJAX_JS = """async () => {
    await MathJax.startup.promise;
    const out = [];
    for (const item of MathJax.startup.document.math) {
        out.push({tex: item.math, display: item.display, mathml: MathJax.startup.toMML(item.root)});
    }
    return out;
}"""

INVISIBLE = {"\u2061", "\u2062", "\u2063", "\u2064", "\u200b"}
"""Function application, invisible times/separator/plus, zero width space: not symbols."""
SAME = {"\u2212": "-", "\u2217": "*", "\u2032": "'", "\u00a0": " ", "\u2223": "|",
        "\u2225": "\u2016", "\u22c5": "\u00b7", "\u02c6": "^", "\u0302": "^", "\u2192": "\u2192",
        "\u27e8": "\u2329", "\u27e9": "\u232a", "\u2014": "-", "\u2013": "-"}
"""Code points two renderers pick differently for one symbol (minus, prime, mid, hat...)."""


class _Tokens(HTMLParser):
    """The text inside MathML's token elements (HTML entities decoded, as a browser does)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.text = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in ("mi", "mn", "mo", "mtext", "ms")

    def handle_endtag(self, tag):
        self.depth -= tag in ("mi", "mn", "mo", "mtext", "ms") and self.depth > 0

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def symbols(mathml: str) -> str:
    """The symbols a formula shows, in order: the text of its token elements, without its
    TeX annotation, invisible operators and spaces, a few look-alike code points unified."""
    mathml = re.sub(r"<annotation[^>]*>.*?</annotation>", "", mathml, flags=re.S)
    tokens = _Tokens()
    tokens.feed(mathml)
    tokens.close()
    text = unicodedata.normalize("NFKC", "".join(tokens.text))
    return "".join(SAME.get(c, c) for c in text if c not in INVISIBLE and not c.isspace())


SCRIPTS = {"munder": "U", "mover": "U", "munderover": "U", "msub": "S", "msup": "S",
           "msubsup": "S"}


def layout(mathml: str, display: bool) -> str:
    """Where the formula's scripts go, in order: below/above (``U``: limits, accents) or
    beside (``S``: sub- and superscripts). In an inline formula an operator's limits are
    drawn beside it (TeX's text style): MathJax writes them as ``munder`` of an operator
    whose limits move, KaTeX as ``msub``; both count as beside."""
    mathml = re.sub(r"<annotation[^>]*>.*?</annotation>", "", mathml, flags=re.S)
    out = []
    for tag in re.findall(r"<(m\w+)\b", mathml):
        if tag in SCRIPTS:
            out.append("S" if tag in ("munder", "munderover") and not display else SCRIPTS[tag])
    return "".join(out)


def same_tex(a: str, b: str) -> bool:
    """Equal TeX but for whitespace."""
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def collect(html: Path) -> dict[str, list[dict]]:
    from playwright.sync_api import sync_playwright

    out = {}
    with bh.BookServer(html) as server, sync_playwright() as pw:
        browser = bh.launch(pw, bh.require_chromium())
        try:
            context = browser.new_context(viewport=bh.DESKTOP)
            bh.watch(context)
            for path in PAGES:
                page = bh.open_page(context, server.url(path))
                items = page.evaluate(_MATHJAX_JS)
                out[path] = [{**item, "symbols": symbols(item["mathml"])} for item in items]
                page.close()
        finally:
            browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, required=True, help="a build whose pages load MathJax")
    args = parser.parse_args(argv)
    golden = collect(bh.require_built(args.html.resolve()))
    json.dump(golden, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
