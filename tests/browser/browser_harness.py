"""Drive the built book in headless Chromium: serve it, load pages, and check them.

Shared by the browser tests (``tests/browser/``) and ``benchmarks/page_weight.py``.
Every check is a plain function that *reports* (returns data); the tests assert on the
reports, and ``test_broken_builds.py`` shows each check can fail.

* The book is served from ``127.0.0.1`` by :class:`BookServer` (``http.server`` in a
  thread, ephemeral port, gzip like any static host), which logs every request: the
  tool's own server, :mod:`tabbook.core.browser`, which `make pdf` prints from.
* Chromium is Debian's ``/usr/bin/chromium``, driven by Playwright with
  :data:`CHROMIUM_ARGS`, launched as `make pdf` launches it (:func:`launch`, from
  :mod:`tabbook.core.browser`). It, the Chinese fonts and axe-core are installed by
  ``make test-setup`` (``tests/setup_machine.py``) before any test starts; the
  ``require_*`` functions here only check, and fail saying to run it.
* :func:`watch` records everything a page does on the network and in the console.
  Requests to anything but 127.0.0.1 are recorded, and never leave the machine:
  Chromium sends them to a proxy that is not there (:data:`CHROMIUM_ARGS`), which fails
  them at once. (Not Playwright's routing, which would do it too, but turns off the
  browser's cache: a reader's second page would download every script again.)
"""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from bookutil import LAYOUT, REPO  # noqa: E402,F401  (the checkout; tabbook importable after it)
from tabbook.core.browser import (  # noqa: E402,F401  (one launcher, one server: the tool's)
    CHROMIUM,
    CHROMIUM_ARGS,
    COMPRESSIBLE,
    OFFLINE_ARGS,
    BookServer,
    Hit,
    launch,
)
from tabbook.core.frameworks import FRAMEWORKS  # noqa: E402  (the one framework table)

PAGE_43 = "chapter_linear-classification/classification.html"
PAGE_32 = "chapter_linear-regression/oo-design.html"
LABELS = {fw.name: fw.label for fw in FRAMEWORKS}
"""Sync id -> tab label: ``{"pytorch": "PyTorch", ...}``."""
STORAGE_KEY = "sphinx-design-tab-id-framework"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1"}
WEIGHT_TARGET = 300_000
"""Bytes an empty-cache load of the 4.3 page should stay under (transferred, gzip):
300 KB (issue 30: 533 KB with MathJax's 330 KB; issue 12: 800 KB, it was about 980 KB with
FontAwesome's 543 KB script)."""


# --------------------------------------------------------------------------- setup


def html_dir() -> Path:
    """The built book: ``$TABBOOK_HTML`` or ``<repo>/_build/html`` (what `make html` writes)."""
    return Path(os.environ.get("TABBOOK_HTML") or LAYOUT.html_root).resolve()


def screenshot_dir(html: Path) -> Path:
    """Where screenshots go: ``_build/screenshots`` beside ``_build/html``."""
    return html.parent / "screenshots"


import setup_machine  # noqa: E402  (what the machine needs: installed by `make test-setup`)
from setup_machine import SetupError, cjk_fonts  # noqa: E402,F401


def _not_set_up(what: str) -> SetupError:
    return SetupError(f"{what}: run `make test-setup` (as root: it installs every Debian "
                      "package and npm tool the tests need, before any test starts; "
                      "`python3 tests/setup_machine.py --check` lists what is missing)")


def require_chromium(path: str = CHROMIUM) -> str:
    """Debian's Chromium at ``path`` (installed by ``make test-setup``, never here)."""
    if not Path(path).exists():
        raise _not_set_up(f"{path} is missing")
    return path


def require_cjk_fonts() -> list[str]:
    """The fonts fontconfig has for Chinese (Debian's ``fonts-noto-cjk``, installed by
    ``make test-setup`` before Chromium first starts: a browser started earlier would
    not see fonts installed later)."""
    found = cjk_fonts()
    if not found:
        raise _not_set_up("fontconfig has no font for Chinese (fonts-noto-cjk)")
    return found


def require_axe() -> Path:
    """``axe.min.js`` of the npm package axe-core (installed by ``make test-setup``)."""
    axe = setup_machine.npm_file("axe-core")
    if not axe.is_file():
        raise _not_set_up(f"axe-core is not installed ({axe} is missing)")
    return axe


def require_built(html: Path) -> Path:
    if not (html / "index.html").is_file():
        raise SetupError(f"the book is not built ({html / 'index.html'} is missing): run "
                         "`make html` first (`make test` does), or set TABBOOK_HTML to a "
                         "built book")
    return html


# --------------------------------------------------------------------------- watching


@dataclass
class PageLog:
    """What a page did: every request, the external ones, failures and console errors."""

    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    inflight: set = field(default_factory=set, repr=False)

    def problems(self) -> list[str]:
        return ([f"request left 127.0.0.1: {u}" for u in self.external]
                + [f"request failed: {u}" for u in self.failed]
                + [f"HTTP error: {u}" for u in self.bad_status]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"uncaught exception: {m}" for m in self.page_errors])


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname in LOCAL_HOSTS


def watch(context) -> PageLog:
    """Record everything the pages of a browser ``context`` do (the browser itself sends no
    request off 127.0.0.1: :data:`OFFLINE_ARGS`). The listeners write into the context's
    current log: :func:`new_log` starts another (a reused context, a new test)."""
    def log():
        return _LOGS[id(context)]

    def on_request(request):
        log().requests.append(request.url)
        log().inflight.add(request)
        if not is_local(request.url):
            log().external.append(request.url)

    def on_failed(request):
        log().inflight.discard(request)
        if (request.failure == "net::ERR_ABORTED"
                and urlsplit(request.url).path.rsplit("/", 1)[-1].startswith("favicon")):
            # Chromium's own favicon fetch, cancelled when the page is left before it
            # came (a missing favicon still shows, as an HTTP error)
            return
        if request.method == "HEAD" and request.failure == "net::ERR_ABORTED":
            # Chromium ends every HEAD request so, answered or not (its answer's status is
            # checked: on_response); the exercise runner asks for its files with HEAD
            return
        if is_local(request.url):  # external ones are refused on purpose (and recorded)
            log().failed.append(f"{request.url} ({request.failure})")

    def on_response(response):
        if response.status >= 400:
            log().bad_status.append(f"{response.status} {response.url}")

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            log().console_errors.append(
                f"{msg.text} [{loc.get('url', '')}:{loc.get('lineNumber', '')}]")

    def on_page(page):
        page.on("console", on_console)
        page.on("pageerror", lambda exc: log().page_errors.append(str(exc)))

    context.on("request", on_request)
    context.on("requestfailed", on_failed)
    context.on("requestfinished", lambda request: log().inflight.discard(request))
    context.on("response", on_response)
    context.on("page", on_page)
    return new_log(context)


DIALOGS: list[str] = []
"""Every JavaScript dialog (alert, confirm, prompt, beforeunload) a page of any context of
the session's browser opened: a test during which one opens fails (``tests/browser/
conftest.py``, ``no_dialogs``). A page of the book opens none, and a dialog is how an
injected script shows itself."""


def catch_dialogs(context) -> None:
    """Record (and dismiss) every dialog the pages of ``context`` open, in :data:`DIALOGS`."""
    def on_dialog(dialog):
        where = dialog.page.url if dialog.page else "?"
        DIALOGS.append(f"{dialog.type} {dialog.message!r} on {where}")
        try:
            dialog.dismiss()
        except Exception:  # (the page may be gone already)
            pass

    context.on("dialog", on_dialog)


def catch_all_dialogs(browser) -> None:
    """:func:`catch_dialogs` on every context ``browser`` makes from now on (those of
    ``new_page`` included)."""
    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        catch_dialogs(context)
        return context

    def watched_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        catch_dialogs(page.context)
        return page

    browser.new_context, browser.new_page = watched_context, watched_page


def new_log(context) -> PageLog:
    """A fresh log for a context that :func:`watch` watches (what it records from now on)."""
    _LOGS[id(context)] = PageLog()
    return _LOGS[id(context)]


_LOGS: dict[int, PageLog] = {}


def settle(page, timeout: float = 20_000) -> None:
    """Wait until the page is loaded, fonts are in and the network is idle (the formulas are
    HTML already: nothing typesets them in the browser)."""
    page.wait_for_load_state("load", timeout=timeout)
    page.evaluate("async () => { await document.fonts.ready; }")
    log = _LOGS.get(id(page.context))
    if log is None:
        page.wait_for_load_state("networkidle", timeout=timeout)
        return
    # the network is quiet when nothing is in flight twice in a row (quicker than
    # Playwright's "networkidle", which always waits 500 ms)
    deadline, quiet = time.monotonic() + timeout / 1000, 0
    while quiet < 2:
        page.wait_for_timeout(50)
        quiet = quiet + 1 if not log.inflight else 0
        if time.monotonic() > deadline:
            raise TimeoutError(f"requests still in flight: {[r.url for r in log.inflight]}")


def open_page(context, url: str):
    page = context.new_page()
    page.goto(url)
    settle(page)
    return page


# --------------------------------------------------------------------------- checks

_TAG_RE = re.compile(r"<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*>", re.I)
_ATTR_RE = re.compile(r"\b(src|href|srcset|poster|data|rel)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch",
                "icon", "apple-touch-icon", "manifest", "prerender"}


def external_assets(html: str) -> list[str]:
    """URLs of other hosts a page's HTML loads (scripts, styles, images, frames,
    preconnects), whether or not the browser got to them (lazy images, hidden tabs).
    Links a reader follows (``<a href>``, ``<link rel=canonical>``) are not loads."""
    found = []
    for tag in _TAG_RE.finditer(html):
        name = tag.group(1).lower()
        attrs = {k.lower(): v[1:-1] for k, v in _ATTR_RE.findall(tag.group(0))}
        if name == "link" and not set(attrs.get("rel", "").lower().split()) & LOADING_RELS:
            continue
        for key in ("src", "href", "poster", "data"):
            url = attrs.get(key, "")
            if url.startswith(("http:", "https:", "//")) and not is_local(url):
                found.append(f"<{name} {key}={url}>")
        for part in attrs.get("srcset", "").split(","):
            url = part.strip().split(" ")[0]
            if url.startswith(("http:", "https:", "//")):
                found.append(f"<{name} srcset={url}>")
    return found


_TAB_STATE_JS = """labels => Array.from(document.querySelectorAll('.sd-tab-set')).map((set, i) => {
    const own = Array.from(set.children).filter(e => e.matches('label.sd-tab-label'));
    const names = own.map(l => l.textContent.trim());
    const checked = Array.from(set.children).find(e => e.matches('input:checked'));
    const label = checked && checked.nextElementSibling;
    return {index: i, labels: names, framework: names.some(n => labels.includes(n)),
            checked: label ? label.textContent.trim() : null,
            synced: own.some(l => l.dataset.syncGroup === 'framework')};
})"""


@dataclass
class TabReport:
    """Which tab each framework tab-set shows, against the framework the reader chose."""

    want: str
    sets: list[dict]

    @property
    def framework_sets(self) -> list[dict]:
        return [s for s in self.sets if s["framework"]]

    @property
    def wrong(self) -> list[dict]:
        """Framework tab-sets that do not show ``want`` (also those without a ``want`` tab:
        the book completes every tab-set, so a reader who chose JAX always sees JAX)."""
        return [s for s in self.framework_sets if s["checked"] != self.want]

    @property
    def ok(self) -> bool:
        return bool(self.framework_sets) and not self.wrong

    def __str__(self) -> str:
        return (f"want {self.want}: {len(self.framework_sets)} framework tab-sets, wrong: "
                + ", ".join(f"#{s['index']} shows {s['checked']} of {s['labels']}"
                            for s in self.wrong))


def tab_report(page, want_label: str) -> TabReport:
    """Every framework tab-set on ``page`` (identified by its labels) and what it shows."""
    return TabReport(want_label, page.evaluate(_TAB_STATE_JS, list(LABELS.values())))


def click_tab(page, label: str, nth: int = 0) -> None:
    """Click the ``label`` tab of the ``nth`` framework tab-set that has one."""
    page.locator(".sd-tab-set > label.sd-tab-label", has_text=label).nth(nth).click()


_MATH_JS = r"""() => {
    const math = Array.from(document.querySelectorAll('.math'));
    const skip = 'pre, code, script, style, textarea, .katex, .highlight, .cell_output';
    const raw = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const delim = /\\\(|\\\)|\\\[|\\\]|\$\$|\$[^$\s][^$]*\$|\\begin\{/;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || el.closest(skip)) continue;
        const m = n.textContent.match(delim);
        if (m) raw.push(n.textContent.trim().slice(0, 120));
    }
    return {
        math: math.length,
        containers: document.querySelectorAll('.katex').length,
        untypeset: math.filter(e => !e.querySelector('.katex .katex-mathml math'))
                       .map(e => e.textContent.trim().slice(0, 80)),
        errors: Array.from(document.querySelectorAll('.katex-error, mjx-merror'))
                     .map(e => e.getAttribute('title') || e.textContent),
        raw: raw,
        mathjax: !!window.MathJax || !!document.querySelector('script[src*="mathjax" i]'),
    };
}"""


@dataclass
class MathReport:
    math: int
    containers: int
    untypeset: list[str]
    errors: list[str]
    raw: list[str]
    mathjax: bool
    """Whether the page loaded MathJax (it must not: the formulas are rendered at build time)."""

    @property
    def ok(self) -> bool:
        return (self.containers > 0 and not self.untypeset and not self.errors and not self.raw
                and not self.mathjax)


def math_report(page) -> MathReport:
    """Math elements, KaTeX's output (rendered at build time), errors and raw ``$``/``\\(``
    left in the text."""
    return MathReport(**page.evaluate(_MATH_JS))


_SOLUTIONS_JS = """() => Array.from(document.querySelectorAll('.solution')).map(s => {
    const body = Array.from(s.children).filter(c => !c.matches('.admonition-title'));
    // sphinx-togglebutton hides a closed solution's body with visibility: hidden, height 0
    const shown = body.some(c => c.checkVisibility({visibilityProperty: true})
                                 && c.getBoundingClientRect().height > 0);
    return {id: s.id, dropdown: s.classList.contains('dropdown'), shown: shown,
            toggle: !!s.querySelector('button.toggle-button')};
})"""


def solutions(page) -> list[dict]:
    """Each exercise solution: is it a dropdown, does it have a toggle button, is it shown."""
    return page.evaluate(_SOLUTIONS_JS)


_OVERFLOW_JS = """() => {
    const vw = document.documentElement.clientWidth;
    const scrollers = 'pre, .highlight, .cell_output, .output, .output_area, mjx-container, '
        + '.pst-scrollable-table-container, .table-wrapper, .math';
    const own = el => { const s = getComputedStyle(el);
        return (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden')
            && el.getBoundingClientRect().right <= vw + 1; };
    const offenders = [];
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= vw + 1) continue;
        // hidden things, and fixed ones (off-canvas drawers), do not widen the page
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        if (el.closest('dialog:not([open])')) continue;
        let fixed = false;
        for (let a = el; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).position === 'fixed') { fixed = true; break; }
        }
        if (fixed) continue;
        // fine when a scrolling ancestor (a code block, an output) clips it
        let p = el.parentElement, clipped = false;
        while (p && p !== document.body) {
            if (own(p) && (p.matches(scrollers) || p.scrollWidth > p.clientWidth)) {
                clipped = true;
                break;
            }
            p = p.parentElement;
        }
        if (clipped) continue;
        if (el.matches(scrollers) && own(el)) continue;
        const desc = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (el.className && typeof el.className === 'string'
               ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
        offenders.push(desc + ' right=' + Math.round(r.right));
    }
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
            clientWidth: vw,
            offenders: offenders.slice(0, 20)};
}"""


def overflow_report(page) -> dict:
    """Page width against the viewport, and elements sticking out that nothing scrolls."""
    return page.evaluate(_OVERFLOW_JS)


SCROLLERS = ("pre, .cell_output > .output, .output_area, .pst-scrollable-table-container, "
             ".table-wrapper, div.math")
"""What ``static/tabbook-reader.js`` (keyboardScroll) makes focusable when it scrolls."""

_REMEASURED_JS = """sel => {
    if (document.getAnimations().some(a => a.playState === 'running')) return false;
    return Array.from(document.querySelectorAll(sel)).every(el => {
        const s = getComputedStyle(el);
        const scrolls = (/auto|scroll/.test(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
            || (/auto|scroll/.test(s.overflowY) && el.scrollHeight > el.clientHeight + 1);
        return !scrolls || el.tabIndex === 0;
    });
}"""


def next_frames(page, count: int = 2) -> None:
    """Wait until the page has rendered ``count`` more frames (styles and layout applied)."""
    page.evaluate("""n => new Promise(done => {
        const step = k => k ? requestAnimationFrame(() => step(k - 1)) : done();
        step(n);
    })""", count)


def animations_done(page, timeout: float = 5_000) -> None:
    """Wait until no CSS transition or animation is running on the page."""
    page.wait_for_function("() => !document.getAnimations().some(a => a.playState === 'running')",
                           timeout=timeout, polling="raf")


def show_all_tab_panels(page) -> None:
    """Show every tab's panel at once (for audits that should see all frameworks' content)."""
    page.add_style_tag(content=".sd-tab-set > .sd-tab-content { display: block !important; }")
    page.evaluate("() => window.dispatchEvent(new Event('resize'))")  # lets scripts re-measure
    # the reader's script marks what now scrolls as focusable (50 ms after the resize) and
    # transitions end: wait for that state rather than a fixed time; if it never comes,
    # the audit that follows reports what is left
    try:
        page.wait_for_function(_REMEASURED_JS, arg=SCROLLERS, timeout=5_000, polling="raf")
    except Exception as exc:  # playwright's TimeoutError
        if "Timeout" not in type(exc).__name__:
            raise
    settle(page)


def axe_violations(page, axe_js: Path, impacts=("serious", "critical"),
                   include: str | None = None) -> list[dict]:
    """Run axe-core on ``page`` (or the elements matching ``include``); the violations
    with ``impacts``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_js.read_text(encoding="utf-8"))
    found = page.evaluate("""include => axe.run(include ? {include: [[include]]} : document,
        {resultTypes: ['violations']}).then(r =>
        r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || ''))})))""",
        include)
    return [v for v in found if v["impact"] in impacts]


# --------------------------------------------------------------------------- page weight


@dataclass
class PageWeight:
    url: str
    transferred: int
    """Response bodies as sent (gzip where the server compresses), what the reader downloads."""
    decoded: int
    """The same bodies uncompressed (the files' sizes)."""
    headers: int
    resources: list[tuple[str, int, int]]
    """(path, transferred, decoded) per response, largest first."""

    def summary(self, top: int = 12) -> str:
        lines = [f"page weight of {self.url} (empty cache): {self.transferred:,} bytes transferred "
                 f"({self.transferred / 1e6:.2f} MB, gzip), {self.decoded:,} bytes uncompressed, "
                 f"{self.headers:,} bytes of headers, {len(self.resources)} responses; "
                 f"target < {WEIGHT_TARGET / 1e6:.1f} MB transferred"]
        for path, sent, size in self.resources[:top]:
            lines.append(f"  {sent:>10,} {size:>10,}  {path}")
        return "\n".join(lines)


def page_weight(browser, server: BookServer, path: str = PAGE_43) -> PageWeight:
    """Bytes an empty-cache load of ``path`` transfers (a fresh context has an empty cache)."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        log = watch(context)
        finished = []
        context.on("requestfinished", lambda request: finished.append(request))
        page = open_page(context, server.url(path))
        next_frames(page)  # what the first frames after load request is counted too
        settle(page)
        rows, headers = [], 0
        for request in finished:
            sizes = request.sizes()
            sent = sizes["responseBodySize"]
            headers += sizes["responseHeadersSize"]
            local = Path(server.root, unquote(urlsplit(request.url).path).lstrip("/"))
            if local.is_dir():
                local = local / "index.html"
            size = local.stat().st_size if local.is_file() else sent
            rows.append((urlsplit(request.url).path, sent, size))
        rows.sort(key=lambda r: -r[1])
        if log.external:
            raise AssertionError(f"the page requested external URLs: {log.external}")
        return PageWeight(path, sum(r[1] for r in rows), sum(r[2] for r in rows), headers, rows)
    finally:
        context.close()


def measure(html: Path | None = None, path: str = PAGE_43) -> PageWeight:
    """Serve the built book, load ``path`` once with an empty cache, return its weight."""
    from playwright.sync_api import sync_playwright

    html = require_built(html or html_dir())
    with BookServer(html) as server, sync_playwright() as pw:
        browser = launch(pw, require_chromium())
        try:
            return page_weight(browser, server, path)
        finally:
            browser.close()


def screenshots(browse, url: str, out: Path, prefix: str,
                frameworks: tuple[str, ...] = ("pytorch", "jax")) -> list[Path]:
    """Full-page screenshots of ``url`` at desktop and phone width, one per framework.

    Written to ``out/<prefix>-<device>-<framework>.png`` for a person to review; each
    is taken with that framework's tabs shown, and the page must stay clean.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for device, viewport, extra in (("desktop", DESKTOP, {}),
                                    ("phone", PHONE, {"is_mobile": True, "has_touch": True})):
        context, log = browse(viewport=viewport, **extra)
        page = open_page(context, url)
        for framework in frameworks:
            label = LABELS[framework]
            if tab_report(page, label).wrong:
                click_tab(page, label)
                settle(page)
            assert tab_report(page, label).ok
            path = out / f"{prefix}-{device}-{framework}.png"
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
        browse.assert_clean(log)
    for path in written:
        assert path.stat().st_size > 10_000, f"{path} looks empty"
    return written


def assert_no_serious_violations(page, axe_js: Path) -> None:
    """axe-core on the page as loaded, then with every framework's tab panel shown at once
    and every solution open (one audit covers all four frameworks' code and outputs)."""
    found = [dict(v, state="as loaded") for v in axe_violations(page, axe_js)]
    for button in page.locator(".solution button.toggle-button").all():
        button.click()
    show_all_tab_panels(page)
    found += [dict(v, state="all tabs and solutions shown") for v in axe_violations(page, axe_js)]
    assert not found, "axe-core found serious/critical violations:\n" + "\n".join(
        f"{v['state']}: {v['impact']} {v['id']}: {v['help']} ({v['helpUrl']})\n    "
        + "\n    ".join(v["nodes"][:8]) for v in found)
