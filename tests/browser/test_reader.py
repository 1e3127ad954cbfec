"""The reader's book without rough edges (issue 12), in headless Chromium.

Phone navigation, the framework shown from the first paint, ``?framework=`` and
anchors inside tabs, the print stylesheet, search snippets, named solution toggles,
icons without FontAwesome's script, one search box.
Runs against the built book (``make html``; or ``TABBOOK_HTML=/path/to/html``).
"""

from __future__ import annotations

import pytest

import browser_harness as bh
from browser_harness import DESKTOP, PAGE_32, PAGE_43, PHONE, open_page, settle, tab_report
from tabbook.core.frameworks import FRAMEWORKS

pytestmark = pytest.mark.browser

FIRST, OTHER = FRAMEWORKS[0], FRAMEWORKS[2]  # PyTorch (the default), and JAX
HELD = (r"/_static/tabbook-reader\.js", r"/_static/scripts/fontawesome\.js")
"""Deferred scripts held back, so the page stays before DOMContentLoaded (MathJax was the
slowest of them until the formulas were rendered at build time)."""

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


_LABEL_STYLE_JS = """group => Array.from(document.querySelectorAll('.sd-tab-set')).map(set => {
    const labels = Array.from(set.children).filter(e => e.matches('label.sd-tab-label'));
    if (!labels.some(l => l.dataset.syncGroup === group)) return null;
    return labels.map(l => { const s = getComputedStyle(l);
        return [l.dataset.syncId, [s.color, s.backgroundColor, s.borderTopColor,
                s.borderBottomColor, s.borderTopWidth, s.transform, s.fontWeight].join(' ')]; });
}).filter(x => x !== null)"""


def label_styles(page) -> list[dict[str, str]]:
    """For each framework tab-set, each label's computed look (what the reader sees)."""
    return [dict(pairs) for pairs in page.evaluate(_LABEL_STYLE_JS, "framework")]


def assert_one_label_selected(first: list[dict], settled: list[dict], name: str) -> None:
    """At first paint every label looks as it does once the scripts have run: ``name``'s
    label in the selected style, and no other label in it."""
    assert first == settled, (
        f"the tab labels change look when the scripts run: {first[0]} -> {settled[0]}")
    for styles in settled:
        selected = styles[name]
        others = [fw for fw, look in styles.items() if fw != name and look == selected]
        assert not others, f"{others} look selected as {name} does: {styles}"
        assert len({look for fw, look in styles.items() if fw != name}) == 1, styles


def colab_shows(page) -> tuple[str, str]:
    box = page.locator(".tabbook-colab").first
    return (box.locator(".tabbook-colab-fw").first.inner_text(),
            box.locator(".tabbook-colab-download").get_attribute("href"))


def store(browse, context, name: str) -> None:
    """A reader who chose ``name`` on an earlier visit."""
    browse.remember(context, bh.STORAGE_KEY, name)


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
    store(browse, context, OTHER.name)
    page = context.new_page()
    with server.hold(*HELD):
        page.goto(server.url(PAGE_43), wait_until="commit")
        page.wait_for_selector(".tabbook-colab", state="attached")
        page.wait_for_function("document.readyState !== 'loading'")
        # the HTML is in, the deferred scripts are not: no DOMContentLoaded yet
        assert page.evaluate("document.readyState") == "interactive", "the scripts were not held"
        tabs = visible_tabs(page)
        assert tabs and tabs[0] == [OTHER.name], f"first paint shows {tabs[:3]}, want {OTHER.name}"
        assert all(t == [OTHER.name] for t in tabs), tabs
        label, href = colab_shows(page)
        assert label == f"({OTHER.label})" and f"/{OTHER.name}/" in href, (label, href)
        first = label_styles(page)
    settle(page)
    assert tab_report(page, OTHER.label).ok
    assert visible_tabs(page)[0] == [OTHER.name]
    assert stored(page) == OTHER.name
    # the remembered framework's label looks selected from the first paint, no other does
    assert_one_label_selected(first, label_styles(page), OTHER.name)
    browse.assert_clean(log)


# ----------------------------------------------------------------- ?framework= and anchors


@pytest.mark.parametrize("fw", FRAMEWORKS[1:], ids=lambda fw: fw.name)
def test_framework_parameter_ignores_case(browse, server, fw):
    context, log = browse()
    page = open_page(context, server.url(f"{PAGE_43}?framework={fw.label.upper()}"))
    assert tab_report(page, fw.label).ok, tab_report(page, fw.label)
    assert colab_shows(page)[0] == f"({fw.label})"
    assert page.url.endswith(f"?framework={fw.name}")  # a reload shows it again
    browse.assert_clean(log)


def test_framework_parameter_leaves_the_stored_choice_alone(browse, server):
    """A shared link shows its framework; the reader's own choice stays for later pages,
    until they pick a tab."""
    context, log = browse()
    store(browse, context, FIRST.name)
    mxnet = FRAMEWORKS[1]
    page = open_page(context, server.url(f"{PAGE_43}?framework={OTHER.name}"))
    assert tab_report(page, OTHER.label).ok and colab_shows(page)[0] == f"({OTHER.label})"
    assert stored(page) == FIRST.name, "the link's framework overwrote the stored choice"
    page.reload()
    settle(page)
    assert tab_report(page, OTHER.label).ok and stored(page) == FIRST.name
    page.goto(server.url(PAGE_32))  # a later page: the reader's own choice
    settle(page)
    assert tab_report(page, FIRST.label).ok
    page.goto(server.url(f"{PAGE_43}?framework={OTHER.name}"))
    settle(page)
    bh.click_tab(page, mxnet.label)  # picking a tab stores the pick
    assert stored(page) == mxnet.name and "framework=" not in page.url
    page.goto(server.url(PAGE_32))
    settle(page)
    assert tab_report(page, mxnet.label).ok
    browse.assert_clean(log)


def test_unknown_framework_parameter_changes_nothing(browse, server):
    context, log = browse()
    store(browse, context, OTHER.name)
    page = open_page(context, server.url(PAGE_43))
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
    from bookutil import parsed_html

    doc = parsed_html(book_html / PAGE_43)  # (read only)
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
    assert got["solutions"] and all(got["solutions"]), (
        f"solutions not printed open: {got['solutions']}")
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


def test_search_snippets_are_prose(browse, server):
    """A snippet is text the reader can read: no code of the page's cells ("validation"
    once gave "...tensorflow as d2l 4.3.1. The Classifier Class ...")."""
    context, log = browse()
    page = open_page(context, server.url("search.html?q=validation"))
    page.wait_for_function("() => document.querySelector('#search-results')"
                           ".textContent.includes('matching')", timeout=10_000)
    snippets = page.locator("#search-results li p.context").all_inner_texts()
    assert snippets, "no snippet"
    for snippet in snippets:
        assert "as d2l" not in snippet and "import" not in snippet, snippet
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


# --------------------------------------------------------------- search box, focus, weight

EDITIONS = ["", "zh/"]
"""The English edition and the Chinese one (built by `make html` too)."""

_SEARCH_GEOMETRY_JS = """sel => { const form = document.querySelector(sel);
    const icon = form.querySelector('.fa-magnifying-glass, svg');
    const input = form.querySelector('input'); const s = getComputedStyle(input);
    const box = input.getBoundingClientRect();
    return {iconRight: icon.getBoundingClientRect().right,
            textLeft: box.left + parseFloat(s.paddingLeft) + parseFloat(s.borderLeftWidth)}; }"""


def _edition(book_html, edition: str) -> None:
    if edition and not (book_html / edition / PAGE_43).is_file():
        pytest.fail(f"the {edition} edition is not built: run `make html`", pytrace=False)


@pytest.mark.parametrize("edition", EDITIONS, ids=["en", "zh"])
def test_search_text_starts_right_of_its_icon(browse, server, book_html, edition):
    _edition(book_html, edition)
    context, log = browse()
    page = open_page(context, server.url(f"{edition}search.html?q=accuracy"))
    got = page.evaluate(_SEARCH_GEOMETRY_JS, "form.bd-search:not(dialog form)")
    assert got["textLeft"] >= got["iconRight"] + 2, f"search page: {got}"
    page = open_page(context, server.url(edition + PAGE_43))
    page.keyboard.press("Control+k")
    page.locator("#pst-search-dialog input").wait_for(state="visible", timeout=3000)
    got = page.evaluate(_SEARCH_GEOMETRY_JS, "#pst-search-dialog form.bd-search")
    assert got["textLeft"] >= got["iconRight"] + 2, f"Ctrl+K dialog: {got}"
    browse.assert_clean(log)


_FOCUS_JS = """() => { const e = document.activeElement; const s = getComputedStyle(e);
    return {header: !!e.closest('.bd-header, .bd-header-article'),
            name: (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40),
            visible: e.checkVisibility(),
            ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                  || (s.boxShadow !== 'none' && /\\dpx/.test(s.boxShadow))}; }"""


def test_focus_is_visible_on_every_header_button_and_formulas_are_not_tab_stops(browse, server):
    context, log = browse()
    page = open_page(context, server.url(PAGE_43))
    buttons = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.bd-header-article button, .bd-header-article a[href]'))
        .filter(e => e.checkVisibility() && e.getBoundingClientRect().width > 0).length""")
    seen, stops = [], 0
    for _ in range(80):
        page.keyboard.press("Tab")
        got = page.evaluate(_FOCUS_JS)
        stops += page.evaluate("!!document.activeElement.closest('mjx-container, .math')")
        if got["header"] and got["visible"]:
            seen.append(got)
    assert len(seen) >= buttons >= 4, f"{len(seen)} header buttons reached of {buttons}: {seen}"
    assert all(b["ring"] for b in seen), [b for b in seen if not b["ring"]]
    assert stops == 0, f"{stops} formulas are Tab stops"
    assert page.evaluate("""() => Array.from(document.querySelectorAll('mjx-container'))
        .filter(m => m.tabIndex >= 0).length""") == 0
    browse.assert_clean(log)


def test_phone_code_that_scrolls_says_so(browse, server):
    context, log = browse(viewport=PHONE, has_touch=True, is_mobile=True)
    page = open_page(context, server.url(PAGE_43))
    blocks = page.evaluate("""() => Array.from(document.querySelectorAll('div.highlight > pre'))
        .filter(p => p.checkVisibility() && p.scrollWidth > p.clientWidth + 1)
        .map(p => getComputedStyle(p.parentElement, '::after').content)""")
    assert blocks, "no code block is wider than a 390 px screen (nothing to check)"
    assert all(c not in ("none", "normal", "") for c in blocks), blocks
    # scrolled to its end, the sign goes
    page.evaluate("""() => { const p = Array.from(document.querySelectorAll('div.highlight > pre'))
        .find(p => p.checkVisibility() && p.scrollWidth > p.clientWidth + 1);
        p.setAttribute('data-probe', ''); p.scrollLeft = p.scrollWidth; }""")
    page.wait_for_function("""() => getComputedStyle(document.querySelector('pre[data-probe]')
        .parentElement, '::after').content === 'none'""", timeout=3000)
    browse.assert_clean(log)


@pytest.mark.parametrize("path", [PAGE_43, "search.html?q=accuracy"])
def test_no_page_fetches_fontawesomes_web_font(browse, server, path):
    context, log = browse()
    fonts = []
    context.on("request", lambda r: fonts.append(r.url) if "/webfonts/" in r.url
               or "/fa-" in r.url else None)
    page = open_page(context, server.url(path))
    icons = page.evaluate("""() => Array.from(document.querySelectorAll('.admonition-title'))
        .filter(t => t.checkVisibility()).map(t => getComputedStyle(t, '::after'))
        .filter(s => s.content !== 'none')
        .map(s => /svg/.test(s.maskImage || s.webkitMaskImage || '') && s.content === '""')""")
    assert all(icons), f"admonition icons not drawn as masks: {icons}"
    assert not fonts, f"FontAwesome's web font fetched: {fonts}"
    browse.assert_clean(log)


# --------------------------------------------------------------------------- print

_PRINT_TITLE_AND_WRAP_JS = """() => {
    const title = Array.from(document.querySelectorAll('h1')).filter(h => h.checkVisibility())
        .map(h => h.innerText.trim());
    const wrapped = [];
    document.querySelectorAll('div.highlight pre').forEach(pre => {
        if (!pre.checkVisibility()) return;
        pre.querySelectorAll('.tabbook-line').forEach(line => {
            const range = document.createRange(); range.selectNodeContents(line);
            const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
            const tops = [...new Set(rects.map(r => Math.round(r.top)))];
            if (tops.length < 2) return;
            const lefts = tops.map(t => Math.min(...rects.filter(r => Math.round(r.top) === t)
                .map(r => r.left)));
            const indent = line.textContent.length - line.textContent.trimStart().length;
            wrapped.push({first: lefts[0], rest: Math.min(...lefts.slice(1)), indent,
                          text: line.textContent.slice(0, 40)});
        });
    });
    const same = Array.from(document.querySelectorAll('div.highlight pre'))
        .every(pre => pre.dataset.before === undefined || pre.dataset.before === pre.textContent);
    return {title, wrapped, same};
}"""


@pytest.mark.parametrize("edition", EDITIONS, ids=["en", "zh"])
def test_print_title_has_its_number_and_wrapped_code_hangs(browse, server, book_html, edition):
    _edition(book_html, edition)
    context, log = browse(viewport={"width": 560, "height": 1100})
    page = open_page(context, server.url(edition + PAGE_43))
    page.evaluate("() => document.querySelectorAll('div.highlight pre')"
                  ".forEach(p => p.dataset.before = p.textContent)")
    page.emulate_media(media="print")
    # the page splits its code into lines when idle after loading (or at beforeprint); the
    # print stylesheet makes each line a block
    page.wait_for_function("""() => {
        const line = document.querySelector('div.highlight pre .tabbook-line');
        return line && getComputedStyle(line).display === 'block'; }""")
    got = page.evaluate(_PRINT_TITLE_AND_WRAP_JS)
    assert got["title"] and got["title"][0].startswith("4.3. "), got["title"]
    assert got["same"], "preparing code for print changed its text"
    assert got["wrapped"], "no code line wraps at this width (nothing to check)"
    char = page.evaluate("""() => { const s = document.createElement('span');
        s.textContent = 'x'.repeat(10); document.querySelector('div.highlight pre').appendChild(s);
        const w = s.getBoundingClientRect().width / 10; s.remove(); return w; }""")
    for line in got["wrapped"]:
        # the continuation starts past the line's own indentation
        assert line["rest"] >= line["first"] + (line["indent"] + 1) * char - 1, line
    browse.assert_clean(log)
