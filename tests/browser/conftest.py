"""Fixtures of the browser tests: the built book, Chromium, a server, browser contexts
(shared between tests with their cache kept, or fresh: :class:`Browse`).

The book under test is ``_build/html`` (``make html``), or ``$TABBOOK_HTML``.
Chromium, the Chinese fonts (Debian) and axe-core (npm) are installed by `make test-setup`
(tests/setup_machine.py) before any test starts; these fixtures only check, and fail
saying to run it.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

import browser_harness as bh


def _setup(fn, *args):
    try:
        return fn(*args)
    except bh.SetupError as exc:
        message = str(exc)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def book_html():
    """The built book (fails, saying to run `make html`, when it is not built)."""
    return _setup(bh.require_built, bh.html_dir())


@pytest.fixture(scope="session")
def chromium() -> str:
    return _setup(bh.require_chromium)


@pytest.fixture(scope="session")
def axe_js():
    return _setup(bh.require_axe)


@pytest.fixture(scope="session")
def cjk_fonts():
    """The fonts for Chinese (checked before Chromium starts: see :func:`browser`)."""
    return _setup(bh.require_cjk_fonts)


@pytest.fixture(scope="session")
def browser(chromium, cjk_fonts):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = bh.launch(pw, chromium)
        bh.catch_all_dialogs(browser)  # (a test during which a dialog opens fails: no_dialogs)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def no_dialogs():
    """Every browser test fails when a page opened a JavaScript dialog while it ran (an
    ``alert`` is how an injected script shows itself: issue 28)."""
    start = len(bh.DIALOGS)
    yield
    opened = bh.DIALOGS[start:]
    del bh.DIALOGS[start:]
    if opened:
        pytest.fail("a page opened a JavaScript dialog (an injected script?): "
                    + "; ".join(opened), pytrace=False)


@pytest.fixture(scope="session")
def server(book_html):
    with bh.BookServer(book_html) as srv:
        yield srv


KEEPER = "tabbook-keeper.html"
"""What a shared context's first tab shows while tests come and go: a blank page of the
book's origin that is not a file of the book. The tab's own route answers it, so it never
reaches the server or its log, and its icon (``data:``) asks for no ``/favicon.ico``."""
KEEPER_HTML = '<!doctype html><link rel="icon" href="data:,"><title>keeper</title>'
CLEARED = ("cookies,file_systems,indexeddb,local_storage,websql,service_workers,"
           "cache_storage,shared_storage,storage_buckets")
"""What a shared context forgets between tests: every kind of storage, not the HTTP cache."""


class Browse:
    """Browser contexts for one test, each with a :class:`PageLog`.

    ``browse(**options)`` gives the session's context with those options (viewport, color
    scheme, ...) as a returning reader has it: its HTTP cache is kept (every request still
    reaches the server, which says ``no-cache``), everything else is new: no page of the
    book open (a tab on :data:`KEEPER` stays), no storage of any kind (cleared after each
    test: pages are closed first, so none writes again), a new log. ``browse.fresh(**options)``
    gives a new context, empty cache included: for a first visit, and for a test that adds
    init scripts or routes (a context keeps them). A test that asks twice for the same
    options gets a fresh context the second time.
    """

    def __init__(self, browser, server, pool: dict):
        self.browser, self.server, self.pool = browser, server, pool
        self.contexts, self.shared = [], []
        self._first_hit = len(server.hits)

    def __call__(self, viewport=bh.DESKTOP, **kwargs):
        key = json.dumps([viewport, kwargs], sort_keys=True)
        context = self.pool.get(key)
        if context is None or context in self.shared:
            if context is not None:
                return self.fresh(viewport, **kwargs)
            context = self.browser.new_context(viewport=viewport, **kwargs)
            bh.watch(context)
            # a tab of the book's origin that stays open: the browser keeps the site's
            # renderer process for the next test's tab (about 1 CPU-second a page load)
            self._keeper(context)
            self.pool[key] = context
        self.shared.append(context)
        return context, bh.new_log(context)

    def fresh(self, viewport=bh.DESKTOP, **kwargs):
        context = self.browser.new_context(viewport=viewport, **kwargs)
        self.contexts.append(context)
        return context, bh.watch(context)

    def remember(self, context, key: str, value: str) -> None:
        """What an earlier visit left in ``context``'s local storage: ``key`` set to
        ``value`` on the book's origin (from the kept tab, which runs no script; the
        storage is cleared after the test like any other)."""
        keeper = next((p for p in context.pages if p.url == self.server.url(KEEPER)), None)
        page = keeper or self._keeper(context)
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, value])
        if keeper is None:
            page.close()

    def _keeper(self, context):
        """A new tab showing :data:`KEEPER` (routed in that tab only: the other tabs keep
        the HTTP cache, which a route of the whole context would turn off)."""
        page = context.new_page()
        url = self.server.url(KEEPER)
        page.route(url, lambda route: route.fulfill(status=200, content_type="text/html",
                                                    body=KEEPER_HTML))
        page.goto(url)
        return page

    def server_errors(self) -> list[str]:
        """4xx/5xx answers the server gave since this test started (e.g. /favicon.ico)."""
        return [f"{h.status} {h.path}" for h in self.server.hits[self._first_hit:]
                if h.status >= 400]

    def assert_clean(self, log: bh.PageLog) -> None:
        problems = log.problems() + [f"server answered {e}" for e in self.server_errors()]
        assert not problems, "\n".join(problems)

    def close(self):
        for context in self.contexts:
            context.close()
        for context in self.shared:
            keeper, *pages = context.pages
            origins = {self.server.base.rstrip("/")}  # and another server's, where a test used one
            origins |= {f"{u.scheme}://{u.netloc}" for u in map(urlsplit, (p.url for p in pages))
                        if u.scheme in ("http", "https")}
            for page in pages:
                page.close()
            cdp = context.new_cdp_session(keeper)
            for origin in sorted(origins):
                cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": CLEARED})
            cdp.detach()


@pytest.fixture(scope="session")
def context_pool(browser):
    pool: dict = {}
    yield pool
    for context in pool.values():
        context.close()


@pytest.fixture
def browse(browser, server, context_pool):
    b = Browse(browser, server, context_pool)
    yield b
    b.close()
