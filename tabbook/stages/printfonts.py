"""The fonts `make pdf` prints an edition's script with where Chromium would print Type 3.

Chromium's PDF backend (Skia) embeds a TrueType font (``glyf`` outlines) as a subset font
program, but draws every glyph of a CFF-flavoured OpenType font as a Type 3 procedure (no
font program, no hinting; Skia's ``SkPDFFont::FontType`` forces "Type3 fallback" for CFF,
whose embedding as OpenType needs PDF 1.6, and for variable fonts). Debian's Chinese fonts,
``fonts-noto-cjk``, are CFF (``NotoSansCJK-Regular.ttc`` is a collection of OpenType/CFF
fonts), and fontconfig gives them for every generic family of a Chinese page: a Chinese
PDF was twice the size of the English one (3.1 against 1.6 MB), with 500-odd Type 3 fonts.

So, before it prints an edition, `make pdf` asks fontconfig which font renders the
edition's language (:attr:`tabbook.sources.i18n.Edition.html_lang`), regular and bold. When
that font is CFF, :func:`print_fonts` makes a TrueType copy of the glyphs of the characters
the edition's pages use from U+2E80 on (the CJK blocks, kana, Hangul, full-width forms):
fontTools subsets it and turns its cubic outlines into quadratic ones (within 1/1000 em).
Each printed page gets the copy as a web font (``data:`` URL) placed first in the font
family of every element that holds such characters (:data:`APPLY_JS`), for those characters
only (``unicode-range``): Latin text keeps its fonts, Chinese text keeps Noto's design, and
Skia embeds both as CID TrueType subsets. A language whose font is TrueType already (the
English edition's DejaVu) needs none.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FAMILY = "tabbook-print-script"
"""The web font's family name (the copy of the edition's own font)."""
FIRST_CODEPOINT = 0x2E80
"""Characters from here on (CJK radicals and everything after them) use the copy."""
WEIGHTS = (("regular", 400), ("bold", 700))
"""fontconfig's weight names and the CSS weights of the faces made."""


@dataclass(frozen=True)
class PrintFonts:
    """The faces made for one edition: the CSS that declares them, and their characters."""

    css: str
    """``@font-face`` rules (``data:`` URLs)."""
    codepoints: frozenset[int]
    sources: tuple[str, ...]
    """The font files copied (for the log)."""

    @property
    def pattern(self) -> str:
        """A JavaScript regex source (``u`` flag) matching any of :attr:`codepoints`."""
        return "[" + "".join(f"\\u{{{cp:x}}}" for cp in sorted(self.codepoints)) + "]"


def fc_match(pattern: str) -> tuple[str, int, str] | None:
    """(file, index in a collection, format: ``CFF``, ``TrueType``, ...) of the font
    fontconfig gives for ``pattern``; None without fontconfig's ``fc-match``."""
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    res = subprocess.run([exe, "-f", "%{file}\n%{index}\n%{fontformat}\n", pattern],
                         capture_output=True, text=True, timeout=60)
    lines = res.stdout.splitlines()
    if res.returncode != 0 or len(lines) < 3 or not lines[0]:
        return None
    return lines[0], int(lines[1] or 0), lines[2]


def truetype_subset(path: str, index: int, codepoints: set[int]) -> bytes:
    """The glyphs of ``codepoints`` of the font ``path`` (``index`` in a collection) as a
    TrueType font: subset (layout features kept), CFF outlines made quadratic."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(path, fontNumber=index)
    options = subset.Options()
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    if "CFF " in font:
        glyphs, order = font.getGlyphSet(), font.getGlyphOrder()
        glyf = newTable("glyf")
        glyf.glyphOrder, glyf.glyphs = order, {}
        for name in order:
            pen = TTGlyphPen(None)
            glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
            glyf.glyphs[name] = pen.glyph()
        font["glyf"], font["loca"] = glyf, newTable("loca")
        for tag in ("CFF ", "VORG"):
            if tag in font:
                del font[tag]
        maxp = font["maxp"]
        maxp.tableVersion = 0x00010000
        for name in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                     "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
            setattr(maxp, name, 0)
        maxp.maxZones = 1
        font["head"].glyphDataFormat = 0
        font["post"].formatType = 3.0  # no glyph names (a CID font's are cid00001, ...)
        font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _covered(path: str, index: int) -> set[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    return set(font.getBestCmap() or {})


def print_fonts(html_lang: str, pages: list[Path], log=print) -> PrintFonts | None:
    """The TrueType copies of the font fontconfig renders ``html_lang`` with, for the
    characters of ``pages`` (HTML files) from :data:`FIRST_CODEPOINT` on; None when that
    font is not CFF (nothing would be Type 3) or the pages have no such character. Without
    fontconfig or fontTools the PDF keeps Chromium's Type 3 fonts, and the log says so."""
    used = set()
    for page in pages:
        used |= {ord(c) for c in Path(page).read_text(encoding="utf-8")
                 if ord(c) >= FIRST_CODEPOINT}
    if not used:
        return None
    faces, sources, covered = [], [], None
    for name, weight in WEIGHTS:
        found = fc_match(f"sans-serif:lang={html_lang.lower()}:weight={name}")
        if found is None:
            log(f"[tabbook] warning: fontconfig's fc-match is missing: the {html_lang} PDFs "
                "keep Type 3 fonts (install fontconfig)")
            return None
        path, index, fmt = found
        if fmt != "CFF":
            continue
        try:
            covered = _covered(path, index) if covered is None else covered
            data = truetype_subset(path, index, used & covered)
        except ImportError:
            log(f"[tabbook] warning: fontTools is missing: the {html_lang} PDFs keep Type 3 "
                "fonts (`pip install -r requirements.txt`)")
            return None
        sources.append(f"{path}#{index}")
        faces.append((weight, data))
    if not faces:
        return None
    chars = frozenset(used & covered)
    ranges = ", ".join(f"U+{cp:X}" for cp in sorted(chars))
    css = "\n".join(
        f"@font-face {{ font-family: '{FAMILY}'; font-weight: {weight}; "
        f"src: url(data:font/ttf;base64,{base64.b64encode(data).decode()}) format('truetype'); "
        f"unicode-range: {ranges}; }}" for weight, data in faces)
    return PrintFonts(css, chars, tuple(sources))


APPLY_JS = """([family, pattern]) => {
    // the copy goes first in the font family of each element whose own text uses it
    const re = new RegExp(pattern, 'u');
    const found = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement && re.test(n.data)) found.add(n.parentElement);
    }
    const stacks = Array.from(found, el => [el, getComputedStyle(el).fontFamily]);
    stacks.forEach(([el, stack]) => {
        el.style.setProperty('font-family', `"${family}", ${stack}`, 'important');
    });
    return found.size;
}"""
"""Run on a loaded page with ``[FAMILY, PrintFonts.pattern]`` (after its CSS is added)."""
