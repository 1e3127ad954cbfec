"""`make pdf`: the whole book as one PDF per framework (and per language), printed by Chromium.

Like Jupyter Book's ``pdfhtml`` builder, the built HTML is printed by a headless
Chromium (:mod:`tabbook.core.browser`: the one launcher and server, the browser tests'
too), so the PDF is what a reader gets from "Print" in the browser: the book's print
stylesheet (``static/tabbook-reader.css``) shows the chosen framework's code only,
without tab bars, with code wrapped and solutions open. Each page of the book, in
``_toc.yml`` order, is opened once (``?framework=`` the first framework), printed, then
printed again with each other framework picked as a reader picks its tab (the
fonts and the layout are made once per page, not once per framework); each framework's
pages are joined (pypdf) with one bookmark per page.

The printed book reads as one: its pages are numbered through (each page's numbers go on
from the last page printed before it, in the page's own CSS margin boxes, and the PDF's
page labels say 1 to N), every page has a running head with the book's title and its
section's title, and the foot names the framework. A language whose fonts Chromium would
print as Type 3 (Chinese: Debian's Noto CJK are CFF fonts) is printed with TrueType copies
of them (:mod:`tabbook.stages.printfonts`).

Editions: the English one in the site's folder (:meth:`tabbook.core.layout.Layout.html`),
and each translation the book has catalogs for in its folder there
(:data:`tabbook.sources.i18n.TRANSLATIONS` names it). Output, in the build's ``pdf``
folder: ``<book>-<edition>-<framework>.pdf``, the edition named by its folder (the English
one by its language), e.g. ``d2l-classification-en-jax.pdf``.

    python -m tabbook pdf [--html DIR] [--out DIR] [--framework NAME ...] [--language CODE ...]
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ..core.browser import BookServer, Chromium, close_quietly, kill_launched
from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.frameworks import FRAMEWORKS, Framework
from ..sources.i18n import SOURCE, Edition, translations
from ..sources.toc import book_sources

BOOK_NAME = "d2l-classification"
MARGIN = {"top": "16mm", "bottom": "14mm", "left": "14mm", "right": "14mm"}
MARGIN_BOX = "font-size: 7.5px; color: #555;"


def pdf_tag(edition: Edition) -> str:
    """How a PDF's name says its edition: the edition's folder (its part of every URL of
    the site), the English edition's language."""
    return edition.folder or edition.language


def editions(root: Path, html: Path) -> list[Edition]:
    """The editions a PDF is printed of: English, then each translation the book has
    catalogs for (a translation whose catalogs are gone is not offered)."""
    found = [SOURCE]
    for edition in translations(root):
        if not (Path(html) / edition.folder / "index.html").is_file():
            raise BookError(f"the {edition.language} edition is not built "
                            f"({edition.folder}/index.html is missing): run `make html`",
                            path=str(html))
        found.append(edition)
    return found


def edition_html(html: Path, edition: Edition) -> Path:
    """The edition's folder of the site at ``html``."""
    return Path(html) / edition.folder if edition.folder else Path(html)


def page_paths(root: Path) -> list[str]:
    """The book's pages in ``_toc.yml`` order, as paths of built HTML files."""
    return [rel.rsplit(".", 1)[0] + ".html" for rel in book_sources(root)]


def pdf_name(edition: Edition, framework: Framework) -> str:
    return f"{BOOK_NAME}-{pdf_tag(edition)}-{framework.name}.pdf"


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


_READY_JS = """async () => {
    await document.fonts.ready;  // (the formulas are HTML already: no script to wait for)
    const early = document.querySelector('script[data-tabbook-early]');
    let text = {};
    try { text = JSON.parse(early.getAttribute('data-i18n')); } catch (e) {}
    const h1 = document.querySelector('article h1, main h1, h1');
    let heading = '';
    if (h1) {
        const copy = h1.cloneNode(true);
        copy.querySelectorAll('.headerlink').forEach(a => a.remove());
        heading = copy.textContent.replace(/\\s+/g, ' ').trim();
    }
    return {title: document.title, heading: heading,
            framework: text.printFramework || 'Framework: {}',
            font: getComputedStyle(document.body).fontFamily};
}"""


def css_string(text: str) -> str:
    """``text`` as a CSS string (a title is data: escaped where it lands)."""
    return '"' + "".join(c if c.isprintable() and c not in '\\"' else f"\\{ord(c):x} "
                         for c in text) + '"'


def page_css(book: str, section: str, framework: str, first_number: int, font: str) -> str:
    """The print-only CSS of one printed page: the running head (the book's and the
    section's titles), the foot (the framework, the page number), numbers that start at
    ``first_number``; the reader's own print header (the page's address) left out."""
    if any(c in font for c in ";{}\\") or not font.strip():
        font = "sans-serif"  # (the page's computed font family: a list of names, nothing else)
    boxes = {"top-left": css_string(book), "top-right": css_string(section if section != book
                                                                    else ""),
             "bottom-left": css_string(framework), "bottom-right": "counter(page)"}
    rules = "".join(f"@{box} {{ content: {content}; font-family: {font}; {MARGIN_BOX} }} "
                    for box, content in boxes.items())
    return (f"@page {{ {rules}}}\n"
            f"@page :first {{ counter-increment: page {int(first_number)}; }}\n"
            ".tabbook-print-header { display: none !important; }\n")


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
                kill_launched()


def _print_page(context, url: str, frameworks: list[Framework], head: "Head",
                timeout: float = PAGE_TIMEOUT) -> dict[str, bytes]:
    """Print one page once per framework; a BookError naming it (and the step it stopped
    at) when it does not load or print."""
    from urllib.parse import urlsplit

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    shown = urlsplit(url).path.lstrip("/")  # the page in the built book: zh/chapter/x.html
    with Watchdog(timeout) as watchdog:
        try:
            return _print(context, url, frameworks, head, timeout, watchdog.step, shown)
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
_PAGE_CSS_JS = """css => {
    let style = document.getElementById('tabbook-pdf-page');
    if (!style) {
        style = document.createElement('style');
        style.id = 'tabbook-pdf-page';
        document.head.appendChild(style);
    }
    style.textContent = css;
}"""


class Head:
    """What the running heads of one edition's PDFs say, and where each framework's page
    numbers are: the book's title (the first page's), the section printed last, the next
    page number of each framework's PDF."""

    def __init__(self, fonts=None):
        self.book = ""
        self.section = ""
        self.fonts = fonts
        """The edition's :class:`tabbook.stages.printfonts.PrintFonts`, or None."""
        self.next_number: dict[str, int] = {}


def _print(context, url: str, frameworks: list[Framework], head: Head, timeout: float,
           step, shown: str) -> dict[str, bytes]:
    """The page loaded once (``?framework=`` the first of ``frameworks``), then printed
    with each framework chosen in turn, as a reader would pick its tab: the page's
    fonts and layout are made once, not once per framework. Each call to Chromium
    is a ``step(shown, what)`` of :class:`Watchdog`, with its deadline."""
    from .printfonts import APPLY_JS, FAMILY

    with step(shown, "opening a tab"):
        page = context.new_page()
    try:
        # (goto's own timeout comes first: its message says what a page that never loads is)
        with step(shown, "loading", timeout + LOAD_GRACE):
            page.goto(f"{url}?framework={frameworks[0].name}", wait_until="networkidle",
                      timeout=timeout * 1000)
        if head.fonts is not None:
            with step(shown, "adding the print fonts"):
                page.add_style_tag(content=head.fonts.css)
                page.evaluate(APPLY_JS, [FAMILY, head.fonts.pattern])
        with step(shown, "waiting for the fonts"):
            info = page.evaluate(_READY_JS)
        head.book = head.book or info["title"]  # (the first page is the book's home page)
        head.section = info["heading"] or info["title"]
        font = (f'"{FAMILY}", ' if head.fonts is not None else "") + info["font"]
        with step(shown, "switching to the print media"):
            page.emulate_media(media="print")
        printed = {}
        for n, framework in enumerate(frameworks):
            if n:
                with step(shown, f"picking the {framework.label} tabs"):
                    page.evaluate(_SELECT_JS, framework.name)
            label = info["framework"].replace("{}", framework.label)
            first = head.next_number.get(framework.name, 1)
            with step(shown, f"printing it for {framework.label}"):
                page.evaluate(_PAGE_CSS_JS, page_css(head.book, head.section, label, first, font))
                printed[framework.name] = page.pdf(format="A4", print_background=True,
                                                   margin=MARGIN)
        return printed
    finally:
        with step(shown, "closing its tab"):
            page.close()


def print_edition(browser, base: str, edition: Edition, pages: list[str],
                  frameworks: list[Framework], timeout: float = PAGE_TIMEOUT,
                  fonts=None) -> dict[str, bytes]:
    """One PDF of ``pages`` of ``edition`` per framework (by name), each showing only that
    framework's code, its pages numbered through (page labels 1 to N). Each page is loaded
    once and printed for every framework."""
    from pypdf import PdfReader, PdfWriter

    context = browser.new_context(viewport={"width": 900, "height": 1200})  # empty storage
    writers = {fw.name: PdfWriter() for fw in frameworks}
    head = Head(fonts)
    prefix = f"{edition.folder}/" if edition.folder else ""
    try:
        for path in pages:
            printed = _print_page(context, f"{base}{prefix}{path}", frameworks, head, timeout)
            for name, writer in writers.items():
                start = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(printed[name])))
                writer.add_outline_item(title=head.section, page_number=start)
                head.next_number[name] = len(writer.pages) + 1
    finally:
        close_quietly(context)
    out = {}
    for fw in frameworks:
        writer = writers[fw.name]
        writer.set_page_label(0, len(writer.pages) - 1, style="/D", start=1)
        writer.add_metadata({"/Title": f"{head.book} ({fw.label})",
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

    ``languages``: the editions to print, by language or by :func:`pdf_tag` (all: None).
    Each PDF is written whole or not at all (a failure leaves no partial file); when
    every edition and framework is printed, PDFs of ``out`` this run did not write (an
    edition or framework the book no longer has) are deleted.
    """
    from .printfonts import print_fonts

    html, out = Path(html), Path(out)
    if not (html / "index.html").is_file():
        raise BookError("the book is not built: run `make html` first", path=str(html))
    pages = page_paths(root)
    chosen = [e for e in editions(root, html)
              if languages is None or e.language in languages or pdf_tag(e) in languages]
    frameworks = list(frameworks or FRAMEWORKS)
    written = []
    with BookServer(html) as server, Chromium(browser, "`make pdf`") as chromium:
        for edition in chosen:
            folder = edition_html(html, edition)
            missing = [p for p in pages if not (folder / p).is_file()]
            if missing:
                raise BookError(f"the {edition.language} edition lacks {missing[0]}: rebuild it",
                                path=str(folder))
            fonts = print_fonts(edition.html_lang, [folder / p for p in pages], log=log)
            if fonts is not None:
                log(f"[tabbook] {edition.language}: {len(fonts.codepoints)} characters printed "
                    f"with TrueType copies of {', '.join(fonts.sources)} (not Type 3)")
            printed = print_edition(chromium, server.base, edition, pages, frameworks, timeout,
                                    fonts)
            for fw in frameworks:
                data = printed[fw.name]
                target = out / pdf_name(edition, fw)
                try:
                    write_atomic(target, data)
                    # (after the PDF: a note that failed to change names older pages, and
                    # `make publish` then leaves the PDF out rather than offer it as new)
                    write_atomic(printed_note(target), printed_digest(folder, pages).encode())
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
