"""Page weight: the bytes an empty-cache load of the 4.3 page transfers.

Serves the built book (``make html``; or ``--html DIR`` / ``$TABBOOK_HTML``) on 127.0.0.1,
gzip like a static host, loads the page once in headless Chromium with an empty cache
(MathJax, its fonts and everything else the page actually fetches), and prints the sum
of the response bodies as transferred, and uncompressed, largest resources first.

    .venv/bin/python benchmarks/page_weight.py [--html _build/html] [--page PATH] [--no-gzip]

Exit status 0 (a measurement, not a test); target: under 1.5 MB transferred.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import browser_harness as bh  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=None, help="the built book (default: _build/html)")
    parser.add_argument("--page", default=bh.PAGE_43, help="page to load, relative to the book")
    parser.add_argument("--no-gzip", action="store_true", help="serve files uncompressed")
    parser.add_argument("--top", type=int, default=15, help="resources to list")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    try:
        html = bh.require_built((args.html or bh.html_dir()).resolve())
        chromium = bh.require_chromium()
    except bh.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with bh.BookServer(html, use_gzip=not args.no_gzip) as server, sync_playwright() as pw:
        browser = bh.launch(pw, chromium)
        try:
            weight = bh.page_weight(browser, server, args.page)
        finally:
            browser.close()
    print(weight.summary(args.top))
    verdict = "under" if weight.transferred < bh.WEIGHT_TARGET else "OVER"
    print(f"{verdict} the {bh.WEIGHT_TARGET / 1e6:.1f} MB target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
