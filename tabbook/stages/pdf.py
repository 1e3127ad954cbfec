"""`make pdf`: the whole book as one PDF per framework (and per language), printed by Chromium.

Like Jupyter Book's ``pdfhtml`` builder, the built HTML is printed by a headless
Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright, as in the browser
tests), so the PDF is what a reader gets from "Print" in the browser: the book's print
stylesheet (``static/tabbook-reader.css``) shows the chosen framework's code only,
without tab bars, with code wrapped and solutions open. Each page of the book, in
``_toc.yml`` order, is opened once (``?framework=`` the first framework), printed, then
printed again with each other framework picked as a reader picks its tab (the
fonts and the layout are made once per page, not once per framework); each framework's
pages are joined (pypdf) with one bookmark per page.

Editions: the site's folder (:meth:`tabbook.core.layout.Layout.html`) is the book's language
(``language`` in ``_config.yml``, English when unset); each translated edition of the
translations table (:data:`tabbook.sources.i18n.TRANSLATIONS`) whose folder holds an
``index.html`` (``zh/``) is an edition too. Output, in the build's ``pdf`` folder:
``<book>-<edition>-<framework>.pdf`` (:func:`edition_name`: the book's language, or a
translation's folder), e.g. ``d2l-classification-en-jax.pdf``.

    python -m tabbook pdf [--html DIR] [--out DIR] [--framework NAME ...] [--language CODE ...]
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import yaml

from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.frameworks import FRAMEWORKS, Framework
from ..core.procs import descendants
from ..sources.i18n import SOURCE, TRANSLATIONS, Edition, translations
from ..sources.toc import book_sources

CHROMIUM = os.environ.get("TABBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BOOK_NAME = "d2l-classification"
MARGIN = {"top": "16mm", "bottom": "14mm", "left": "14mm", "right": "14mm"}
SMALL = "font-size:7.5px;font-family:sans-serif;color:#555;width:100%;padding:0 14mm;"


def editions(html: Path, language: str = "en") -> list[Edition]:
    """The book's own edition (in ``language``) at ``html``, then each translated edition of
    the translations table whose folder (:attr:`Edition.prefix
    <tabbook.sources.i18n.Edition.prefix>`, below ``html``) holds a book."""
    return [replace(SOURCE, language=language)] + [
        e for e in TRANSLATIONS if (Path(html) / e.folder / "index.html").is_file()]


def edition_name(edition: Edition) -> str:
    """What names an edition's PDFs (and ``--language`` picks): a translation's folder
    (``zh``), or the book's language for its own edition."""
    return edition.folder or edition.language


def book_language(root: Path) -> str:
    try:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return "en"
    sphinx = (config.get("sphinx") or {}).get("config") or {}
    return str(config.get("language") or sphinx.get("language") or "en")


def page_paths(root: Path) -> list[str]:
    """The book's pages in ``_toc.yml`` order, as paths of built HTML files."""
    return [rel.rsplit(".", 1)[0] + ".html" for rel in book_sources(root)]


def pdf_name(language: str, framework: Framework) -> str:
    return f"{BOOK_NAME}-{language}-{framework.name}.pdf"


def printed_digest(edition_html: Path, pages: list[str]) -> str:
    """The hash of the HTML pages a PDF prints: their paths and bytes (never their mtimes)."""
    h = hashlib.sha256()
    for rel in pages:
        path = Path(edition_html) / rel
        h.update(rel.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return h.hexdigest()


def printed_note(pdf: Path) -> Path:
    """Where the :func:`printed_digest` of the pages ``pdf`` was printed from is kept."""
    return Path(pdf).with_name(f".{Path(pdf).name}.printed")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass


class _Server:
    """The built book on 127.0.0.1 (an ephemeral port), in a thread."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


_READY_JS = """async () => {
    await document.fonts.ready;  // (the formulas are HTML already: no script to wait for)
    const early = document.querySelector('script[data-tabbook-early]');
    let text = {};
    try { text = JSON.parse(early.getAttribute('data-i18n')); } catch (e) {}
    return {title: document.title, framework: text.printFramework || 'Framework: {}'};
}"""


PAGE_TIMEOUT = 60
"""Seconds a page may take to load and go network-idle before `make pdf` gives up on it,
and the deadline of each later step of printing it."""
LOAD_GRACE = 10
"""Seconds past its own timeout that loading a page may take before the :class:`Watchdog`
stops it (Playwright's timeout comes first, and says what a page that never loads is)."""


class Watchdog:
    """A deadline for every step of printing a page, kept by a thread of its own.

    Playwright gives ``page.goto`` a timeout, but not ``evaluate``, ``emulate_media`` or
    ``pdf``: a page script that never returns (one that loops when the print media applies)
    blocks them for ever, and killing the page's renderer does not end them. Past a step's
    deadline the watchdog kills the Chromium this process started, so the blocked call
    fails; :attr:`expired` names the step.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired: tuple[str, str] | None = None
        """(page, step) of the step that ran past its deadline."""
        self._current: tuple[str, str, float] | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True,
                                        name="tabbook-pdf-watchdog")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()

    @contextmanager
    def step(self, page: str, what: str, seconds: float | None = None):
        """Run the block as the step ``what`` of ``page``, with its deadline."""
        self._current = (page, what, time.monotonic() + (seconds or self.seconds))
        try:
            yield
        finally:
            self._current = None

    def _watch(self) -> None:
        while not self._done.wait(0.1):
            current = self._current
            if current is not None and time.monotonic() > current[2] and self.expired is None:
                self.expired = current[:2]
                _kill_chromium()


def _kill_chromium() -> None:
    """SIGKILL every Chromium this process started (Playwright's launch: the browser process
    talks to it over ``--remote-debugging-pipe``), with its renderers and helpers."""
    for pid in descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            continue
        if b"--remote-debugging-pipe" in argv and not any(a.startswith(b"--type=") for a in argv):
            for each in [pid, *descendants(pid)]:
                try:
                    os.kill(each, signal.SIGKILL)
                except OSError:
                    pass


def _print_page(context, url: str, base: str, frameworks: list[Framework],
                timeout: float = PAGE_TIMEOUT) -> tuple[dict[str, bytes], str]:
    """Print one page once per framework; a BookError naming it (and the step it stopped
    at) when it does not load or print."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from urllib.parse import urlsplit

    shown = urlsplit(url).path.lstrip("/")  # the page in the built book: zh/chapter/x.html
    with Watchdog(timeout) as watchdog:
        try:
            return _print(context, url, base, frameworks, timeout, watchdog.step, shown)
        except PlaywrightError as exc:
            error = exc
    if watchdog.expired is not None:
        page, what = watchdog.expired
        raise BookError(f"{page} stopped at the step '{what}', which did not finish within "
                        f"{timeout:g} s (a script of the page that never returns, e.g. one "
                        "that loops when the print media applies): open the page in a browser "
                        "and print it, or give it longer with `python -m tabbook pdf --timeout "
                        "SECONDS`; no PDF was written")
    if isinstance(error, PlaywrightTimeout):
        raise BookError(f"{shown} did not finish loading within {timeout:g} s (the page "
                        "never went network-idle: a request that never ends, or a script "
                        "that keeps fetching): open it in a browser and look at its network "
                        "requests, or give it longer with `python -m tabbook pdf --timeout "
                        "SECONDS`; no PDF was written")
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    raise BookError(f"Chromium failed printing {shown}: {first}; check that the page "
                    "opens in a browser, then run `make pdf` again; no PDF was written")


_SELECT_JS = """name => {
    // the reader picks a framework: every tab-set shows it, the print header names it
    const inputs = window.tabbookFramework.inputsOf(name);
    inputs.forEach(input => { input.checked = true; });
    if (inputs.length) inputs[0].dispatchEvent(new Event('change', {bubbles: true}));
    return inputs.length;
}"""


def _print(context, url: str, base: str, frameworks: list[Framework], timeout: float,
           step, shown: str) -> tuple[dict[str, bytes], str]:
    """The page loaded once (``?framework=`` the first of ``frameworks``), then printed
    with each framework chosen in turn, as a reader would pick its tab: the page's
    fonts and layout are made once, not once per framework. Each call to Chromium
    is a ``step(shown, what)`` of :class:`Watchdog`, with its deadline."""
    with step(shown, "opening a tab"):
        page = context.new_page()
    try:
        # (goto's own timeout comes first: its message says what a page that never loads is)
        with step(shown, "loading", timeout + LOAD_GRACE):
            page.goto(f"{url}?framework={frameworks[0].name}", wait_until="networkidle",
                      timeout=timeout * 1000)
        with step(shown, "waiting for the fonts"):
            info = page.evaluate(_READY_JS)
        # the printed header names the page by its path in the book, not by 127.0.0.1
        unhost = """base => { const h = document.querySelector('.tabbook-print-header');
            if (h && !document.querySelector('link[rel=canonical]'))
                h.textContent = h.textContent.replace(base, ''); }"""
        with step(shown, "switching to the print media"):
            page.emulate_media(media="print")
        title = info["title"].split(" \u2014 ")[0]
        footer = f'<div style="{SMALL}text-align:center"><span class="pageNumber"></span></div>'
        printed = {}
        for n, framework in enumerate(frameworks):
            if n:
                with step(shown, f"picking the {framework.label} tabs"):
                    page.evaluate(_SELECT_JS, framework.name)
            label = info["framework"].replace("{}", framework.label)
            header = (f'<div style="{SMALL}display:flex;justify-content:space-between">'
                      f"<span>{_escape(title)}</span><span>{_escape(label)}</span></div>")
            with step(shown, f"printing it for {framework.label}"):
                page.evaluate(unhost, base)
                printed[framework.name] = page.pdf(
                    format="A4", print_background=True, margin=MARGIN,
                    display_header_footer=True, header_template=header, footer_template=footer)
        return printed, title
    finally:
        with step(shown, "closing its tab"):
            page.close()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def print_edition(browser, base: str, edition: Edition, pages: list[str],
                  frameworks: list[Framework], timeout: float = PAGE_TIMEOUT) -> dict[str, bytes]:
    """One PDF of ``pages`` of ``edition`` per framework (by name), each showing only that
    framework's code. Each page is loaded once and printed for every framework."""
    from pypdf import PdfReader, PdfWriter

    context = browser.new_context(viewport={"width": 900, "height": 1200})  # empty storage
    writers = {fw.name: PdfWriter() for fw in frameworks}
    try:
        for path in pages:
            printed, title = _print_page(context, f"{base}{edition.prefix}{path}",
                                         base + edition.prefix, frameworks, timeout)
            for name, writer in writers.items():
                start = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(printed[name])))
                writer.add_outline_item(title=title, page_number=start)
    finally:
        _close(context)
    out = {}
    for fw in frameworks:
        writer = writers[fw.name]
        writer.add_metadata({"/Title": f"{BOOK_NAME} ({edition_name(edition)}, {fw.label})",
                             "/Creator": "tabbook.stages.pdf (headless Chromium)"})
        buf = io.BytesIO()
        writer.write(buf)
        out[fw.name] = buf.getvalue()
    return out


def write_pdfs(html: Path, out: Path, root: Path, browser=None,
               frameworks: list[Framework] | None = None,
               languages: list[str] | None = None, log=print,
               timeout: float = PAGE_TIMEOUT) -> list[Path]:
    """Write one PDF per edition and framework into ``out``; return their paths.

    Each PDF is written whole or not at all (a failure leaves no partial file); when
    every edition and framework is printed, PDFs of ``out`` this run did not write (an
    edition or framework the book no longer has) are deleted.
    """
    html, out = Path(html), Path(out)
    if not (html / "index.html").is_file():
        raise BookError("the book is not built: run `make html` first", path=str(html))
    pages = page_paths(root)
    present = set(translations(root))  # not an edition whose catalogs are gone
    chosen = [e for e in editions(html, book_language(root))
              if (not e.folder or e in present)
              and (languages is None or edition_name(e) in languages)]
    frameworks = list(frameworks or FRAMEWORKS)
    written = []
    with _Server(html) as server, _browser(browser) as chromium:
        for edition in chosen:
            edition_html = html / edition.folder
            missing = [p for p in pages if not (edition_html / p).is_file()]
            if missing:
                raise BookError(f"the {edition_name(edition)} edition lacks {missing[0]}: "
                                "rebuild it", path=str(edition_html))
            printed = print_edition(chromium, server.base, edition, pages, frameworks, timeout)
            for fw in frameworks:
                data = printed[fw.name]
                target = out / pdf_name(edition_name(edition), fw)
                try:
                    write_atomic(target, data)
                    # (after the PDF: a note that failed to change names older pages, and
                    # `make publish` then leaves the PDF out rather than offer it as new)
                    write_atomic(printed_note(target),
                                 printed_digest(edition_html, pages).encode())
                except OSError as exc:
                    raise BookError(f"could not write the PDF ({exc.strerror or exc}); no "
                                    "partial PDF was left: free disk space (or make the folder "
                                    "writable) and run `make pdf` again",
                                    path=str(target)) from None
                written.append(target)
                log(f"[tabbook] wrote {target} ({len(data):,} bytes)")
    if languages is None and len(frameworks) == len(FRAMEWORKS):
        for old in sorted(out.glob(f"{BOOK_NAME}-*.pdf")):
            if old not in written:
                old.unlink()
                printed_note(old).unlink(missing_ok=True)
                log(f"[tabbook] removed {old}: not a PDF of the book as it is now")
    return written


class _browser:
    """The given browser, or a headless Chromium launched (and closed) here."""

    def __init__(self, browser):
        self.given, self.pw, self.launched = browser, None, None

    def __enter__(self):
        if self.given is not None:
            return self.given
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise BookError("`make pdf` needs Playwright: `pip install -r requirements.txt`") from None
        if not Path(CHROMIUM).exists():
            raise BookError(f"`make pdf` prints with Chromium, and {CHROMIUM} is missing: "
                            "install it (`apt-get install chromium`) or set TABBOOK_CHROMIUM")
        from playwright.sync_api import Error as PlaywrightError

        self.pw = sync_playwright().start()
        try:
            self.launched = self.pw.chromium.launch(executable_path=CHROMIUM,
                                                    args=CHROMIUM_ARGS, headless=True)
        except PlaywrightError as exc:
            self.pw.stop()
            self.pw = None
            lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
            raise BookError(f"Chromium ({CHROMIUM}) failed to start: "
                            f"{lines[0] if lines else type(exc).__name__}; check that "
                            f"`{CHROMIUM} --headless --no-sandbox --version` runs (a missing "
                            "library or font, too little memory), or set TABBOOK_CHROMIUM to a "
                            "Chromium that does; no PDF was written") from None
        return self.launched

    def __exit__(self, *exc):
        if self.launched is not None:
            _close(self.launched)
        if self.pw is not None:
            self.pw.stop()


def _close(thing) -> None:
    """Close a browser or context that may be gone already (killed by the :class:`Watchdog`:
    the error that says so is the one to report)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        thing.close()
    except PlaywrightError:
        pass
