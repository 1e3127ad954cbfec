"""The built book, read as HTML: tabs, real outputs, numbering, nothing leaked."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from bookutil import REPO, colab_dir, parsed_html
from tabbook.core.frameworks import FRAMEWORKS

PAGE_43 = "chapter_linear-classification/classification.html"
PAGE_32 = "chapter_linear-regression/oo-design.html"
LABELS = [fw.label for fw in FRAMEWORKS]


def soup(html_dir, page) -> BeautifulSoup:
    """The page's tree, parsed once for every test here (read it, do not change it)."""
    return parsed_html(html_dir / page)


def framework_tab_sets(doc: BeautifulSoup):
    """Each tab-set as a dict: framework sync id -> (label text, content element)."""
    out = []
    for ts in doc.select("div.sd-tab-set"):
        labels = ts.find_all("label", class_="sd-tab-label", recursive=False)
        if not any(lb.get("data-sync-group") == "framework" for lb in labels):
            continue
        tabs = {}
        for lb in labels:
            content = ts.find(id=lb["for"] + "-content")
            tabs[lb["data-sync-id"]] = (lb.get_text(strip=True), content)
        out.append(tabs)
    return out


def code_of(content) -> str:
    return "\n".join(pre.get_text() for pre in content.select(".cell_input pre"))


def output_of(content) -> str:
    return "\n".join(el.get_text() for el in content.select(".cell_output"))


@pytest.mark.parametrize("page", [PAGE_43, PAGE_32])
def test_every_framework_tab_set_has_the_four_tabs_in_order(built_html, page):
    sets = framework_tab_sets(soup(built_html, page))
    assert len(sets) >= 4
    for tabs in sets:
        assert [label for label, _ in tabs.values()] == LABELS
        assert list(tabs) == [fw.name for fw in FRAMEWORKS]


@pytest.mark.parametrize("page", [PAGE_43, PAGE_32])
def test_tabs_hold_their_own_frameworks_code(built_html, page):
    sets = framework_tab_sets(soup(built_html, page))
    first = sets[0]  # every page starts by importing its framework and the library
    for fw in FRAMEWORKS:
        code = code_of(first[fw.name][1])
        module = fw.import_name.split(",")[0].strip()  # the framework itself
        assert re.search(rf"^(import|from) {module}\b", code, re.M), (fw.name, code)
        assert f"from d2l import {fw.module} as d2l" in code
        for other in FRAMEWORKS:
            if other is not fw:
                assert f"from d2l import {other.module} as d2l" not in code


def test_accuracy_demo_shows_each_frameworks_real_output(built_html):
    sets = framework_tab_sets(soup(built_html, PAGE_43))
    demos = [tabs for tabs in sets
             if all("accuracy(" in code_of(c) and output_of(c).strip() for _, c in tabs.values())]
    assert demos, "no tab-set where every framework calls accuracy() and prints a result"
    values = {}
    for name, (_, content) in demos[0].items():
        numbers = re.findall(r"\d+\.\d+", output_of(content))
        assert numbers, (name, output_of(content))
        values[name] = [round(float(x), 4) for x in numbers]
    # the same fixed batch gives the same accuracy in every framework
    firsts = {name: v[0] for name, v in values.items()}
    assert len(set(firsts.values())) == 1, firsts


def test_jax_only_paragraph_is_in_the_jax_tab_only(built_html):
    doc = soup(built_html, PAGE_43)
    hits = [p for p in doc.find_all("p") if "auxiliary" in p.get_text()
            and "batch" in p.get_text().lower()]
    assert hits, "the JAX paragraph on auxiliary loss data is missing"
    for p in hits:
        content = p.find_parent(class_="sd-tab-content")
        assert content is not None, "framework prose outside the tabs"
        label = content.find_previous_sibling("label")
        assert label["data-sync-id"] == "jax", label


def test_section_numbers_follow_the_book(built_html):
    doc = soup(built_html, PAGE_43)
    numbers = [s.get_text(strip=True) for s in doc.select("article .section-number")]
    for want in ["4.3.", "4.3.1.", "4.3.2.", "4.3.3.", "4.3.4."]:
        assert want in numbers, numbers
    doc32 = soup(built_html, PAGE_32)
    assert "3.2." in [s.get_text(strip=True) for s in doc32.select("article .section-number")]


def test_exercises_are_numbered_in_the_section(built_html):
    text = soup(built_html, PAGE_43).get_text(" ")
    for n in (1, 2, 3):
        assert f"Exercise 4.3.{n}" in text


def test_plots_are_svg(built_html):
    doc = soup(built_html, PAGE_32)
    images = [img["src"] for img in doc.select(".cell_output img")]
    assert images and all(src.endswith(".svg") for src in images), images
    for src in images:
        assert (built_html / "chapter_linear-regression" / src).resolve().exists()


def test_no_traceback_in_any_page(built_html):
    for page in built_html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text, page
        assert "output error" not in text, page


def test_no_build_machine_path_anywhere(built_html):
    needles = [str(REPO), "/root/", "/home/", "/tmp/", ".cache/d2l-book"]
    for path in list(built_html.rglob("*")) + list(colab_dir(REPO).rglob("*")):
        if "tryit/pyodide" in path.as_posix():
            continue  # Pyodide's runtime, as npm ships it: its virtual /home/pyodide, /tmp
        if path.is_file() and path.suffix in {".html", ".ipynb", ".txt", ".js", ".json"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for needle in needles:
                assert needle not in text, f"{needle!r} in {path}"


# --------------------------------------------------------------------------- issue 12

BOOK_TITLE = "Dive into Deep Learning: The Base Classification Model"


def all_pages(html_dir):
    # (a translated edition's own _static/ too: zh/_static/*.html are theme templates)
    return sorted(p for p in html_dir.rglob("*.html")
                  if not any(part.startswith("_") for part in p.relative_to(html_dir).parts[:2]))


def test_home_and_chapter_pages_list_their_sections(built_html):
    home = soup(built_html, "index.html").select_one(".toctree-wrapper")
    assert home is not None, "the home page has no contents list"
    listed = [a.get_text(" ", strip=True) for a in home.select("a")]
    for want in ["3.", "3.2.", "4.", "4.3."]:
        assert any(t.startswith(want + " ") for t in listed), (want, listed)
    for chapter, section in [("chapter_linear-regression/index.html", "3.2."),
                             ("chapter_linear-classification/index.html", "4.3.")]:
        toc = soup(built_html, chapter).select_one("article .toctree-wrapper")
        assert toc is not None, f"{chapter} lists none of its sections"
        assert any(a.get_text(strip=True).startswith(section) for a in toc.select("a")), chapter


def test_section_43_links_to_what_it_builds_on(built_html):
    article = soup(built_html, PAGE_43).select_one("article")
    hrefs = [a["href"] for a in article.select("a[href]")]
    assert any(h.startswith("../chapter_linear-regression/oo-design.html") for h in hrefs), hrefs
    d2l = [a for a in article.select("a[href]") if "Section 8.5" in a.get_text()]
    assert d2l and d2l[0]["href"] == "https://d2l.ai/chapter_convolutional-modern/batch-norm.html"
    content = d2l[0].find_parent(class_="sd-tab-content")
    assert content is not None and content.find_previous_sibling("label")["data-sync-id"] == "jax"


def test_plots_have_alt_text_that_says_what_they_show(built_html):
    images = [img for page in all_pages(built_html)
              for img in parsed_html(page).select(
                  "article img")]
    assert images, "no images in the book"
    for img in images:
        alt = img.get("alt", "")
        # five words (Chinese writes no spaces between words: about two characters a word)
        words = len(alt.split()) + len(re.findall(r"[\u4e00-\u9fff]", alt)) // 2
        assert words >= 5, f"{img['src']}: alt text {alt!r}"
        assert "_images" not in alt and not re.search(r"\.(svg|png|jpe?g)$", alt), alt


def test_ids_are_unique_on_every_page(built_html):
    for page in all_pages(built_html):
        doc = parsed_html(page)
        ids = [el["id"] for el in doc.find_all(id=True)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        assert not dupes, f"{page.relative_to(built_html)}: repeated ids {dupes}"


def test_tab_sets_are_labelled_as_the_framework_choice(built_html):
    sets = soup(built_html, PAGE_43).select("div.sd-tab-set")
    framework = [s for s in sets if s.select_one('label[data-sync-group="framework"]')]
    assert len(framework) >= 4
    for s in framework:
        assert s.get("role") == "group" and s.get("aria-label") == "Framework", s.attrs


def test_solution_links_have_no_leading_space(built_html):
    links = soup(built_html, PAGE_43).select(".solution .admonition-title a")
    assert len(links) >= 3
    for a in links:
        assert a.get_text() == a.get_text().strip(), repr(a.get_text())
        assert re.fullmatch(r"Exercise 4\.3\.\d", a.get_text())
        before = a.previous_sibling
        assert isinstance(before, str) and before.endswith(" "), repr(before)


def test_book_title_once_in_the_sidebar_and_the_title(built_html):
    home = soup(built_html, "index.html")
    assert home.title.get_text() == BOOK_TITLE
    for page in all_pages(built_html):
        doc = parsed_html(page)
        # the edition's own title (a translated edition has its own)
        book = doc.select_one("#pst-primary-sidebar .logo__title").get_text(strip=True)
        title = doc.title.get_text()
        assert title.count(book) == 1, f"{page.name}: <title>{title}</title>"
        text = doc.select_one("#pst-primary-sidebar").get_text(" ", strip=True)
        assert text.count(book) == 1, f"{page.name}: the sidebar says {text[:200]!r}"


def test_no_source_download_without_sources(built_html):
    for page in all_pages(built_html):
        doc = parsed_html(page)
        assert not doc.select(".btn-download-source-button"), page.name
        assert not [a for a in doc.select("a[href]") if "_sources" in a["href"]], page.name


def test_download_menu_labelled_and_offers_only_what_the_site_has(built_html):
    """Issue 32 item 10/11: the print entry says what it does (not a bare ".pdf"), in each
    edition's language; the site `make html` builds has no book PDF nor notebook zip, so
    its menu offers neither (`make publish` adds them: tests/browser/test_pdf.py)."""
    from tabbook.sources.i18n import EDITIONS, ui_gettext

    for edition in EDITIONS:
        folder = built_html / edition.folder if edition.folder else built_html
        for page in [folder / "index.html", folder / "chapter_linear-classification" /
                     "classification.html"]:
            menu = parsed_html(page).select_one(".dropdown-download-buttons .dropdown-menu")
            labels = [li.get_text(" ", strip=True) for li in menu.select("li")]
            assert labels == [ui_gettext(edition.language)("Print this page")], (page, labels)
            assert not menu.select('a[href="#"], a.tabbook-per-framework'), page
