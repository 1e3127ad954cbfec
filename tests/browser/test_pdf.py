"""`make pdf`: one PDF of the whole book per framework, read back with pypdf.

Each PDF holds its framework's code, every line of it whole (wrapped, not cut at the
margin), and none of the other frameworks' code; its pages are numbered through (the
printed numbers and the page labels), each under a running head with the book's and the
section's titles; the Chinese PDF's fonts are embedded TrueType, none Type 3 (issue 32
item 11). Runs tabbook.stages.pdf on the built book (``make html``; or ``TABBOOK_HTML``)
with the tests' Chromium (the tool's own launcher, tabbook.core.browser).
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from bookutil import REPO, parsed_html
from tabbook.core.errors import BookError
from tabbook.core.frameworks import BY_NAME, FRAMEWORKS
from tabbook.sources.i18n import SOURCE, TRANSLATIONS
from tabbook.stages.pdf import editions, page_paths, pdf_name, pdf_tag, write_pdfs

pytestmark = pytest.mark.browser


def squeeze(text: str) -> str:
    """Text without any whitespace: a wrapped line reads the same as an unwrapped one."""
    return re.sub(r"\s+", "", text)


def code_lines(html_dir, framework: str) -> list[str]:
    """Every line of code a reader of ``framework`` sees in the book, in order."""
    lines = []
    for path in page_paths(REPO):
        doc = parsed_html(html_dir / path)  # (read only)
        for pre in doc.select("article .cell_input pre"):
            content = pre.find_parent(class_="sd-tab-content")
            if content is not None:
                label = content.find_previous_sibling("label")
                if (label.get("data-sync-group") == "framework"
                        and label["data-sync-id"] != framework):
                    continue
            lines += [ln for ln in pre.get_text().splitlines() if ln.strip()]
    return lines


def lines_of(page) -> list[str]:
    return [ln for ln in page.extract_text(extraction_mode="layout").splitlines() if ln.strip()]


def nfkc(text: str) -> str:
    """``text`` as compared with a PDF's: ligatures ("ﬁ") and full-width forms ("：") read
    as their plain letters (pypdf gives either, as the font maps them)."""
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def head_and_foot(page) -> tuple[str, str]:
    """A PDF page's running head (its first line) and foot (its last line), :func:`nfkc`."""
    lines = lines_of(page)
    return nfkc(lines[0]), nfkc(lines[-1])


def page_text(page) -> str:
    """A PDF page's text in reading order, without its running head (the book's and the
    section's titles) and foot (framework, page number): a code block that runs on to
    the next page continues right after them."""
    return "\n".join(lines_of(page)[1:-1])


def sections(reader) -> list[tuple[int, str]]:
    """(first page index, title) of each bookmark: one per page of the book."""
    return [(reader.get_destination_page_number(item), item.title) for item in reader.outline]


@pytest.fixture(scope="module")
def pdfs(browser, book_html, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    written = write_pdfs(book_html, out, REPO, browser=browser, languages=["en"],
                         log=lambda m: None)
    return {path.name: path for path in written}


def test_one_pdf_per_framework(pdfs):
    assert sorted(pdfs) == sorted(pdf_name(SOURCE, fw) for fw in FRAMEWORKS)


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=lambda fw: fw.name)
def test_pdf_has_its_frameworks_code_whole_and_no_other(pdfs, book_html, fw):
    from pypdf import PdfReader

    reader = PdfReader(pdfs[pdf_name(SOURCE, fw)])
    text = "\n".join(page_text(page) for page in reader.pages)
    assert len(reader.pages) >= 10
    assert f"from d2l import {fw.module} as d2l" in text
    # each page's foot names this PDF's framework (every framework is printed from one
    # load of the page, picked in turn), and no page says another
    feet = [head_and_foot(page)[1] for page in reader.pages]
    assert all(re.match(rf"Framework:\s*{fw.label}\s+\d+$", f) for f in feet), feet[:3]
    for other in FRAMEWORKS:
        if other is not fw:
            assert f"from d2l import {other.module} as d2l" not in text, f"{other.label} code"
    flat = squeeze(text)
    lines = code_lines(book_html, fw.name)
    assert len(lines) > 100
    cut = [ln for ln in lines if squeeze(ln) not in flat]
    assert not cut, f"{len(cut)} code lines cut or missing, e.g. {cut[:3]}"
    assert "Click to" not in text
    # the reader's printed header (the page's address) is left out of the book
    assert "127.0.0.1" not in text and ".html" not in text


def test_a_language_folder_is_an_edition(tmp_path):
    """A translated edition beside the book (``_build/html/zh``, its folder in the
    translations table) gets its own PDFs, named by that folder; another folder that looks
    like a language code is no edition."""
    (tmp_path / "index.html").write_text("book", encoding="utf-8")
    for folder in ("zh", "fr"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.html").write_text("书", encoding="utf-8")
    (tmp_path / "_static").mkdir()
    found = [(pdf_tag(e), e.prefix) for e in editions(REPO, tmp_path)]
    assert found == [("en", ""), ("zh", "zh/")]


def _book_title(html) -> str:
    return parsed_html(html / "index.html").title.get_text(strip=True)


def _pages_numbered_through_under_their_titles(reader, book: str, label: str) -> None:
    """Page i (from 0) says i + 1 in its foot and its page label, and its head says the
    book's title and the title of the section it belongs to (its page's bookmark)."""
    root = reader.trailer["/Root"]
    assert root["/PageLabels"]["/Nums"] == [0, {"/S": "/D", "/St": 1}]
    assert reader.page_labels == [str(n + 1) for n in range(len(reader.pages))]
    starts = sections(reader)
    assert len(starts) == len(page_paths(REPO)) and starts[0] == (0, book)
    book, label = nfkc(book), nfkc(label)
    for i, page in enumerate(reader.pages):
        head, foot = head_and_foot(page)
        section = nfkc([title for start, title in starts if start <= i][-1])
        assert head.startswith(book), (i, head)
        if section != book:
            assert head.endswith(section), (i, head, section)
        assert re.sub(r"\s+", "", foot) == re.sub(r"\s+", "", f"{label}{i + 1}"), (i, foot)


@pytest.mark.parametrize("fw", [FRAMEWORKS[0], BY_NAME["jax"]], ids=lambda fw: fw.name)
def test_pages_numbered_through_under_a_running_head(pdfs, book_html, fw):
    """Issue 32 item 11: one page numbering across the whole book (numbers did restart on
    each page), and a running head with the book's and the section's titles (it was the
    page's file path)."""
    from pypdf import PdfReader

    reader = PdfReader(pdfs[pdf_name(SOURCE, fw)])
    _pages_numbered_through_under_their_titles(reader, _book_title(book_html),
                                               f"Framework: {fw.label}")


def _fonts(reader) -> list[dict]:
    """Every font of every page (and of the forms it draws)."""
    found = {}

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            found[id(font)] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return list(found.values())


@pytest.fixture(scope="module")
def translated_pdfs(browser, book_html, tmp_path_factory):
    """Each translation's PDF of one framework, and the English one's size beside it."""
    out = tmp_path_factory.mktemp("pdf-translated")
    jax = BY_NAME["jax"]
    written = write_pdfs(book_html, out, REPO, browser=browser, frameworks=[jax],
                         languages=[e.language for e in TRANSLATIONS], log=lambda m: None)
    return {path.name: path for path in written}


def test_translated_pdfs_embed_truetype_fonts_not_type3(translated_pdfs, pdfs, book_html):
    """Issue 32 item 11: Chromium printed Debian's Noto CJK (CFF) as 500-odd Type 3 fonts
    (3.1 MB against the English 1.6 MB); the Chinese PDF's fonts are embedded TrueType
    subsets, the Chinese characters in a copy of Noto Sans CJK, and it is numbered through
    under its running head too."""
    from pypdf import PdfReader

    jax = BY_NAME["jax"]
    english = pdfs[pdf_name(SOURCE, jax)].stat().st_size
    for edition in TRANSLATIONS:
        path = translated_pdfs[pdf_name(edition, jax)]
        reader = PdfReader(path)
        fonts = _fonts(reader)
        assert fonts
        type3 = [f.get("/Name") for f in fonts if f.get("/Subtype") == "/Type3"]
        assert not type3, f"{path.name}: {len(type3)} Type 3 fonts"
        names = {str(f.get("/BaseFont")) for f in fonts}
        assert any("CJK" in n for n in names), names
        for font in fonts:  # embedded: a TrueType program in each descendant font
            for sub in font.get("/DescendantFonts") or []:
                assert "/FontFile2" in sub.get_object()["/FontDescriptor"], font["/BaseFont"]
        assert path.stat().st_size < 1.5 * english, (path.stat().st_size, english)
        html = book_html / edition.folder
        label = re.sub(r"\{\}", jax.label, _printed_framework(html))
        _pages_numbered_through_under_their_titles(reader, _book_title(html), label)


def _printed_framework(html) -> str:
    """The edition's "Framework: {}" (its catalog's, as the early script carries it)."""
    import json

    early = parsed_html(html / "index.html").select_one("script[data-tabbook-early]")
    return json.loads(early["data-i18n"])["printFramework"]


def test_every_edition_of_the_table_is_printed(tmp_path):
    """The editions come from the translations table (sources.i18n): English, then each
    translation the book has catalogs for, in its table folder; a translation that is
    not built is an error that says to build it, and a folder the table does not name is
    no edition."""
    (tmp_path / "index.html").write_text("book", encoding="utf-8")
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "index.html").write_text("not an edition", encoding="utf-8")
    with pytest.raises(BookError, match="edition is not built"):
        editions(REPO, tmp_path)
    for edition in TRANSLATIONS:
        (tmp_path / edition.folder).mkdir()
        (tmp_path / edition.folder / "index.html").write_text("built", encoding="utf-8")
    assert editions(REPO, tmp_path) == [SOURCE, *TRANSLATIONS]


def test_the_published_site_offers_the_pdfs_and_zips_of_the_chosen_framework(
        pdfs, book_html, browser, tmp_path):
    """`make publish` puts the PDFs `make pdf` wrote in the site's _pdf/ and the notebook
    zips in _notebooks/, and the download menu of every page links those of the reader's
    framework, labelled in the page's language; an edition without PDFs gets no PDF entry
    (the published site offers what it has, the built site nothing: test_book_html)."""
    import shutil

    import browser_harness as bh
    from tabbook.sources.config import load_config
    from tabbook.sources.i18n import ui_gettext
    from tabbook.stages.downloads import PDF_DIR, ZIP_DIR, offer_downloads, zip_problems

    site = tmp_path / "site"
    shutil.copytree(book_html, site, ignore=shutil.ignore_patterns("jupyter_execute"))
    tree = REPO / load_config(REPO).colab_dir
    pdf_dir = next(iter(pdfs.values())).parent
    offered = offer_downloads(site, tree, pdf_dir, REPO, book_html, log=lambda m: None)
    assert offered.names("pdfs") == sorted(pdfs)
    assert len(offered.names("zips")) == len(FRAMEWORKS) * (1 + len(TRANSLATIONS))
    assert zip_problems(site, tree, REPO) == []
    for name in offered.names("pdfs"):
        assert (site / PDF_DIR / name).read_bytes() == pdfs[name].read_bytes()
    page_43 = bh.PAGE_43
    for edition in [SOURCE, *TRANSLATIONS]:
        page = site / edition.folder / page_43
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        entries = doc.select(".dropdown-download-buttons a.tabbook-per-framework")
        _ = ui_gettext(edition.language)
        want = ([_("Book PDF")] if edition is SOURCE else []) + [_("Notebooks (.zip)")]
        assert [e.get_text(strip=True) for e in entries] == want, page
        folder, stem = (PDF_DIR, pdf_name(SOURCE, FRAMEWORKS[0])) if edition is SOURCE else \
            (ZIP_DIR, offered.zips[edition.folder][FRAMEWORKS[0].name])
        assert (page.parent / entries[0]["href"]).resolve() == (site / folder / stem).resolve()
    with bh.BookServer(site) as server:
        context = browser.new_context(viewport=bh.DESKTOP)
        try:
            page = bh.open_page(context, server.url(page_43))
            page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
            links = page.locator("a.tabbook-per-framework")
            links.first.wait_for(state="visible", timeout=3000)
            bh.click_tab(page, "JAX")
            jax = BY_NAME["jax"]
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            assert hrefs[0].endswith(pdf_name(SOURCE, jax)), hrefs
            assert hrefs[1].endswith(offered.zips["en"]["jax"]), hrefs
            for href in hrefs:
                status = page.evaluate("u => fetch(u, {method: 'HEAD'}).then(r => r.status)",
                                       href)
                assert status == 200, href
        finally:
            context.close()
