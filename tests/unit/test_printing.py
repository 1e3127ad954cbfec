"""`make pdf`'s pieces that need no browser (issue 32 item 11): the TrueType copy of a CFF
font (what Chromium embeds instead of drawing Type 3 glyphs), and the running head's CSS,
whose titles are data."""

from __future__ import annotations

import io

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

from tabbook.stages.pdf import css_string, page_css
from tabbook.stages.printfonts import truetype_subset

CHARS = {0x4E2D: "uni4E2D", 0x6587: "uni6587", 0x5B57: "uni5B57"}


def _cff_font(path) -> None:
    """A small OpenType/CFF font (cubic outlines), as Noto CJK is."""
    order = [".notdef", *CHARS.values()]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(CHARS)
    strings = {}
    for i, name in enumerate(order):
        pen = T2CharStringPen(1000, None)
        pen.moveTo((100, 0))
        pen.curveTo((100 + 50 * i, 400), (300, 800), (500, 700 - 30 * i))
        pen.curveTo((800, 600), (900, 200), (700, 0))
        pen.closePath()
        strings[name] = pen.getCharString()
    fb.setupCFF("Test-Regular", {"FullName": "Test Regular"}, strings, {})
    fb.setupHorizontalMetrics({name: (1000, 100) for name in order})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(str(path))


def _bounds(font: TTFont, name: str):
    pen = BoundsPen(font.getGlyphSet())
    font.getGlyphSet()[name].draw(pen)
    return pen.bounds


def test_a_cff_font_becomes_a_truetype_subset_of_the_same_outlines(tmp_path):
    path = tmp_path / "test.otf"
    _cff_font(path)
    cff = TTFont(str(path))
    data = truetype_subset(str(path), 0, {0x4E2D, 0x5B57})
    tt = TTFont(io.BytesIO(data))
    assert "glyf" in tt and "CFF " not in tt and tt.sfntVersion == "\x00\x01\x00\x00"
    assert set(tt.getBestCmap()) == {0x4E2D, 0x5B57}  # the characters asked for, no more
    for cp in (0x4E2D, 0x5B57):
        before, after = _bounds(cff, CHARS[cp]), _bounds(tt, tt.getBestCmap()[cp])
        assert all(abs(a - b) <= 2 for a, b in zip(before, after)), (before, after)
        glyph = tt["glyf"][tt.getBestCmap()[cp]]
        assert glyph.numberOfContours == 1 and len(glyph.coordinates) > 4  # curves kept


def test_the_running_heads_titles_are_css_strings_whatever_they_hold():
    title = 'A "quoted" title \\ with a backslash\nand a line; } @page { x'
    text = css_string(title)
    assert text.startswith('"') and text.endswith('"')
    inner = text[1:-1]
    assert '"' not in inner.replace('\\22 ', "") and "\n" not in inner
    assert "\\5c " in inner and "\\22 " in inner and "\\a " in inner
    css = page_css(title, "4.3. Section", "Framework: JAX", 12, 'x; } @import "evil.css"; {')
    assert css.count("{") == css.count("}") and "@import" not in css
    assert "counter-increment: page 12;" in css and "font-family: sans-serif;" in css
