"""The "Discussions" link at the end of a section follows the reader's framework, in both
editions (issue 32 item 12): picking a framework in any tab-set of the page (the first
one, far above) leaves exactly one visible link at the end, the topic of that framework.
The table and the built HTML: tests/test_discussions.py."""

from __future__ import annotations

import pytest

import browser_harness as bh
from bookutil import REPO
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.sources.book import read_book
from tabbook.sources.i18n import EDITIONS
from test_discussions import expected

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.language)
def test_the_visible_discussions_link_follows_the_chosen_tab(browse, server, book_html, edition):
    pages = [p for p in read_book(REPO) if p.discussions]
    assert pages
    context, log = browse()
    for source in pages:
        topics, text = expected(edition, source)
        prefix = f"{edition.folder}/" if edition.folder else ""
        page = bh.open_page(context, server.url(f"{prefix}{source.docname}.html"))
        for fw in [*FRAMEWORKS[1:], FRAMEWORKS[0]]:  # (the first is shown before any pick)
            bh.click_tab(page, fw.label)  # in the page's first tab-set
            bh.settle(page)
            links = page.locator(".tabbook-discussions a:visible")
            shown = [(links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href"))
                     for i in range(links.count())]
            assert shown == [(text, topics[fw.name])], (edition.language, source.docname, fw)
        page.close()
    browse.assert_clean(log)
