"""`make pdf` faults (issue 16 item 15): a Chromium that does not start, a page that never
goes network-idle, a full disk, and an edition whose catalogs are gone (item 10). Each
names what failed and what to do, and leaves no PDF, partial or old.

The pages are small hand-written HTML files standing for the tiny book's two pages; the
printing is real (Playwright and Debian's Chromium, as `make pdf`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bookutil import REPO, run_tool
from tabbook.core.layout import Layout

TINYBOOK = REPO / "tests" / "fixtures" / "tinybook"
PAGE = "<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1>{extra}" \
       "</body></html>"
BUSY = "<script>setInterval(() => fetch('busy.txt?' + Math.random()), 100);</script>"
HANGS = {  # a page script that never returns, and the step of `make pdf` it stops
    "print-media-loop": ("<script>matchMedia('print').addEventListener('change', e => "
                         "{ while (e.matches) {} });</script>", "printing it for JAX"),
    "fonts-never-ready": ("<script>Object.defineProperty(document, 'fonts', {value: {ready: "
                          "new Promise(() => {})}});</script>", "waiting for the fonts"),
}


def _book(tmp_path: Path, busy: bool = False, zh: bool = False, extra: str = "") -> Path:
    book = tmp_path / "book"
    shutil.copytree(TINYBOOK, book)
    html = Layout(book).html_root
    (html / "chapter_demo").mkdir(parents=True)
    (html / "index.html").write_text(PAGE.format(title="Tiny Book", extra=""), encoding="utf-8")
    (html / "chapter_demo" / "page.html").write_text(
        PAGE.format(title="A page", extra=(BUSY if busy else "") + extra), encoding="utf-8")
    if zh:  # an edition built earlier, whose catalogs were deleted since
        shutil.copytree(html, html / "zh")
    return book


def _pdf(book: Path, *args: str, env: dict | None = None, timeout: float = 300):
    return run_tool(book, "pdf", "--framework", "jax", *args, cwd=REPO, timeout=timeout,
                    env={**os.environ, **(env or {})})


def test_chromium_that_fails_to_start_is_named(tmp_path):
    book = _book(tmp_path)
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'error while loading shared libraries: libnss3.so' >&2\n"
                      "exit 127\n")
    broken.chmod(0o755)
    res = _pdf(book, env={"TABBOOK_CHROMIUM": str(broken)})
    assert res.returncode == 1, res
    assert f"Chromium ({broken}) failed to start" in res.stderr, res.stderr
    assert "TABBOOK_CHROMIUM" in res.stderr and "Traceback" not in res.stderr
    assert not Layout(book).pdf.exists()


def test_page_that_never_goes_network_idle_is_named(tmp_path, chromium):
    book = _book(tmp_path, busy=True)
    res = _pdf(book, "--timeout", "3")
    assert res.returncode == 1, res
    assert res.stderr.startswith("error: chapter_demo/page.html did not finish loading "
                                 "within 3 s"), res.stderr
    assert "--timeout" in res.stderr and "Traceback" not in res.stderr
    assert not list(Layout(book).build.rglob("*.pdf"))


@pytest.mark.parametrize("hang", sorted(HANGS))
def test_page_script_that_never_returns_is_named_with_its_step(tmp_path, chromium, hang):
    """Issue 28 item 4: every step of printing a page has a deadline (only loading had one:
    a page looping on the print media query hung `make pdf` for ever, saying nothing)."""
    script, step = HANGS[hang]
    book = _book(tmp_path, extra=script)
    started = time.monotonic()
    res = _pdf(book, "--timeout", "3", timeout=90)
    assert res.returncode == 1, res
    assert res.stderr.startswith(f"error: chapter_demo/page.html stopped at the step '{step}', "
                                 "which did not finish within 3 s"), res.stderr
    assert "--timeout" in res.stderr and "Traceback" not in res.stderr
    assert time.monotonic() - started < 60
    assert not list(Layout(book).build.rglob("*.pdf"))


FULL_DISK = """\
import resource, signal, sys
from pathlib import Path
from tabbook.stages import pdf
from tabbook.core.browser import Chromium
from tabbook.core.errors import BookError
from tabbook.core.frameworks import BY_NAME
from tabbook.core.layout import Layout

book, out = Path(sys.argv[1]), Path(sys.argv[2])
with Chromium(None) as browser:  # Chromium started before the disk "fills"
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
    try:
        pdf.write_pdfs(Layout(book).html_root, out, book, browser=browser,
                       frameworks=[BY_NAME["jax"]])
    except BookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
"""


def test_full_disk_leaves_no_partial_pdf(tmp_path, chromium):
    """A real failed write: this process may write no file past 2 KiB (RLIMIT_FSIZE)."""
    book = _book(tmp_path)
    out = tmp_path / "pdf"
    res = subprocess.run([sys.executable, "-c", FULL_DISK, str(book), str(out)],
                         capture_output=True, text=True, cwd=REPO, timeout=300,
                         env={**os.environ, "TABBOOK_CHROMIUM": chromium})
    assert res.returncode == 1, res
    assert "could not write the PDF" in res.stderr and "no partial PDF" in res.stderr, res.stderr
    assert "d2l-classification-en-jax.pdf" in res.stderr and "Traceback" not in res.stderr
    assert not list(out.glob("*.pdf")) and not list(out.glob(".*.tmp"))


def test_edition_whose_catalogs_are_gone_is_not_printed(tmp_path, chromium):
    """Item 10: `_build/html/zh` left from before `locales/` was deleted is no edition, and
    an old Chinese PDF is removed by a full `make pdf`."""
    book = _book(tmp_path, zh=True)
    out = Layout(book).pdf
    out.mkdir()
    (out / "d2l-classification-zh-jax.pdf").write_bytes(b"%PDF-1.4 an old Chinese PDF")
    res = subprocess.run([sys.executable, "-c", "import sys; from tabbook import cli; "
                          "from tabbook.stages import pdf; "
                          "from tabbook.core import frameworks as f; "
                          "pdf.FRAMEWORKS = [f.BY_NAME['jax']]; "
                          "sys.exit(cli.main(sys.argv[1:]))", "--root", str(book), "pdf"],
                         capture_output=True, text=True, cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.glob("*.pdf")) == ["d2l-classification-en-jax.pdf"]
