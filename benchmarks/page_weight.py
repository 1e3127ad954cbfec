"""Page weight: the bytes an empty-cache load of the 4.3 page transfers, and its CPU.

Serves the built book (``make html``; or ``--html DIR`` / ``$TABBOOK_HTML``) on 127.0.0.1,
gzip like a static host, loads the page ``--runs`` times in headless Chromium, each with an
empty cache (everything the page actually fetches: its CSS, scripts, fonts, images), and
prints the median of the response bodies as transferred, the requests, and the largest
resources of the median load. ``--cpu`` also reports the main thread's CPU per load
(Chromium's ``Performance.getMetrics``: TaskDuration, ScriptDuration), median.

    .venv/bin/python benchmarks/page_weight.py [--html _build/html] [--page PATH] [--runs 5]
        [--target-kb 300] [--cpu] [--no-gzip]

Exit status 0 (a measurement, not a test); the target (``--target-kb``, default 300 KB,
issue 30: §4.3's first view; ``zh/`` + the page for the Chinese one) is reported, not enforced.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import browser_harness as bh  # noqa: E402

_CPU = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


def page_cpu(browser, server, path: str) -> dict[str, float]:
    """Main-thread seconds of one empty-cache load of ``path`` (until settled)."""
    context = browser.new_context(viewport=bh.DESKTOP)
    try:
        bh.watch(context)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(server.url(path))
        bh.settle(page)
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return {name: metrics.get(name, 0.0) for name in _CPU}
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=None,
                        help="the built book (default: the build's html folder)")
    parser.add_argument("--page", default=bh.PAGE_43, help="page to load, relative to the book")
    parser.add_argument("--no-gzip", action="store_true", help="serve files uncompressed")
    parser.add_argument("--top", type=int, default=15, help="resources to list")
    parser.add_argument("--runs", type=int, default=5, help="empty-cache loads (median)")
    parser.add_argument("--target-kb", type=float, default=300, help="target, KB transferred")
    parser.add_argument("--cpu", action="store_true", help="also the main thread's CPU per load")
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
            weights = [bh.page_weight(browser, server, args.page) for _ in range(args.runs)]
            cpu = ([page_cpu(browser, server, args.page) for _ in range(args.runs)]
                   if args.cpu else [])
        finally:
            browser.close()
    weights.sort(key=lambda w: w.transferred)
    median = weights[len(weights) // 2]
    print(median.summary(args.top))
    print(f"median of {len(weights)} loads: {median.transferred / 1000:.1f} KB transferred in "
          f"{len(median.resources)} requests (min {weights[0].transferred / 1000:.1f}, "
          f"max {weights[-1].transferred / 1000:.1f})")
    verdict = "under" if median.transferred < args.target_kb * 1000 else "OVER"
    print(f"{verdict} the {args.target_kb:g} KB target")
    if cpu:
        print("main-thread CPU per load (median of %d): " % len(cpu) + ", ".join(
            f"{name} {statistics.median(c[name] for c in cpu) * 1000:.0f} ms" for name in _CPU))
    return 0


if __name__ == "__main__":
    sys.exit(main())
