"""`make pdf`: one PDF of the whole book per framework, read back with pypdf.

Each PDF holds its framework's code, every line of it whole (wrapped, not cut at the
margin), and none of the other frameworks' code. Runs tabbook.stages.pdf on the built book
(``make html``; or ``TABBOOK_HTML``) with the tests' Chromium.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from bookutil import REPO, parsed_html
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.stages.pdf import editions, page_paths, pdf_name, write_pdfs

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


def page_text(page, label: str) -> str:
    """A PDF page's text in reading order, without its running header (title and
    framework) and footer (page number): a code block that runs on to the next page
    continues right after them."""
    lines = [ln for ln in page.extract_text(extraction_mode="layout").splitlines() if ln.strip()]
    if lines and f"Framework: {label}" in lines[0]:
        lines = lines[1:]
    if lines and lines[-1].strip().isdigit():
        lines = lines[:-1]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def pdfs(browser, book_html, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    written = write_pdfs(book_html, out, REPO, browser=browser, languages=["en"],
                         log=lambda m: None)
    return {path.name: path for path in written}


def test_one_pdf_per_framework(pdfs):
    assert sorted(pdfs) == sorted(pdf_name("en", fw) for fw in FRAMEWORKS)


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=lambda fw: fw.name)
def test_pdf_has_its_frameworks_code_whole_and_no_other(pdfs, book_html, fw):
    from pypdf import PdfReader

    reader = PdfReader(pdfs[pdf_name("en", fw)])
    text = "\n".join(page_text(page, fw.label) for page in reader.pages)
    assert len(reader.pages) >= 10
    assert f"from d2l import {fw.module} as d2l" in text
    # each page's printed header (its address and framework) names this PDF's framework
    # (every framework is printed from one load of the page, picked in turn)
    assert set(re.findall(r"\u00b7\s*Framework:\s*(\w+)", text)) == {fw.label}, fw.label
    for other in FRAMEWORKS:
        if other is not fw:
            assert f"from d2l import {other.module} as d2l" not in text, f"{other.label} code"
    flat = squeeze(text)
    lines = code_lines(book_html, fw.name)
    assert len(lines) > 100
    cut = [ln for ln in lines if squeeze(ln) not in flat]
    assert not cut, f"{len(cut)} code lines cut or missing, e.g. {cut[:3]}"
    assert "Click to" not in text and f"Framework: {fw.label}" in text  # (the page header)


def test_a_language_folder_is_an_edition(book_html, tmp_path):
    """A translated edition beside the book (``_build/html/zh``) gets its own PDFs."""
    (tmp_path / "index.html").write_text("book", encoding="utf-8")
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "index.html").write_text("书", encoding="utf-8")
    (tmp_path / "_static").mkdir()
    found = [(e.language, e.prefix) for e in editions(tmp_path)]
    assert found == [("en", ""), ("zh", "zh/")]


def test_the_published_site_offers_the_pdfs_of_the_chosen_framework(pdfs, book_html, browser,
                                                                    tmp_path):
    """`make publish` puts the PDFs `make pdf` wrote in the site's _pdf/, and the download
    menu of every page links the PDF of the reader's framework."""
    import shutil

    import browser_harness as bh
    from tabbook.stages.publish import PDF_DIR, offer_pdfs

    site = tmp_path / "site"
    shutil.copytree(book_html, site, ignore=shutil.ignore_patterns("_colab", "jupyter_execute"))
    pdf_dir = next(iter(pdfs.values())).parent
    offered = offer_pdfs(site, pdf_dir, REPO, book_html)
    assert sorted(offered) == sorted(pdfs), offered
    for name in offered:
        assert (site / PDF_DIR / name).read_bytes() == pdfs[name].read_bytes()
    page_43 = bh.PAGE_43
    doc = BeautifulSoup((site / page_43).read_text(encoding="utf-8"), "html.parser")
    entry = doc.select_one("a.btn-download-book-pdf-button")
    assert entry is not None and entry["href"] == f"../{PDF_DIR}/{pdf_name('en', FRAMEWORKS[0])}"
    for fw in FRAMEWORKS:
        href = entry[f"data-tabbook-pdf-{fw.name}"]
        assert (site / "chapter_linear-classification" / href).resolve() == \
            (site / PDF_DIR / pdf_name("en", fw)).resolve()
    with bh.BookServer(site) as server:
        context = browser.new_context(viewport=bh.DESKTOP)
        try:
            page = bh.open_page(context, server.url(page_43))
            page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
            link = page.locator("a.btn-download-book-pdf-button")
            link.wait_for(state="visible", timeout=3000)
            bh.click_tab(page, "JAX")
            jax = next(fw for fw in FRAMEWORKS if fw.name == "jax")
            assert link.get_attribute("href").endswith(pdf_name("en", jax))
            status = page.evaluate("u => fetch(u, {method: 'HEAD'}).then(r => r.status)",
                                   link.get_attribute("href"))
            assert status == 200
        finally:
            context.close()
