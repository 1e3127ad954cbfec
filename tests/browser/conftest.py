"""Fixtures of the browser tests: the built book, Chromium, a server, browser contexts.

The book under test is ``_build/html`` (``make html``), or ``$TABBOOK_HTML``.
Chromium, the Chinese fonts (Debian) and axe-core (npm) are installed by `make test-setup`
(tests/setup_machine.py) before any test starts; these fixtures only check, and fail
saying to run it.
"""

from __future__ import annotations

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
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(book_html):
    with bh.BookServer(book_html) as srv:
        yield srv


class Browse:
    """Open fresh browser contexts (empty cache and storage), each with a :class:`PageLog`."""

    def __init__(self, browser, server):
        self.browser, self.server = browser, server
        self.contexts = []
        self._first_hit = len(server.hits)

    def __call__(self, viewport=bh.DESKTOP, **kwargs):
        context = self.browser.new_context(viewport=viewport, **kwargs)
        self.contexts.append(context)
        return context, bh.watch(context)

    def server_errors(self) -> list[str]:
        """4xx/5xx answers the server gave since this test started (e.g. /favicon.ico)."""
        return [f"{h.status} {h.path}" for h in self.server.hits[self._first_hit:] if h.status >= 400]

    def assert_clean(self, log: bh.PageLog) -> None:
        problems = log.problems() + [f"server answered {e}" for e in self.server_errors()]
        assert not problems, "\n".join(problems)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def browse(browser, server):
    b = Browse(browser, server)
    yield b
    b.close()
