"""The Chinese edition (``_build/html/zh``) in headless Chromium: CJK text renders with a
real Chinese font, the language switch keeps the reader's framework and place, search finds
Chinese words and phrases, the axe audit passes. (Screenshots for review: `make screenshots`.)

Fonts: Debian's ``fonts-noto-cjk``, installed by ``make test-setup`` before any test (and
so before Chromium starts); the ``cjk_fonts`` fixture (conftest.py) only checks.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import browser_harness as bh
from browser_harness import PAGE_32, PAGE_43, open_page, settle, tab_report

pytestmark = pytest.mark.browser

ZH = "zh/"
ZH_43 = ZH + PAGE_43


@pytest.fixture(scope="session")
def zh_built(book_html):
    if not (book_html / ZH_43).is_file():
        pytest.fail("the Chinese edition is not built: run `make html`", pytrace=False)
    return book_html / "zh"


def platform_fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium really drew an element's text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no element matches {selector}"
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def test_chinese_text_renders_with_a_cjk_font(browse, server, zh_built, cjk_fonts):
    context, log = browse()
    page = open_page(context, server.url(ZH_43))
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    # the first shown paragraph in Chinese (one whose translation is due shows English)
    page.evaluate("""() => Array.from(document.querySelectorAll('main section p'))
        .find(p => p.getClientRects().length && /[\u4e00-\u9fff]/.test(p.textContent))
        .setAttribute('data-cjk-probe', '')""")
    for selector in ("main section h1", "main section p[data-cjk-probe]"):
        text = page.locator(selector).first.inner_text()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), f"{selector}: {text[:80]}"
        fonts = platform_fonts(page, selector)
        cjk = [f for f in fonts if "CJK" in f["familyName"] and f["glyphCount"] > 0]
        assert cjk, f"{selector} was not drawn with a Chinese font: {fonts} (have {cjk_fonts})"
    # distinct characters are distinct glyphs (no tofu boxes)
    distinct = page.evaluate("""() => {
        const font = getComputedStyle(document.querySelector('main section p')).font;
        const draw = ch => { const c = document.createElement('canvas'); c.width = c.height = 40;
            const g = c.getContext('2d'); g.font = font.replace(/\\d+(\\.\\d+)?px/, '32px');
            g.fillText(ch, 2, 34); return c.toDataURL(); };
        const chars = ['准', '确', '率', '分', '类'];
        return new Set(chars).size === new Set(chars.map(draw)).size;
    }""")
    assert distinct, "Chinese characters are drawn as identical boxes"
    browse.assert_clean(log)


def test_language_switch_keeps_the_framework_both_ways(browse, server, zh_built):
    context, log = browse()
    page = open_page(context, server.url(PAGE_43))
    bh.click_tab(page, "JAX")
    assert tab_report(page, "JAX").ok
    page.locator("a.tabbook-lang-link[hreflang='zh-CN']").click()
    page.wait_for_url("**/" + ZH_43 + "*")
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    report = tab_report(page, "JAX")
    assert report.ok, f"the Chinese page does not show JAX: {report}"
    assert page.locator(".tabbook-colab-download .tabbook-colab-fw").first.inner_text() == "（JAX）"

    bh.click_tab(page, "TensorFlow")
    page.locator("a.tabbook-lang-link[hreflang='en']").click()
    page.wait_for_url("**/" + PAGE_43 + "*")
    settle(page)
    assert "/zh/" not in page.url
    assert page.evaluate("document.documentElement.lang") == "en"
    report = tab_report(page, "TensorFlow")
    assert report.ok, f"back on the English page, TensorFlow is not shown: {report}"

    # a reader arriving fresh (no stored choice) on the other edition through the switch
    fresh, fresh_log = browse()
    page = open_page(fresh, server.url(PAGE_32 + "?framework=mxnet"))
    assert tab_report(page, "MXNet").ok
    page.locator("a.tabbook-lang-link[hreflang='zh-CN']").click()
    page.wait_for_url("**/" + ZH + PAGE_32 + "*")
    settle(page)
    assert tab_report(page, "MXNet").ok, tab_report(page, "MXNet")
    browse.assert_clean(log)
    browse.assert_clean(fresh_log)


def _search_links(page) -> list[str]:
    page.wait_for_function("() => (document.querySelector('#search-results .search-summary')"
                           " || {}).textContent", timeout=20_000)
    return page.locator("#search-results ul.search li a").evaluate_all(
        "els => els.map(a => a.getAttribute('href'))")


# words, and phrases the index has cut into words (验证损失: 验证, 损失), which the search
# page looked up as one word and found nowhere (static/tabbook-search-zh.js)
@pytest.mark.parametrize("word", ["准确率", "分类", "验证损失", "期望损失", "交叉熵",
                                  "最后一个小批量"])
def test_chinese_search_finds_the_43_page(browse, server, zh_built, word):
    text = BeautifulSoup((zh_built / PAGE_43).read_text("utf-8"), "html.parser").get_text()
    assert word in text, f"{word} is not on the page"
    context, log = browse()
    page = open_page(context, server.url(ZH + "search.html?q=" + word))
    links = _search_links(page)
    assert any(PAGE_43 in (href or "") for href in links), f"{word}: {links}"
    browse.assert_clean(log)


_EVERY_PHRASE_JS = r"""async url => {
    const doc = new DOMParser().parseFromString(await (await fetch(url)).text(), 'text/html');
    // (not the page's text: its buttons, the formulas' glyphs and TeX)
    doc.querySelectorAll('script, style, button, .headerlink, .tabbook-colab, .katex-html, '
                         + 'annotation').forEach(e => e.remove());
    const text = doc.querySelector('article.bd-article').textContent;
    const page = Search._index.docnames.indexOf(url.split('/zh/')[1].replace(/\.html$/, ''));
    const words = new Set([...Object.keys(Search._index.terms),
                           ...Object.keys(Search._index.titleterms)]);
    const hasWord = run => [...run].some((_, i) => [...run].slice(i).some(
        (_, k) => k > 0 && words.has([...run].slice(i, i + k + 1).join(''))));
    const report = {phrases: 0, wordless: 0, missed: []};
    for (const run of new Set(text.match(/\p{Script=Han}{2,}/gu))) {
        if (!hasWord(run)) { report.wordless++; continue; }
        report.phrases++;
        const [, terms, excluded] = Search._parseQuery(run);
        const found = Search.performTermsSearch(terms, excluded).map(r => r[0]);
        if (!found.includes(Search._index.docnames[page])) report.missed.push([run, [...terms]]);
    }
    return report;
}"""


def test_chinese_search_finds_every_phrase_of_the_43_page(browse, server, zh_built):
    """Every run of Chinese characters of the page's text (a phrase between two punctuation
    marks or Latin words) is found on the page by the search page's own code (its query
    split, its term search), unless no word of it is in the index: the index keeps no word
    of one character (就像第: 就, 像, 第), so such a run cannot be looked up."""
    context, log = browse()
    page = open_page(context, server.url(ZH + "search.html"))
    page.wait_for_function("() => Search._index !== null", timeout=20_000)
    report = page.evaluate(_EVERY_PHRASE_JS, server.url(ZH_43))
    assert report["phrases"] > 300, report
    assert not report["missed"], f"phrases of the page search does not find: {report['missed']}"
    assert report["wordless"] < report["phrases"] / 20, report
    browse.assert_clean(log)


@pytest.mark.parametrize("query", ["validation loss", "accuracy"])
def test_english_search_still_finds_a_phrase_and_a_word(browse, server, query):
    context, log = browse()
    page = open_page(context, server.url("search.html?q=" + query))
    links = _search_links(page)
    assert any(PAGE_43 in (href or "") for href in links), f"{query}: {links}"
    # (the Chinese query splitter is the Chinese search page's only)
    assert not page.evaluate("!!document.querySelector('script[src*=\"tabbook-search-zh\"]')")
    browse.assert_clean(log)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations_on_the_zh_43_page(browse, server, axe_js, zh_built,
                                                               scheme):
    context, log = browse(color_scheme=scheme)
    page = open_page(context, server.url(ZH_43))
    bh.assert_no_serious_violations(page, axe_js)
    browse.assert_clean(log)


def test_solution_toggles_and_header_buttons_speak_chinese(browse, server, zh_built):
    """What the scripts show once they ran: sphinx-togglebutton's hint on each solution
    (点击显示, then 点击隐藏 once opened; it ships them as zh-cn, which a zh_CN build did
    not find), the header's repository buttons, and the solution titles."""
    import re

    context, log = browse()
    page = open_page(context, server.url(ZH_43))
    hints = page.locator(".solution button.toggle-button").evaluate_all(
        "els => els.map(b => b.dataset.toggleHint)")
    assert hints and set(hints) == {"点击显示"}, hints
    page.locator(".solution button.toggle-button").first.click()
    page.wait_for_function(
        "document.querySelector('.solution button.toggle-button').dataset.toggleHint"
        " === '点击隐藏'")
    titles = page.locator(".solution .admonition-title").all_inner_texts()
    assert titles and all(re.fullmatch(r"练习4\.3\.\d的解答", t.strip()) for t in titles), titles
    buttons = page.locator(".article-header-buttons .btn__text-container").all_inner_texts()
    assert {"仓库", "修改译文", "创建议题"} <= {b.strip() for b in buttons}, buttons
    # (no English word: ".pdf" and "PDF" are the format's name, as 全书PDF says it)
    assert not [b for b in buttons if re.search(r"[A-Za-z]{3,}", b.replace("PDF", ""))
                and b.strip() != ".pdf"]
    browse.assert_clean(log)


# ------------------------------------------------------------- the switch and shared assets


@pytest.mark.parametrize("path", [PAGE_43, "index.html", "search.html?q=accuracy", "genindex.html"])
def test_language_switch_is_on_every_page_in_view_and_keeps_the_place(browse, server, zh_built,
                                                                      path):
    context, log = browse()
    anchor = "#accuracy" if path == PAGE_43 else ""
    page = open_page(context, server.url(path + anchor))
    link = page.locator("a.tabbook-lang-link[hreflang='zh-CN']")
    assert link.count() == 1, f"{path}: no language switch"
    page.mouse.wheel(0, 3000)  # far down the page: the switch is still on screen
    page.wait_for_timeout(300)
    assert page.evaluate("""() => { const r = document.querySelector('a.tabbook-lang-link')
        .getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight
        && r.width > 0; }"""), f"{path}: the language switch scrolled out of view"
    link.click()
    page.wait_for_url("**/zh/**")
    settle(page)
    want = path.split("?")[0]
    assert page.url.split("?")[0].split("#")[0].endswith("/zh/" + want), page.url
    if anchor:
        assert page.url.endswith(anchor), f"the switch dropped {anchor}: {page.url}"
        assert page.evaluate("a => { const r = document.getElementById(a).getBoundingClientRect();"
                             " return r.top >= -5 && r.top < window.innerHeight; }", anchor[1:])
    if "?q=" in path:
        assert "q=accuracy" in page.url, page.url
    assert page.locator("a.tabbook-lang-link[hreflang='en']").count() == 1
    browse.assert_clean(log)


_READING_JS = """() => {
    const header = document.querySelector('.bd-header-article');
    const line = Math.max(0, header ? header.getBoundingClientRect().bottom : 0);
    const ps = Array.from(document.querySelectorAll('article.bd-article p'))
        .filter(p => p.getClientRects().length);
    const at = ps.findIndex(p => p.getBoundingClientRect().bottom > line);
    return {at, count: ps.length, top: ps[at].getBoundingClientRect().top};
}"""
_PARAGRAPH_JS = """at => { const ps = Array.from(document.querySelectorAll('article.bd-article p'))
    .filter(p => p.getClientRects().length);
    return {count: ps.length, top: ps[at].getBoundingClientRect().top}; }"""


@pytest.mark.parametrize("start, lang", [(PAGE_43, "zh-CN"), (ZH_43, "en")],
                         ids=["en-zh", "zh-en"])
@pytest.mark.parametrize("viewport", [bh.DESKTOP, bh.PHONE], ids=["desktop", "phone"])
def test_language_switch_without_an_anchor_lands_on_the_same_text(browse, server, zh_built, start,
                                                                   lang, viewport):
    """A reader in mid-page (no #anchor in the address) lands, in the other edition, within
    one screen of the paragraph they were reading (the n-th paragraph of the page: both
    editions have the same ones), the section they were in as the address's #anchor."""
    far = []
    for spot in (0.3, 0.55, 0.8):
        context, log = browse.fresh(viewport=viewport)
        page = open_page(context, server.url(start))
        page.evaluate("f => window.scrollTo({top: f * (document.documentElement.scrollHeight"
                      " - innerHeight), behavior: 'instant'})", spot)
        bh.next_frames(page)
        before = page.evaluate(_READING_JS)
        # (the mouse's own click: Playwright's would first scroll the sticky link into view)
        box = page.locator(f"a.tabbook-lang-link[hreflang='{lang}']").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url(lambda url: ("/zh/" in url) == (lang == "zh-CN"))
        settle(page)
        bh.next_frames(page, 3)
        assert page.evaluate("document.documentElement.lang") == lang
        after = page.evaluate(_PARAGRAPH_JS, before["at"])
        assert after["count"] == before["count"], (before, after)  # (the same paragraphs)
        moved = round(after["top"] - before["top"])
        anchor = page.url.partition("#")[2]
        if abs(moved) >= viewport["height"] or not anchor:
            far.append(f"at {spot:.0%} of the page: paragraph {before['at']} moved {moved} px, "
                       f"#{anchor}")
        else:
            assert page.evaluate("id => !!document.getElementById(decodeURIComponent(id))",
                                 anchor), anchor
        browse.assert_clean(log)
    assert not far, f"the switch did not land within a screen of the text: {far}"


def test_switching_language_fetches_no_asset_already_fetched(browse, server, zh_built, book_html):
    """The Chinese pages use the English edition's copy of every static file that is the
    same (one URL: a browser's cache has it); only what differs is the edition's own."""
    context, log = browse.fresh()
    fetched: list[str] = []
    context.on("requestfinished", lambda r: fetched.append(r.url.split("?")[0]))
    page = open_page(context, server.url(PAGE_43))
    first = {u for u in fetched if "/_static/" in u}
    assert len(first) > 10, first
    fetched.clear()
    page.locator("a.tabbook-lang-link[hreflang='zh-CN']").click()
    page.wait_for_url("**/zh/**")
    settle(page)
    assets = [u for u in fetched if "/_static/" in u]
    own = [u.split("/zh/_static/", 1)[1] for u in assets if "/zh/_static/" in u]
    same = [rel for rel in own if (book_html / "_static" / rel).is_file() and
            (book_html / "_static" / rel).read_bytes() == (zh_built / "_static" / rel).read_bytes()]
    assert not same, f"the Chinese edition downloads its own copy of the same files: {same}"
    assert len(own) <= 3, f"the Chinese edition's own assets: {own}"
    shared = [u for u in assets if "/zh/_static/" not in u]
    assert shared and all(u in first for u in shared if "mathjax" not in u), (
        sorted(set(shared) - first))
    assert len(list((zh_built / "_static").rglob("*"))) < 10, "zh/_static/ copies the English one"
    browse.assert_clean(log)
