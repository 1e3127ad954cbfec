"""The reader's book without rough edges (issue 12), in headless Chromium.

Phone navigation, the framework shown from the first paint, ``?framework=`` and
anchors inside tabs, the print stylesheet, search snippets, named solution toggles,
icons without FontAwesome's script, one search box.
Runs against the built book (``make html``; or ``TABBOOK_HTML=/path/to/html``).
"""

from __future__ import annotations

import re

import pytest

import browser_harness as bh
from browser_harness import DESKTOP, LABELS, PAGE_32, PAGE_43, PHONE, open_page, settle, tab_report
from tabbook.frameworks import FRAMEWORKS

pytestmark = pytest.mark.browser

FIRST, OTHER = FRAMEWORKS[0], FRAMEWORKS[2]  # PyTorch (the default), and JAX
HELD = (r"/_static/mathjax/", r"/_static/scripts/fontawesome\.js")
"""The deferred scripts that made the first paint wait (MathJax, FontAwesome)."""

_VISIBLE_TAB_JS = """group => Array.from(document.querySelectorAll('.sd-tab-set')).map(set => {
    const labels = Array.from(set.children).filter(e => e.matches('label.sd-tab-label'));
    if (!labels.some(l => l.dataset.syncGroup === group)) return null;
    const shown = labels.filter(l => {
        const content = l.nextElementSibling;
        return content && content.checkVisibility() && content.getBoundingClientRect().height > 0;
    });
    return shown.map(l => l.dataset.syncId);
}).filter(x => x !== null)"""


def visible_tabs(page) -> list[list[str]]:
    """For each framework tab-set, the frameworks whose panel is on screen (CSS, not
    the radio inputs: what the reader sees)."""
    return page.evaluate(_VISIBLE_TAB_JS, "framework")


def colab_shows(page) -> tuple[str, str]:
    box = page.locator(".tabbook-colab").first
    return (box.locator(".tabbook-colab-fw").first.inner_text(),
            box.locator(".tabbook-colab-download").get_attribute("href"))


def store(context, name: str) -> None:
    """A reader who chose ``name`` on an earlier visit."""
    context.add_init_script(
        f"try {{ if (!sessionStorage.getItem('seeded')) {{ sessionStorage.setItem('seeded', 1);"
        f" localStorage.setItem({bh.STORAGE_KEY!r}, {name!r}); }} }} catch (e) {{}}")


def stored(page) -> str | None:
    return page.evaluate(f"localStorage.getItem({bh.STORAGE_KEY!r})")


# --------------------------------------------------------------------------- phone navigation


def _shown(page, selector: str) -> bool:
    return page.evaluate("""sel => { const el = document.querySelector(sel);
        return !!el && el.checkVisibility({visibilityProperty: true, opacityProperty: true})
               && el.getBoundingClientRect().width > 0; }""", selector)


def _visible_button(page, cls: str):
    buttons = page.locator(f"button.{cls}")
    for i in range(buttons.count()):
        if buttons.nth(i).is_visible():
            return buttons.nth(i)
    raise AssertionError(f"no visible .{cls} button")


def test_phone_menu_opens_and_closes_the_drawer(browse, server):
    context, log = browse(viewport=PHONE, has_touch=True, is_mobile=True)
    page = open_page(context, server.url(PAGE_43))

    _visible_button(page, "primary-toggle").click()
    drawer = page.locator("dialog#pst-primary-sidebar-modal")
    drawer.wait_for(state="visible", timeout=3000)
    links = drawer.locator("nav.bd-docs-nav a")
    texts = [links.nth(i).text_content() for i in range(links.count())]
    assert any("4.3" in t for t in texts) and any("3.2" in t for t in texts), texts
    page.keyboard.press("Escape")
    drawer.wait_for(state="hidden", timeout=3000)
    assert not page.evaluate("document.querySelector('#pst-primary-sidebar-modal').open")

    _visible_button(page, "secondary-toggle").click()
    contents = page.locator("dialog#pst-secondary-sidebar-modal")
    contents.wait_for(state="visible", timeout=3000)
    assert "Accuracy" in contents.inner_text()
    page.keyboard.press("Escape")
    contents.wait_for(state="hidden", timeout=3000)
    browse.assert_clean(log)


def test_desktop_menu_collapses_and_restores_the_sidebar(browse, server):
    context, log = browse(viewport=DESKTOP)
    page = open_page(context, server.url(PAGE_43))
    sidebar = "#pst-primary-sidebar"
    assert _shown(page, sidebar), "the sidebar is not shown at desktop width"
    toggle = _visible_button(page, "primary-toggle")
    toggle.click()
    page.wait_for_function("s => !document.querySelector(s).checkVisibility("
                           "{visibilityProperty: true, opacityProperty: true})",
                           arg=sidebar, timeout=3000)
    assert not page.evaluate("document.querySelector('#pst-primary-sidebar-modal').open")
    toggle.click()
    page.wait_for_function("s => document.querySelector(s).checkVisibility("
                           "{visibilityProperty: true, opacityProperty: true})",
                           arg=sidebar, timeout=3000)
    assert _shown(page, sidebar)
    browse.assert_clean(log)


# --------------------------------------------------------------------------- first paint


def test_stored_framework_shows_before_the_deferred_scripts_load(browse, server):
    context, log = browse()
    store(context, OTHER.name)
    page = context.new_page()
    with server.hold(*HELD):
        page.goto(server.url(PAGE_43), wait_until="commit")
        page.wait_for_selector(".tabbook-colab", state="attached")
        page.wait_for_function("document.readyState !== 'loading'")
        # the HTML is in, MathJax and FontAwesome are not: no DOMContentLoaded yet
        assert page.evaluate("!(window.MathJax && MathJax.version)"), "MathJax was not held back"
        tabs = visible_tabs(page)
        assert tabs and tabs[0] == [OTHER.name], f"first paint shows {tabs[:3]}, want {OTHER.name}"
        assert all(t == [OTHER.name] for t in tabs), tabs
        label, href = colab_shows(page)
        assert label == f"({OTHER.label})" and f"/{OTHER.name}/" in href, (label, href)
    settle(page)
    assert tab_report(page, OTHER.label).ok
    assert visible_tabs(page)[0] == [OTHER.name]
    assert stored(page) == OTHER.name
    browse.assert_clean(log)


# --------------------------------------------------------------------------- ?framework= and anchors


@pytest.mark.parametrize("fw", FRAMEWORKS[1:], ids=lambda fw: fw.name)
def test_framework_parameter_ignores_case(browse, server, fw):
    context, log = browse()
    page = open_page(context, server.url(f"{PAGE_43}?framework={fw.label.upper()}"))
    assert tab_report(page, fw.label).ok, tab_report(page, fw.label)
    assert colab_shows(page)[0] == f"({fw.label})"
    assert stored(page) == fw.name
    browse.assert_clean(log)


def test_unknown_framework_parameter_changes_nothing(browse, server):
    context, log = browse()
    page = open_page(context, server.url(f"{PAGE_43}?framework={OTHER.name}"))
    assert stored(page) == OTHER.name
    for value in ("caffe", "", "jax2"):
        page.goto(server.url(f"{PAGE_32}?framework={value}"))
        settle(page)
        report = tab_report(page, OTHER.label)
        assert report.ok, f"?framework={value}: {report}"
        assert stored(page) == OTHER.name, f"?framework={value} overwrote the stored choice"
        assert "framework=" not in page.url  # nothing for a later visit to pick up
    fresh, log2 = browse()
    page = open_page(fresh, server.url(f"{PAGE_43}?framework=caffe"))
    assert tab_report(page, FIRST.label).ok and stored(page) is None
    browse.assert_clean(log)
    browse.assert_clean(log2)


def test_link_to_an_anchor_inside_a_tab_switches_every_tab_set(browse, server, book_html):
    from bs4 import BeautifulSoup

    doc = BeautifulSoup((book_html / PAGE_43).read_text(encoding="utf-8"), "html.parser")
    label = doc.select('.sd-tab-set > label[data-sync-id="jax"]')[-1]  # a late tab-set
    anchor = label["for"] + "-content"
    assert doc.find(id=anchor) is not None
    context, log = browse()
    page = open_page(context, server.url(f"{PAGE_43}#{anchor}"))
    report = tab_report(page, "JAX")
    assert report.ok, f"a link into a JAX tab switched only that tab-set: {report}"
    assert colab_shows(page)[0] == "(JAX)"
    assert page.evaluate("id => { const r = document.getElementById(id).getBoundingClientRect();"
                         " return r.top < innerHeight && r.bottom > 0; }", anchor)

    # and a later link on the same page, to a PyTorch tab (hashchange)
    first = doc.select('.sd-tab-set > label[data-sync-id="pytorch"]')[-1]["for"] + "-content"
    page.evaluate("id => { location.hash = id; }", first)
    page.wait_for_function("() => document.querySelector('.tabbook-colab')"
                           ".getAttribute('data-selected') === 'pytorch'", timeout=3000)
    assert tab_report(page, "PyTorch").ok
    browse.assert_clean(log)


# --------------------------------------------------------------------------- print

_PRINT_JS = """() => {
    const vis = el => el.checkVisibility({visibilityProperty: true})
                      && el.getBoundingClientRect().height > 0;
    const header = document.querySelector('.tabbook-print-header');
    return {
        labels: Array.from(document.querySelectorAll('.sd-tab-set > label')).filter(vis).length,
        cut: Array.from(document.querySelectorAll('pre')).filter(vis)
                 .filter(p => p.scrollWidth > p.clientWidth + 1).length,
        pres: Array.from(document.querySelectorAll('pre')).filter(vis).length,
        header: header && vis(header) ? header.textContent : null,
        toggles: Array.from(document.querySelectorAll('button.toggle-button')).filter(vis).length,
        hints: Array.from(document.querySelectorAll('button.toggle-button')).filter(vis).map(
            b => getComputedStyle(b, '::before').content).filter(c => /Click/.test(c)).length,
        solutions: Array.from(document.querySelectorAll('.solution')).map(s =>
            Array.from(s.children).filter(c => !c.matches('.admonition-title')).some(vis)),
        unsplit: Array.from(document.querySelectorAll('div.highlight, .cell_output'))
            .filter(e => getComputedStyle(e).breakInside !== 'avoid').length,
        text: document.querySelector('article').innerText,
    };
}"""


def test_print_shows_the_chosen_framework_only(browse, server):
    context, log = browse(viewport={"width": 800, "height": 1100})
    page = open_page(context, server.url(f"{PAGE_43}?framework={OTHER.name}"))
    page.emulate_media(media="print")
    bh.next_frames(page)  # the print styles applied
    got = page.evaluate(_PRINT_JS)
    assert got["labels"] == 0, f"{got['labels']} tab labels printed"
    assert got["pres"] > 10 and got["cut"] == 0, f"{got['cut']} of {got['pres']} code blocks cut"
    assert got["toggles"] == 0 and got["hints"] == 0, "solution toggles printed"
    assert got["solutions"] and all(got["solutions"]), f"solutions not printed open: {got['solutions']}"
    assert got["unsplit"] == 0, "code blocks may break into an empty frame at a page's end"
    header = got["header"] or ""
    assert PAGE_43 in header and f"Framework: {OTHER.label}" in header, header
    text = got["text"]
    assert f"from d2l import {OTHER.module} as d2l" in text
    for fw in FRAMEWORKS:
        if fw is not OTHER:
            assert f"from d2l import {fw.module} as d2l" not in text, f"{fw.label} code printed"
    browse.assert_clean(log)


# --------------------------------------------------------------------------- a11y, icons, search


def test_solution_toggles_are_named_for_their_exercise(browse, server):
    context, log = browse()
    page = open_page(context, server.url(PAGE_43))
    names = page.evaluate("() => Array.from(document.querySelectorAll('.solution "
                          "button.toggle-button')).map(b => b.getAttribute('aria-label'))")
    assert names == [f"Show solution to Exercise 4.3.{n}" for n in range(1, len(names) + 1)]
    assert len(names) >= 3
    browse.assert_clean(log)


_ICONS_JS = """() => Array.from(document.querySelectorAll('[class*="fa-"]'))
    .filter(el => /(^|\\s)fa-(?!solid|regular|brands|lg|fw)[a-z0-9-]+/.test(el.className))
    .filter(el => el.checkVisibility())
    .map(el => { const s = getComputedStyle(el, '::before');
        const box = el.getBoundingClientRect();
        const svg = el.tagName.toLowerCase() === 'svg' && el.querySelector('path[d]');
        return {cls: String(el.className.baseVal ?? el.className),
                drawn: !!svg || (/svg/.test(s.maskImage || s.webkitMaskImage || '')
                                 && parseFloat(s.width) > 0),
                width: box.width}; })"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_icon_is_drawn_and_one_search_box(browse, server, viewport):
    context, log = browse(viewport=viewport)
    page = open_page(context, server.url(PAGE_43))
    icons = page.evaluate(_ICONS_JS)
    assert len(icons) >= 5, icons
    assert all(i["drawn"] and i["width"] > 0 for i in icons), [i for i in icons if not i["drawn"]]
    searches = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.search-button, .search-button-field, form.bd-search input'))
        .filter(el => !el.closest('dialog') && el.checkVisibility()
                      && el.getBoundingClientRect().width > 0).length""")
    assert searches == 1, f"{searches} search boxes at {viewport['width']} px"
    # the icons come without FontAwesome's 1.5 MB script (543 KB gzip)
    size = (bh.html_dir() / "_static/scripts/fontawesome.js").stat().st_size
    assert size < 2000, f"fontawesome.js is {size:,} bytes"
    browse.assert_clean(log)


def test_search_snippets_show_the_match_and_the_page_highlights_it(browse, server):
    context, log = browse()
    page = open_page(context, server.url("search.html?q=accuracy"))
    page.wait_for_selector("#search-results li p.context", timeout=10_000)
    page.wait_for_function("() => document.querySelector('#search-results')"
                           ".textContent.includes('matching')", timeout=10_000)
    snippets = page.locator("#search-results li p.context").all_inner_texts()
    assert len(snippets) >= 2, snippets
    for snippet in snippets:
        assert "accuracy" in snippet.lower(), f"the snippet does not show the word: {snippet!r}"
        assert ".md" not in snippet, snippet
    link = page.locator("#search-results li a", has_text="Base Classification").first
    link.click()
    page.wait_for_load_state("load")
    settle(page)
    page.wait_for_selector("article span.highlighted", timeout=5000)
    marked = page.locator("article span.highlighted").all_inner_texts()
    assert marked and all(m.lower() == "accuracy" for m in marked[:5]), marked[:5]
    browse.assert_clean(log)
