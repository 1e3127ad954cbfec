"""`make screenshots`: full-page screenshots of the 4.3 page for a person to review.

An artifact, not a test: written to ``_build/screenshots/`` (desktop and phone width,
PyTorch and JAX tabs shown), for the English page and, when it is built, the Chinese
one. Each is taken with the chosen framework's tabs shown on a page that loaded clean
(no console error, no failed or external request): otherwise this exits non-zero.

    python tests/browser/screenshots.py [--html _build/html]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser_harness as bh  # noqa: E402

ZH_43 = "zh/" + bh.PAGE_43


class _Browse:
    """What :func:`browser_harness.screenshots` needs of the tests' ``browse`` fixture."""

    def __init__(self, browser, server):
        self.browser, self.server, self.contexts = browser, server, []

    def __call__(self, viewport=bh.DESKTOP, **kwargs):
        context = self.browser.new_context(viewport=viewport, **kwargs)
        self.contexts.append(context)
        return context, bh.watch(context)

    def assert_clean(self, log: bh.PageLog) -> None:
        problems = log.problems() + [f"server answered {e}" for e in self.server.errors()]
        assert not problems, "\n".join(problems)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def write_all(html: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out = bh.screenshot_dir(html)
    pages = [(bh.PAGE_43, "classification")]
    if (html / ZH_43).is_file():
        bh.require_cjk_fonts()
        pages.append((ZH_43, "classification-zh"))
    written = []
    with bh.BookServer(html) as server, sync_playwright() as pw:
        browser = bh.launch(pw, bh.require_chromium())
        browse = _Browse(browser, server)
        try:
            for path, prefix in pages:
                written += bh.screenshots(browse, server.url(path), out, prefix)
        finally:
            browse.close()
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=None,
                        help=f"the built book (default: {bh.html_dir()})")
    args = parser.parse_args(argv)
    try:
        html = bh.require_built((args.html or bh.html_dir()).resolve())
        written = write_all(html)
    except bh.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except AssertionError as exc:
        print(f"error: a page was not clean or showed the wrong tabs: {exc}", file=sys.stderr)
        return 1
    print("screenshots:", *written, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
