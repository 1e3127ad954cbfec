"""The "Open in Colab" and "Download .ipynb" links follow the framework picked in the tabs.

Runs in headless Chromium against the built book, with the shared harness (its server,
browser and request log). The frameworks come from the framework table.
"""

from __future__ import annotations

import posixpath

import pytest
from playwright.sync_api import expect

import browser_harness as bh
from browser_harness import REPO, open_page, settle
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.sources.book import read_book
from tabbook.sources.config import load_config
from tabbook.stages import colab
from tabbook.stages.cache import code_cells

pytestmark = pytest.mark.browser
DEFAULT = FRAMEWORKS[0]


def _frameworks(page) -> list[str]:
    return [fw.name for fw in FRAMEWORKS if code_cells(page, fw)]


def test_links_follow_the_selected_tab(browse, server):
    cfg = load_config(REPO)
    page_ = max(read_book(REPO), key=lambda p: len(_frameworks(p)))
    names = _frameworks(page_)
    assert DEFAULT.name in names and len(names) > 1, "no page has code in several frameworks"
    other = next(fw for fw in FRAMEWORKS if fw.name in names and fw is not DEFAULT)
    missing = next((fw for fw in FRAMEWORKS if fw.name not in names), None)
    url = server.url(f"{page_.docname}.html")
    context, log = browse()
    tab = open_page(context, url)
    box = tab.locator(".tabbook-colab")
    download = tab.locator(".tabbook-colab-download")

    def expect_links(fw) -> None:
        expect(box).to_have_attribute("data-selected", fw.name)
        if cfg.colab_pattern:
            expect(tab.locator(".tabbook-colab-open")).to_have_attribute(
                "href", colab.colab_url(cfg.colab_pattern, fw.name, page_))
        rel = posixpath.relpath(f"{colab.HTML_DIR}/{fw.name}/{page_.docname}.ipynb",
                                posixpath.dirname(page_.docname) or ".")
        expect(download).to_have_attribute("href", rel)
        expect(download.locator(".tabbook-colab-fw")).to_have_text(f"({fw.label})")

    expect_links(DEFAULT)
    bh.click_tab(tab, other.label)
    expect_links(other)
    href = download.get_attribute("href")
    assert tab.request.get(posixpath.join(posixpath.dirname(url), href)).ok
    # the choice is remembered (sphinx-design's localStorage key) ...
    tab.reload()
    settle(tab)
    expect_links(other)
    # ... and ?framework= wins, as in sphinx-design; a framework without code falls back
    tab.goto(url + f"?framework={other.name}")
    settle(tab)
    expect_links(other)
    if missing is not None:
        tab.goto(url + f"?framework={missing.name}")
        settle(tab)
        expect_links(DEFAULT)
    # the links are real, focusable links
    download.focus()
    assert tab.evaluate("document.activeElement.className") == "tabbook-colab-download"
    browse.assert_clean(log)
