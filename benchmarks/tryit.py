"""The in-page exercise runner: what its first use costs, and how fast a Run answers.

Serves the built book (``make html``; or ``--html DIR``) on 127.0.0.1, gzip like a static
host, in headless Chromium (every request off 127.0.0.1 blocked). Issue 31's measures,
each the median of ``--repeat`` tries (at least 5 for a figure to report), timed on the
page's clock: from the Run click's event to the verdict on the page:

* **first view**: bytes the 4.3 page transfers before any interaction, and that nothing
  of Python or the editor is among them (``tryit.js`` and ``tryit.css`` only);
* **Run after typing**: an empty cache; the reader clicks the first exercise's code (the
  editor opens, Python starts in the background), types the answer for 3 s
  (``--typing``), presses Run: the time from Run to the verdict (target <= 300 ms);
* **cold Run**: an empty cache, the answer already there (saved by an earlier visit),
  Run pressed without touching the editor: Run to verdict, Python's load included
  (target <= 3 s);
* **later Runs**: ``--runs`` more Runs on the same page (target <= 50 ms);
* **Run after Stop**: a loop that prints without end runs for 3 s, Stop, the reader puts
  the answer in and presses Run 3 s (``--typing``) later: Run to verdict (target <=
  300 ms: a fresh Python started at Stop, or the spare started while the loop ran);
  and the same with Run pressed at once after Stop (reported, no target);
* **first use**: bytes fetched once the reader has used the runner;
* how each cold Run's Python started (restored from the build's snapshot, or "plain")
  and the snapshot's size on the site.

    .venv/bin/python benchmarks/tryit.py [--html _build/html] [--repeat 5] [--runs 10]

Exit status 0 (a measurement, not a test), 1 if a Run does not pass or the page fetched
the runner's Python or editor before any interaction.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import browser_harness as bh  # noqa: E402

TYPED = ["def exact_loss(quick, last, n, batch_size):",
         "num_batches = -(-n // batch_size)",  # (the editor indents after the colon)
         "return quick + (batch_size * num_batches - n) / n * (quick - last)"]
ANSWER = TYPED[0] + "\n    " + TYPED[1] + "\n    " + TYPED[2] + "\n"
LOOP = "i = 0\nwhile True:\n    print(i)\n    i += 1\n"
LAZY = ("tryit/editor.js", "tryit-worker.js", "pyodide", "tryit/snapshot")
"""What must not be fetched before the first interaction."""
VERDICT_JS = """el => {
  const status = el.querySelector('.tabbook-tryit-status');
  delete status.dataset.result;
  el.querySelector('.tabbook-tryit-run').addEventListener('click', (ev) => {
    const clicked = ev.timeStamp;
    new MutationObserver((_, obs) => {
      if (status.dataset.result) { el.__verdict = performance.now() - clicked; obs.disconnect(); }
    }).observe(status, {attributes: true});
  }, {capture: true, once: true});
}"""
"""Records on the cell the time from the Run click's event to the verdict (data-result)."""
SAVED_KEY = "tabbook-tryit:tryit-chapter-linear-classification-classification-1"
"""Where the runner keeps the reader's code of the 4.3 page's first exercise."""
START_JS = """el => {
  const how = el.tabbookTryit.pythonStart ? el.tabbookTryit.pythonStart() : null;
  return how ? how.started + (how.snapshotError ? ' (' + how.snapshotError + ')' : '') : 'plain';
}"""
"""How the worker started Python: from the build's snapshot, or "plain" (a runner without
snapshots says nothing: plain)."""
TARGETS = {"after typing": 0.3, "cold": 3.0, "later": 0.05, "after Stop": 0.3}


class Failed(Exception):
    pass


def _sizes(requests) -> tuple[int, list]:
    rows = [(urlsplit(r.url).path, r.sizes()["responseBodySize"]) for r in requests]
    return sum(n for _p, n in rows), sorted(rows, key=lambda r: -r[1])


class Page:
    """The 4.3 page in a new context (an empty cache), its first exercise cell."""

    def __init__(self, browser, server, path, saved: str | None = None):
        self.context = browser.new_context(viewport=bh.DESKTOP)
        self.log = bh.watch(self.context)
        self.finished = []
        self.context.on("requestfinished", lambda request: self.finished.append(request))
        self.page = self.context.new_page()
        if saved is not None:  # (what an earlier visit saved for the first exercise)
            self.page.add_init_script(script=(
                f"localStorage.setItem({SAVED_KEY!r}, {json.dumps(saved)});"))
        self.page.goto(server.url(path))
        bh.settle(self.page)
        self.cell = self.page.locator(".tabbook-tryit").first
        if self.cell.count() == 0:
            raise Failed("the page has no runnable exercise cell")
        self.status = self.cell.locator(".tabbook-tryit-status")
        self.wall: list[float] = []

    def click_run(self) -> float:
        self.cell.evaluate(VERDICT_JS)
        t = time.perf_counter()
        self.cell.locator(".tabbook-tryit-run").click()
        return t

    def verdict(self, since: float, timeout=120_000) -> float:
        """Seconds from the Run click to the verdict, on the page's clock (the click
        event's time to the status change); the benchmark's own clock, which adds
        Playwright's round trips, goes to ``self.wall``."""
        self.cell.locator(".tabbook-tryit-status[data-result]").wait_for(timeout=timeout)
        self.wall.append(time.perf_counter() - since)
        if self.status.get_attribute("data-result") != "pass":
            raise Failed(f"the Run did not pass: {self.status.inner_text()}")
        return self.cell.evaluate("el => el.__verdict") / 1000

    def run(self) -> float:
        return self.verdict(self.click_run())

    def replace_code(self, code: str) -> None:
        self.cell.locator(".cm-content").click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(code)

    def close(self):
        self.context.close()


def first_view(browser, server, path) -> tuple[float, float, list]:
    p = Page(browser, server, path)
    try:
        p.page.mouse.wheel(0, 20_000)  # (scrolling is no intent)
        p.page.wait_for_timeout(500)
        total, rows = _sizes(p.finished)
        early = [u for u in p.log.requests if any(k in u for k in LAZY)]
        return total, sum(n for q, n in rows if "/tryit" in q), early
    finally:
        p.close()


def after_typing(browser, server, path, typing_s: float) -> tuple[float, Page]:
    p = Page(browser, server, path)
    p.cell.locator(".tabbook-tryit-preview").click()
    p.cell.locator(".cm-editor").wait_for(timeout=30_000)
    p.page.keyboard.press("Control+a")
    p.page.keyboard.press("Delete")
    delay = typing_s * 1000 / sum(len(line) for line in TYPED)
    t0 = time.perf_counter()
    for i, line in enumerate(TYPED):
        p.page.keyboard.type(line, delay=delay)
        if i < len(TYPED) - 1:
            p.page.keyboard.press("Enter")
    p.page.wait_for_timeout(max(0, (typing_s - (time.perf_counter() - t0)) * 1000))
    return p.run(), p


def cold(browser, server, path, steps: list, starts: list) -> float:
    p = Page(browser, server, path, saved=ANSWER)
    try:
        took = p.run()
        steps.append(p.cell.evaluate("el => el.tabbookTryit.loadTimings()"))
        starts.append(p.cell.evaluate(START_JS))
        return took
    finally:
        p.close()


def after_stop(p: Page, pause_s: float, loop_s: float = 3.0) -> float:
    """A printing loop runs ``loop_s``, Stop; the answer, and Run ``pause_s`` later."""
    p.replace_code(LOOP)
    p.click_run()
    p.page.wait_for_timeout(loop_s * 1000)
    p.cell.locator(".tabbook-tryit-stop").click()
    p.cell.locator(".tabbook-tryit-status[data-result=stopped]").wait_for(timeout=5_000)
    t0 = time.perf_counter()
    p.replace_code(ANSWER)
    p.page.wait_for_timeout(max(0, (pause_s - (time.perf_counter() - t0)) * 1000))
    return p.run()


def report(name: str, values: list[float]) -> str:
    median = statistics.median(values)
    target = TARGETS[name]
    scale, unit = (1000, "ms") if target < 1 else (1, "s")
    shown = ", ".join(f"{v * scale:.0f}" if unit == "ms" else f"{v:.2f}" for v in values)
    verdict = "meets" if median <= target else "MISSES"
    return (f"{name}: median {median * scale:.{0 if unit == 'ms' else 2}f} {unit} of "
            f"{len(values)} [{shown}] ({verdict} the target {target * scale:g} {unit})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=None)
    parser.add_argument("--page", default=bh.PAGE_43)
    parser.add_argument("--repeat", type=int, default=5, help="tries of each cold measure")
    parser.add_argument("--runs", type=int, default=10, help="later Runs")
    parser.add_argument("--typing", type=float, default=3.0, help="seconds of typing")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    try:
        html = bh.require_built((args.html or bh.html_dir()).resolve())
        chromium = bh.require_chromium()
    except bh.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    lines = []
    with bh.BookServer(html) as server, sync_playwright() as pw:
        browser = bh.launch(pw, chromium)
        try:
            total, runner, early = first_view(browser, server, args.page)
            lines.append(f"first view: {total / 1024:.1f} KB transferred, of which the "
                         f"runner's tryit.js + tryit.css {runner / 1024:.1f} KB; fetched "
                         f"of Python or the editor: {early or 'nothing'}")
            typed, cold_runs, later, stopped, at_once, used, steps = [], [], [], [], [], None, []
            starts: list[str] = []
            for i in range(args.repeat):
                took, p = after_typing(browser, server, args.page, args.typing)
                typed.append(took)
                if i == 0:
                    used = _sizes(p.finished)
                    mark = len(p.wall)
                    later = [p.run() for _ in range(args.runs)]
                    later_wall = p.wall[mark:]
                    stopped = [after_stop(p, args.typing) for _ in range(args.repeat)]
                    at_once = [after_stop(p, 0) for _ in range(args.repeat)]
                p.close()
                cold_runs.append(cold(browser, server, args.page, steps, starts))
        except Failed as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    lines += [report("after typing", typed), report("cold", cold_runs),
              report("later", later), report("after Stop", stopped),
              report("after Stop", at_once).replace("after Stop", "Run at once after Stop"),
              f"(later Runs on the benchmark's clock, Playwright's round trips included: "
              f"median {statistics.median(later_wall) * 1000:.0f} ms)"]
    names = [name for name in steps[0] or {}]
    snapshot = html / "_static" / "tryit" / "snapshot.bin.gz"
    lines.append("cold Runs' Python started: " + ", ".join(
        f"{how} {starts.count(how)}" for how in sorted(set(starts)))
        + (f" (the site's snapshot.bin.gz: {snapshot.stat().st_size / 1e6:.2f} MB)"
           if snapshot.is_file() else " (the site has no snapshot)"))
    lines.append("cold Run, loading Python (median ms since the worker started): " + ", ".join(
        f"{name} {statistics.median(s[name] for s in steps if s):.0f}" for name in names))
    lines.append(f"first use (a Run after typing): {used[0] / 1e6:.2f} MB transferred; largest: "
                 + ", ".join(f"{path.rsplit('/', 1)[-1]} {n / 1024:.0f} KB"
                             for path, n in used[1][:4]))
    print("\n".join(lines))
    return 1 if early else 0


if __name__ == "__main__":
    sys.exit(main())
