"""The reading experience in headless Chromium: tabs, math, solutions, offline, phone, a11y.

Runs against the built book (``make html``; or ``TABBOOK_HTML=/path/to/html``).
``test_browser_broken.py`` shows each check here fails on a book that is broken that way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import browser_harness as bh
from browser_harness import PAGE_32, PAGE_43, open_page, settle, tab_report

pytestmark = pytest.mark.browser


def storage(page) -> str | None:
    return page.evaluate(f"localStorage.getItem({bh.STORAGE_KEY!r})")


def test_framework_choice_syncs_every_tab_set_persists_and_follows_the_url(browse, server):
    context, log = browse()
    page = open_page(context, server.url(PAGE_43))
    first = tab_report(page, "PyTorch")
    assert len(first.framework_sets) >= 2, (
        f"the 4.3 page has too few framework tab-sets: {first.sets}")
    assert first.ok, f"before any choice every tab-set should show PyTorch: {first}"

    bh.click_tab(page, "JAX")
    report = tab_report(page, "JAX")
    assert report.ok, f"clicking JAX did not switch every tab-set: {report}"
    assert storage(page) == "jax"

    page.reload()
    settle(page)
    assert tab_report(page, "JAX").ok, f"after a reload: {tab_report(page, 'JAX')}"

    page.goto(server.url(PAGE_32))
    settle(page)
    report = tab_report(page, "JAX")
    assert report.ok, f"the 3.2 page does not show JAX: {report}"

    page.goto(server.url(PAGE_43 + "?framework=tensorflow"))
    settle(page)
    report = tab_report(page, "TensorFlow")
    assert report.ok, f"?framework=tensorflow did not select TensorFlow: {report}"
    assert storage(page) == "jax", "a ?framework= link overwrote the reader's choice"
    page.goto(server.url(PAGE_32))
    settle(page)
    assert tab_report(page, "JAX").ok, "a ?framework= link changed the later pages"
    browse.assert_clean(log)


@pytest.mark.parametrize("path", [PAGE_43, PAGE_32])
def test_math_is_typeset(browse, server, path):
    context, log = browse()
    page = open_page(context, server.url(path))
    report = bh.math_report(page)
    if path == PAGE_43:
        assert report.math > 0, "the 4.3 page has no math: is it the real page?"
    assert not report.mathjax, "the page loads MathJax: formulas are rendered at build time"
    assert not report.untypeset, f"math left untypeset: {report.untypeset}"
    assert not report.errors, f"TeX errors: {report.errors}"
    assert not report.raw, f"raw TeX delimiters in the text: {report.raw}"
    assert report.ok or report.math == 0, report
    browse.assert_clean(log)


def test_solutions_are_collapsed_until_clicked(browse, server):
    context, log = browse()
    page = open_page(context, server.url(PAGE_43))
    found = bh.solutions(page)
    assert found, "the 4.3 page has no exercise solutions"
    assert all(s["dropdown"] and s["toggle"] for s in found), f"not dropdowns: {found}"
    assert not [s for s in found if s["shown"]], f"solutions shown before a click: {found}"
    for i, sol in enumerate(found):
        page.locator(f'[id="{sol["id"]}"] button.toggle-button').click()
        page.wait_for_function("id => { const s = document.getElementById(id);"
                               " return !s.classList.contains('toggle-hidden'); }", arg=sol["id"])
        bh.animations_done(page)  # the opening transition ended
        now = bh.solutions(page)
        assert now[i]["shown"], f"solution {sol['id']} did not open on click: {now[i]}"
        assert not [s for s in now[i + 1:] if s["shown"]], "opening one solution opened others"
    math = bh.math_report(page)
    assert not math.untypeset and not math.raw, f"math in the opened solutions: {math}"
    browse.assert_clean(log)


def _pages(html: Path) -> list[str]:
    skip = ("_static", "_sources", "_images")
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  # (also a translated edition's: zh/_static/...)
                  if not set(p.relative_to(html).parts[:2]) & set(skip))


def test_every_page_loads_offline_without_errors(browse, server, book_html):
    """No request leaves 127.0.0.1, none fails, nothing is logged as an error, on any page,
    also after showing every framework's tab and opening every solution."""
    context, log = browse()
    pages = _pages(book_html)
    assert PAGE_43 in pages and PAGE_32 in pages, pages
    page = context.new_page()  # one tab, going from page to page as a reader does
    for path in pages:
        page.goto(server.url(path))
        settle(page)
        for label in bh.LABELS.values():
            tabs = page.locator(".sd-tab-set > label.sd-tab-label",
                                has_text=label).filter(visible=True)
            if tabs.count():
                tabs.first.click()
        for button in page.locator(".solution button.toggle-button").all():
            button.click()
        settle(page)
    local = [u for u in log.requests if bh.is_local(u)]
    assert any("/_static/katex/" in u for u in local), "KaTeX's CSS was not loaded from the book"
    browse.assert_clean(log)


def test_no_page_loads_assets_from_other_hosts(book_html):
    """Also what a browser may not fetch in a test (lazy images, preconnects, hidden tabs)."""
    found = {path: bh.external_assets((book_html / path).read_text(encoding="utf-8"))
             for path in _pages(book_html)}
    found = {path: urls for path, urls in found.items() if urls}
    assert not found, f"pages load assets from other hosts: {found}"


def test_tabs_work_from_the_keyboard(browse, server):
    context, log = browse()
    page = open_page(context, server.url(PAGE_43))
    # Tab from the top of the page until a framework tab has the focus
    page.locator("body").focus()
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.sd-tab-set') &&"
                         " document.activeElement.matches('input[type=radio]')"):
            break
    else:
        pytest.fail("no framework tab is reachable with the Tab key")
    labels = page.evaluate("() => Array.from(document.activeElement.parentElement.children)"
                           ".filter(e => e.matches('label.sd-tab-label'))"
                           ".map(e => e.textContent.trim())")
    start = page.evaluate("() => document.activeElement.nextElementSibling.textContent.trim()")
    assert len(labels) >= 2, labels
    i = labels.index(start)
    page.keyboard.press("ArrowRight")
    want = labels[(i + 1) % len(labels)]
    report = tab_report(page, want)
    assert report.ok, f"ArrowRight did not switch every tab-set to {want}: {report}"
    outline = page.evaluate(
        "() => getComputedStyle(document.activeElement.nextElementSibling).outlineStyle")
    assert outline != "none", "the focused tab shows no focus outline"
    page.keyboard.press("ArrowLeft")
    assert tab_report(page, start).ok, f"ArrowLeft did not switch back to {start}"
    # the solutions' toggle buttons are buttons: Enter opens them
    button = page.locator(".solution button.toggle-button").first
    button.focus()
    page.keyboard.press("Enter")
    assert bh.solutions(page)[0]["shown"], "Enter on a solution's button did not open it"
    browse.assert_clean(log)


@pytest.mark.parametrize("path", [PAGE_43, PAGE_32])
def test_phone_width_has_no_horizontal_scroll(browse, server, path):
    """With PyTorch's code shown, then JAX's (a link with ?framework=, one tab)."""
    # a desktop-like viewport of phone width: a mobile one would zoom out to fit a too-wide
    # page (innerWidth grows), hiding what this test looks for
    context, log = browse(viewport=bh.PHONE, has_touch=True)
    page = context.new_page()
    for framework in ("pytorch", "jax"):
        page.goto(server.url(f"{path}?framework={framework}"))
        settle(page)
        assert tab_report(page, bh.LABELS[framework]).ok
        report = bh.overflow_report(page)
        assert report["innerWidth"] == bh.PHONE["width"], report
        assert report["scrollWidth"] <= report["innerWidth"] and not report["offenders"], (
            f"{path} with {framework} at {bh.PHONE['width']} px scrolls sideways: {report}")
    browse.assert_clean(log)


@pytest.mark.parametrize("path", [PAGE_43, "zh/" + PAGE_43], ids=["en", "zh"])
def test_tabs_switch_on_a_phone(browse, server, book_html, path):
    """On a phone (mobile viewport, touch) every tab-set shows PyTorch, then JAX once a JAX
    tab is tapped, and the page stays clean (what the screenshots, now `make
    screenshots`, also checked)."""
    if not (book_html / path).is_file():
        pytest.fail(f"{path} is not built: run `make html`", pytrace=False)
    context, log = browse(viewport=bh.PHONE, is_mobile=True, has_touch=True)
    page = open_page(context, server.url(path))
    assert tab_report(page, "PyTorch").ok, tab_report(page, "PyTorch")
    bh.click_tab(page, "JAX")
    settle(page)
    assert tab_report(page, "JAX").ok, tab_report(page, "JAX")
    browse.assert_clean(log)


@pytest.mark.parametrize("path, scheme",
                         [(PAGE_43, "light"), (PAGE_32, "light"), (PAGE_43, "dark")])
def test_no_serious_accessibility_violations(browse, server, axe_js, path, scheme):
    """axe-core on the page as loaded, then with every framework's tab panel shown at once
    (one audit covers all four frameworks' code and outputs) and every solution open.
    The theme follows the reader's system color scheme: the dark one is audited too."""
    context, log = browse(color_scheme=scheme)
    page = open_page(context, server.url(path))
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    bh.assert_no_serious_violations(page, axe_js)
    browse.assert_clean(log)


def test_page_weight_is_recorded(browser, server, record_property):
    """Records (does not judge) the bytes an empty-cache load of the 4.3 page transfers."""
    weight = bh.page_weight(browser, server, PAGE_43)
    record_property("page_weight_transferred_bytes", weight.transferred)
    record_property("page_weight_uncompressed_bytes", weight.decoded)
    print(weight.summary())
    assert weight.transferred > 0 and any("/_static/katex/" in r[0] for r in weight.resources)
    assert not any("mathjax" in r[0] for r in weight.resources)
