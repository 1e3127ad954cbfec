"""The in-page exercise runner: what its first use costs, and how fast a Run answers.

Serves the built book (``make html``; or ``--html DIR``) on 127.0.0.1, gzip like a static
host, and in headless Chromium with an empty cache (every request off 127.0.0.1 blocked):

* **first view**: bytes the 4.3 page transfers before any interaction, and those of the
  runner among them (``tryit.js``, ``tryit.css``): the page's first view must not grow by
  more than 30 KB (compare with ``--html`` of a build without the runner);
* **first use**: bytes fetched once the reader focuses an exercise cell and presses Run
  (the editor, the worker, Pyodide, the book's checkers), transferred and uncompressed;
* **editor**: time from focusing the cell's code to the editor being there;
* **first Run**: time from pressing Run (cold cache: Pyodide starts) to the checker's
  result; **later Runs**: the median and worst of ``--runs`` more Runs.

    .venv/bin/python benchmarks/tryit.py [--html _build/html] [--runs 10] [--page PATH]

Exit status 0 (a measurement, not a test); target: a later Run well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import browser_harness as bh  # noqa: E402

ANSWER = """from d2l import exercises

def exact_loss(quick, last, n, batch_size):
    num_batches = -(-n // batch_size)
    return quick + (batch_size * num_batches - n) / n * (quick - last)
"""


def _sizes(requests) -> tuple[int, int, list]:
    rows = []
    for request in requests:
        s = request.sizes()
        rows.append((urlsplit(request.url).path, s["responseBodySize"]))
    return sum(r[1] for r in rows), len(rows), sorted(rows, key=lambda r: -r[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=None)
    parser.add_argument("--page", default=bh.PAGE_43)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    try:
        html = bh.require_built((args.html or bh.html_dir()).resolve())
        chromium = bh.ensure_chromium()
    except bh.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with bh.BookServer(html) as server, sync_playwright() as pw:
        browser = bh.launch(pw, chromium)
        context = browser.new_context(viewport=bh.DESKTOP)
        try:
            log = bh.watch(context)
            finished = []
            context.on("requestfinished", lambda request: finished.append(request))
            page = bh.open_page(context, server.url(args.page))
            page.wait_for_timeout(300)
            bh.settle(page)
            first_view = list(finished)
            total, count, rows = _sizes(first_view)
            runner = sum(n for p, n in rows if "/tryit" in p)
            print(f"first view: {total / 1024:.1f} KB transferred in {count} requests, of which "
                  f"the runner's tryit.js + tryit.css {runner / 1024:.1f} KB")
            cell = page.locator(".tabbook-tryit").first
            if cell.count() == 0:
                print("error: the page has no runnable exercise cell", file=sys.stderr)
                return 1
            mark = len(finished)
            t0 = time.perf_counter()
            cell.locator(".tabbook-tryit-preview").click()
            cell.locator(".cm-editor").wait_for(timeout=30_000)
            editor_s = time.perf_counter() - t0
            cell.locator(".cm-content").click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text(ANSWER)
            status = cell.locator(".tabbook-tryit-status")

            def run(timeout=120_000) -> float:
                cell.evaluate("el => delete el.querySelector('.tabbook-tryit-status')"
                              ".dataset.result")
                t = time.perf_counter()
                cell.locator(".tabbook-tryit-run").click()
                cell.locator(".tabbook-tryit-status[data-result]").wait_for(timeout=timeout)
                took = time.perf_counter() - t
                if status.get_attribute("data-result") != "pass":
                    raise SystemExit(f"error: the Run did not pass: {status.inner_text()}")
                return took

            first_run = run()
            bh.settle(page)
            use = finished[mark:]
            used, used_count, used_rows = _sizes(use)
            raw = 0
            for path, _n in used_rows:
                local = Path(server.root, path.lstrip("/"))
                raw += local.stat().st_size if local.is_file() else 0
            later = [run() for _ in range(args.runs)]
            if log.external:
                print(f"error: requests left 127.0.0.1: {log.external}", file=sys.stderr)
                return 1
        finally:
            context.close()
            browser.close()
    print(f"first use (editor, worker, Pyodide, checkers): {used / 1e6:.2f} MB transferred "
          f"({raw / 1e6:.2f} MB uncompressed) in {used_count} requests")
    for path, n in used_rows[:8]:
        print(f"  {n / 1024:9.1f} KB  {path}")
    print(f"editor ready after focus: {editor_s:.2f} s")
    print(f"first Run (cold: Pyodide starts): {first_run:.2f} s")
    print(f"later Runs ({len(later)}): median {statistics.median(later) * 1000:.0f} ms, "
          f"worst {max(later) * 1000:.0f} ms "
          f"({'under' if statistics.median(later) < 1 else 'OVER'} the 1 s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
