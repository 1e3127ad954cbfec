"""The in-page exercise runner (tabbook/sphinxext/sphinx_tryit.py, static/tryit*.js) in Chromium.

On the built English and Chinese 4.3 pages, served from 127.0.0.1 with every other
request blocked: nothing of the editor or Pyodide is fetched before the reader touches an
exercise cell; for each of the three exercises a correct answer typed into the editor
passes the book's own checker and a wrong one fails naming a case (in Chinese on the
Chinese page); ``while True: pass`` is ended by Stop and by the time limit, and the
next Run works; the answer survives a reload and Reset brings the starter back.
Without JavaScript or WebAssembly the static cell stays. Screenshots of a passing and a
failing exercise go to ``_build/screenshots/``. Python starts from the build's snapshot,
the same Python as a plain start (environment, paths, the reader's time zone; random
seeded afresh in every page), and starts the plain way when the snapshot cannot be had
(unreachable, another Pyodide's) or is not worth fetching (a slow connection).
"""

from __future__ import annotations

import gzip
import json
import re

import pytest

import browser_harness as bh
from browser_harness import PAGE_43, open_page

pytestmark = pytest.mark.browser

LAZY = ("tryit/editor.js", "tryit-worker.js", "pyodide", "tryit/snapshot")
"""What must not be fetched before the first interaction."""

RIGHT = [
    """from d2l import exercises

def exact_loss(quick, last, n, batch_size):
    num_batches = -(-n // batch_size)
    return quick + (batch_size * num_batches - n) / n * (quick - last)
""",
    """from d2l import exercises

def expected_quick_estimate(losses, batch_size):
    return sum(losses) / len(losses)

def quick_estimate_bias(losses, batch_size):
    losses = list(losses)
    means = [sum(losses[i:i + batch_size]) / len(losses[i:i + batch_size])
             for i in range(0, len(losses), batch_size)]
    return sum(means) / len(means) - sum(losses) / len(losses)
""",
    """from d2l import exercises

def bayes_decision(loss_matrix, p):
    risks = [sum(p[y] * loss_matrix[y][j] for y in range(len(p)))
             for j in range(len(loss_matrix[0]))]
    return min(range(len(risks)), key=risks.__getitem__)
""",
]
WRONG = [
    ("""from d2l import exercises

def exact_loss(quick, last, n, batch_size):
    return quick
""", "exact_loss(quick="),
    ("""from d2l import exercises

def expected_quick_estimate(losses, batch_size):
    return losses[0]

def quick_estimate_bias(losses, batch_size):
    return 0
""", "expected_quick_estimate(losses="),
    ("""from d2l import exercises

def bayes_decision(loss_matrix, p):
    return max(range(len(p)), key=lambda i: p[i])
""", "bayes_decision(loss_matrix="),
]
LOOP = "while True:\n    pass\n"
EDITIONS = {
    "en": {"prefix": "", "pass": "PASS check_", "fail": "FAIL check_",
           "passed": "Passed", "failed": "Not yet", "stopped": "Stopped.",
           "timeout": "Stopped after {} seconds"},
    "zh": {"prefix": "zh/", "pass": "通过（PASS）check_", "fail": "未通过（FAIL）check_",
           "passed": "通过", "failed": "还没对", "stopped": "已停止",
           "timeout": "运行超过{}秒"},
}


def cell(page, n):
    return page.locator(".tabbook-tryit").nth(n)


def type_code(page, n, code):
    """Open the editor of exercise cell ``n`` (a click), select all, type ``code``."""
    c = cell(page, n)
    if c.locator(".cm-editor").count() == 0:
        c.locator(".tabbook-tryit-preview").click()
        c.locator(".cm-editor").wait_for(timeout=20_000)
    c.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
    assert editor_text(page, n) == code


def editor_text(page, n) -> str:
    return cell(page, n).evaluate("el => el.tabbookTryit.text()")


def run(page, n, timeout=60_000) -> tuple[str, str, str]:
    """Press Run (or the key), wait for the result: (data-result, status, output)."""
    c = cell(page, n)
    c.locator(".tabbook-tryit-run").click()
    return wait_result(page, n, timeout)


def wait_result(page, n, timeout=60_000):
    c = cell(page, n)
    c.locator(".tabbook-tryit-status[data-result]").wait_for(timeout=timeout)
    status = c.locator(".tabbook-tryit-status")
    return (status.get_attribute("data-result"), status.inner_text(),
            c.locator(".tabbook-tryit-output").inner_text())


def clear_result(page, n):
    cell(page, n).evaluate("el => delete el.querySelector('.tabbook-tryit-status')"
                           ".dataset.result")


def starter_of(book_html, prefix, n) -> str:
    """The exercise cell's code as the HTML has it, without its exercises.check_ lines."""
    from html import unescape

    text = (book_html / prefix / PAGE_43).read_text(encoding="utf-8")
    cells = re.findall(r'class="cell tag_skip-execution tabbook-tryit[^"]*"[^>]*>'
                       r'.*?<pre>(.*?)</pre>', text, re.S)
    code = unescape(re.sub(r"<[^>]+>", "", cells[n])).rstrip("\n").split("\n")
    code = [ln for ln in code if not ln.startswith("exercises.check_")]
    while code and not code[-1].strip():
        code.pop()
    return "\n".join(code) + "\n"


@pytest.fixture(params=sorted(EDITIONS))
def edition(request, book_html):
    if not (book_html / EDITIONS[request.param]["prefix"] / PAGE_43).is_file():
        pytest.fail(f"the {request.param} 4.3 page is not built: run `make html`", pytrace=False)
    return request.param


def test_nothing_of_the_runner_loads_before_the_reader_interacts(browse, server, edition):
    context, log = browse.fresh()
    page = open_page(context, server.url(EDITIONS[edition]["prefix"] + PAGE_43))
    assert cell(page, 2).count() == 1, "the 4.3 page has three runnable exercise cells"
    page.mouse.wheel(0, 20_000)  # scrolling past the cells is not interacting with them
    page.wait_for_timeout(300)
    early = [u for u in log.requests if any(k in u for k in LAZY)]
    assert not early, f"fetched before any interaction: {early}"
    # the controls are there, labelled, and the cells' static code is hidden on screen
    c = cell(page, 0)
    assert c.locator(".tabbook-tryit-run").is_visible()
    assert c.locator(".cell_input").is_hidden()
    assert c.locator(".tabbook-tryit-preview").get_attribute("aria-label")
    assert c.locator("[role=status]").count() == 1
    assert c.locator(".tabbook-tryit-output").get_attribute("aria-live") == "polite"
    # printing shows the static starter code, not the runner
    page.emulate_media(media="print")
    assert c.locator(".cell_input").is_visible() and c.locator(".tabbook-tryit-ui").is_hidden()
    page.emulate_media(media="screen")
    # focusing the code (keyboard) loads the editor and starts Python, and only then;
    # Enter opens the editor
    page.keyboard.press("Tab")
    c.locator(".tabbook-tryit-preview").focus()
    page.wait_for_function("() => [...performance.getEntriesByType('resource')].some("
                           "e => e.name.includes('tryit/editor.js'))", timeout=20_000)
    assert c.locator(".cm-editor").count() == 0  # (a Tab stop, not a trap)
    page.keyboard.press("Enter")
    c.locator(".cm-editor").wait_for(timeout=20_000)
    assert any("tryit/editor.js" in u for u in log.requests)
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    c.locator(".tabbook-tryit-ui[data-python=ready]").wait_for(timeout=60_000)
    assert any("pyodide.asm.wasm" in u for u in log.requests)
    browse.assert_clean(log)


def test_each_exercise_passes_a_right_answer_and_fails_a_wrong_one(browse, server, book_html,
                                                                   edition):
    want = EDITIONS[edition]
    context, log = browse()
    page = open_page(context, server.url(want["prefix"] + PAGE_43))
    shots = bh.screenshot_dir(book_html)
    shots.mkdir(parents=True, exist_ok=True)
    for n in range(3):
        code, case = WRONG[n]
        type_code(page, n, code)
        result, status, output = run(page, n)
        assert result == "fail", (status, output)
        assert want["failed"] in status
        assert output.startswith(want["fail"]), output
        assert case in output, output  # the failing case, with its inputs
        if n == 0:
            cell(page, n).screenshot(path=str(shots / f"tryit-{edition}-fail.png"))
        type_code(page, n, RIGHT[n])
        clear_result(page, n)
        page.keyboard.press("Control+Enter")  # the editor's key runs it too
        result, status, output = wait_result(page, n)
        assert result == "pass", (status, output)
        assert want["passed"] in status
        assert output.count(want["pass"]) == (2 if n == 1 else 1), output
        assert "FAIL" not in output
        if n == 0:
            cell(page, n).screenshot(path=str(shots / f"tryit-{edition}-pass.png"))
    # an error in the reader's code is a traceback naming their code, not the runner's
    type_code(page, 0, "def exact_loss(:\n")
    result, status, output = run(page, 0)
    assert result == "error" and "SyntaxError" in output and "<your code>" in output, output
    assert "_tabbook_run" not in output
    assert not log.external, log.external
    browse.assert_clean(log)


TEST_LIMIT_S = 2
"""The runner's time limit in the runaway test: the page as built says 10 s (checked), the
test serves it with this one (the same code path, a shorter wait)."""


def test_a_runaway_loop_is_stopped_and_the_next_run_works(browse, server, book_html, edition):
    from tabbook.sphinxext.sphinx_tryit import TIME_LIMIT_S

    want = EDITIONS[edition]
    built = (book_html / (want["prefix"] + PAGE_43)).read_text(encoding="utf-8")
    setting = f'"timeLimit": {TIME_LIMIT_S}'
    assert TIME_LIMIT_S == 10 and setting in built
    context, log = browse.fresh()

    def shorter_limit(route):
        response = route.fetch()
        body = response.text().replace(setting, f'"timeLimit": {TEST_LIMIT_S}')
        route.fulfill(response=response, body=body)

    url = server.url(want["prefix"] + PAGE_43)
    context.route(url, shorter_limit)
    page = open_page(context, url)
    type_code(page, 0, LOOP)
    c = cell(page, 0)
    c.locator(".tabbook-tryit-run").click()
    c.locator(".tabbook-tryit-stop:not([disabled])").wait_for(timeout=5_000)
    page.wait_for_function("el => /" + ("Running|正在运行") + "/.test(el.textContent)",
                           arg=c.locator(".tabbook-tryit-status").element_handle(),
                           timeout=60_000)
    page.wait_for_timeout(500)
    c.locator(".tabbook-tryit-stop").click()
    result, status, _ = wait_result(page, 0, timeout=5_000)
    assert result == "stopped" and want["stopped"] in status, status
    type_code(page, 0, RIGHT[0])
    result, status, output = run(page, 0)
    assert result == "pass", (status, output)
    # the time limit ends a loop nobody stops
    type_code(page, 0, LOOP)
    result, status, _ = run(page, 0, timeout=90_000)
    assert result == "stopped" and want["timeout"].format(TEST_LIMIT_S) in status, status
    type_code(page, 0, RIGHT[0])
    result, status, output = run(page, 0)
    assert result == "pass", (status, output)
    browse.assert_clean(log)


def test_the_answer_survives_a_reload_and_reset_brings_the_starter_back(browse, server,
                                                                         book_html, edition):
    prefix = EDITIONS[edition]["prefix"]
    context, log = browse()
    page = open_page(context, server.url(prefix + PAGE_43))
    starter = starter_of(book_html, prefix, 1)
    assert editor_text(page, 1) == starter
    type_code(page, 1, RIGHT[1])
    cell(page, 1).locator(".tabbook-tryit-ui[data-python=ready]").wait_for(timeout=60_000)
    page.reload()  # (once Python, started by the click, has loaded: no request cut short)
    bh.settle(page)
    assert editor_text(page, 1) == RIGHT[1]  # shown before the editor loads, too
    assert editor_text(page, 0) == starter_of(book_html, prefix, 0)
    cell(page, 1).locator(".tabbook-tryit-preview").click()
    cell(page, 1).locator(".cm-editor").wait_for(timeout=20_000)
    assert editor_text(page, 1) == RIGHT[1]
    cell(page, 1).locator(".tabbook-tryit-reset").click()
    assert editor_text(page, 1) == starter
    cell(page, 1).locator(".tabbook-tryit-ui[data-python=ready]").wait_for(timeout=60_000)
    page.reload()
    bh.settle(page)
    assert editor_text(page, 1) == starter
    browse.assert_clean(log)


def test_the_runner_works_at_phone_width(browse, server):
    context, log = browse(viewport=bh.PHONE)
    page = open_page(context, server.url(PAGE_43))
    c = cell(page, 2)
    c.scroll_into_view_if_needed()
    bar = c.locator(".tabbook-tryit-bar").bounding_box()
    assert bar["x"] >= 0 and bar["x"] + bar["width"] <= bh.PHONE["width"], bar
    type_code(page, 2, RIGHT[2])
    result, status, output = run(page, 2)
    assert result == "pass", (status, output)
    assert page.evaluate("document.documentElement.scrollWidth") <= bh.PHONE["width"]
    browse.assert_clean(log)


def test_without_javascript_the_static_cell_and_colab_remain(browse, server, edition):
    context, log = browse(java_script_enabled=False)
    page = open_page(context, server.url(EDITIONS[edition]["prefix"] + PAGE_43))
    c = cell(page, 0)
    assert c.locator(".cell_input").is_visible()
    assert "exercises.check_exact_loss(exact_loss)" in c.locator(".cell_input").inner_text()
    assert page.locator(".tabbook-tryit-ui").count() == 0
    assert page.locator(".tabbook-colab a").first.is_visible()
    assert not [u for u in log.requests if any(k in u for k in LAZY)]


def test_without_webassembly_the_static_cell_remains(browse, server):
    context, log = browse.fresh()
    context.add_init_script("delete window.WebAssembly")
    page = open_page(context, server.url(PAGE_43))
    assert cell(page, 0).locator(".cell_input").is_visible()
    assert page.locator(".tabbook-tryit-ui").count() == 0
    browse.assert_clean(log)


# ------------------------------------------------------------------ issue 28, item 8

CHEAT = """from d2l import exercises
exercises.check_exact_loss = lambda fn: True
exercises.check_bayes_decision = lambda fn: True
bayes_decision = None
"""
"""Exercise 3's cell, where the reader patches the checkers (exercise 1's too)."""


def test_each_run_starts_afresh_so_a_patched_checker_passes_nothing_else(browse, server):
    """Issue 28, item 8: patching `exercises.check_exact_loss` in exercise 3 made a wrong
    answer to exercise 1 pass; each Run gets a new namespace and `exercises` module."""
    context, log = browse()
    page = open_page(context, server.url(PAGE_43))
    type_code(page, 2, CHEAT)
    result, status, output = run(page, 2)
    assert result == "pass", (status, output)  # (its own Run: the patch is the reader's)
    type_code(page, 0, WRONG[0][0])
    result, status, output = run(page, 0)
    assert result == "fail" and WRONG[0][1] in output, (status, output)
    browse.assert_clean(log)


@pytest.mark.parametrize("missing", ["tryit-worker.js", "tryit/pyodide/pyodide.asm.wasm",
                                     "tryit/pyodide/pyodide.js", "tryit/d2l/exercises.py"])
def test_a_file_of_the_runner_that_cannot_be_fetched_is_named(browse, server, missing):
    """A 404 says which file (not "could not start in this browser", not an endless
    "Starting Python…")."""
    context, _log = browse.fresh()
    context.route(re.compile(re.escape("/_static/" + missing) + r"$"),
                  lambda route: route.fulfill(status=404, body="not found"))
    page = open_page(context, server.url(PAGE_43))
    result, status, _output = run(page, 0, timeout=30_000)
    assert result == "error", status
    assert f"/_static/{missing}: HTTP 404" in status, status
    assert "in this browser" not in status, status
    missing_attr = cell(page, 0).locator(".tabbook-tryit-status").get_attribute("data-missing")
    assert missing_attr.endswith("/_static/" + missing)


def test_a_host_that_does_not_answer_head_still_runs(browse, server):
    """The runner asks for its files with HEAD first; a host that answers HEAD with 405
    says nothing of them, and the run goes on."""
    context, _log = browse.fresh()

    def no_head(route):
        if route.request.method == "HEAD":
            route.fulfill(status=405, body="")
        else:
            route.continue_()

    context.route(re.compile(r"/_static/tryit/pyodide/"), no_head)
    page = open_page(context, server.url(PAGE_43))
    type_code(page, 0, RIGHT[0])
    result, status, output = run(page, 0)
    assert result == "pass", (status, output)


# ------------------------------------------------ Python started from the build's snapshot

FACTS = RIGHT[0] + """
import json, os, random, sys, time
print("FACTS=" + json.dumps({
    "environ": dict(os.environ), "argv": sys.argv, "executable": sys.executable,
    "path": sys.path, "cwd": os.getcwd(), "platform": sys.platform,
    "zone": [time.timezone, time.altzone, time.daylight, list(time.tzname),
             time.strftime("%Z %z", time.localtime(1e9))],
    "random": [random.random() for _ in range(3)]}))
"""
"""Exercise 1's right answer, printing what the Python it ran in is like."""
SNAPSHOT = re.compile(r"/_static/tryit/snapshot\.bin\.gz$")
ZONE = "Asia/Shanghai"
"""A time zone that is not the build's (the snapshot is made with TZ=UTC)."""


def facts_and_start(page) -> tuple[dict, dict]:
    """Run exercise 1 with :data:`FACTS`: what it printed, and how its Python started."""
    clear_result(page, 0)
    result, status, output = run(page, 0)
    assert result == "pass", (status, output)
    line = [ln for ln in output.splitlines() if ln.startswith("FACTS=")]
    assert line, output
    return (json.loads(line[0][len("FACTS="):]),
            cell(page, 0).evaluate("el => el.tabbookTryit.pythonStart()"))


def test_python_starts_from_the_snapshot_the_same_python_as_a_plain_start(browse, server):
    """The snapshot made when the book was built is restored, and the Run passes; two page
    loads get different random numbers (the snapshot's state is not replayed); with the
    snapshot unreachable Python starts the plain way and the Run passes; and both give
    the same Python: environment, argv, paths, the reader's time zone."""
    context, log = browse.fresh(timezone_id=ZONE)
    page = open_page(context, server.url(PAGE_43))
    type_code(page, 0, FACTS)
    first, how = facts_and_start(page)
    assert how == {"started": "snapshot", "snapshotError": ""}, how
    assert first["zone"][:4] == [-8 * 3600, -8 * 3600, 0, ["UTC+0800", "UTC+0800"]], first
    assert first["zone"][4] == "UTC+0800 +0800", first
    page.reload()  # (the answer was saved: Run runs it from the code preview)
    bh.settle(page)
    second, how = facts_and_start(page)
    assert how["started"] == "snapshot", how
    assert second["random"] != first["random"], "random replayed the same numbers"
    browse.assert_clean(log)
    context.route(SNAPSHOT, lambda route: route.abort())
    page.reload()
    bh.settle(page)
    plain, how = facts_and_start(page)
    assert how["started"] == "plain" and "snapshot.bin.gz" in how["snapshotError"], how
    for key in plain:
        if key != "random":
            assert first[key] == plain[key], (key, first[key], plain[key])


def test_a_snapshot_of_another_pyodide_is_refused_and_python_starts_plainly(browse, server,
                                                                           book_html):
    """A snapshot made by another Pyodide build (its build id differs: a stale cache after
    the book's Pyodide changed) is refused once the wasm has started with it; the worker
    starts Python the plain way, and the Run passes."""
    built = gzip.decompress((book_html / "_static/tryit/snapshot.bin.gz").read_bytes())
    other = bytearray(built)
    other[16:48] = bytes(32)  # (the build id, after the magic number and the header sizes)
    body = gzip.compress(bytes(other), compresslevel=1)
    context, _log = browse.fresh()
    context.route(SNAPSHOT, lambda route: route.fulfill(status=200, body=body))
    page = open_page(context, server.url(PAGE_43))
    type_code(page, 0, RIGHT[0])
    result, status, output = run(page, 0)
    assert result == "pass", (status, output)
    how = cell(page, 0).evaluate("el => el.tabbookTryit.pythonStart()")
    assert how["started"] == "plain" and "build id" in how["snapshotError"], how


def test_on_a_slow_connection_the_snapshot_is_not_fetched(browse, server):
    """5 MB more the first time costs a slow connection more than it gains: where the
    browser says the connection is slow (here 3G, from a 500 ms round trip) or Save-Data,
    the worker starts Python the plain way without asking for the snapshot."""
    context, log = browse.fresh()
    page = open_page(context, server.url(PAGE_43))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 500, "downloadThroughput": 50e6, "uploadThroughput": 50e6})
    assert page.evaluate("navigator.connection.effectiveType") == "3g"
    type_code(page, 0, RIGHT[0])
    result, status, output = run(page, 0)
    assert result == "pass", (status, output)
    how = cell(page, 0).evaluate("el => el.tabbookTryit.pythonStart()")
    assert how["started"] == "plain" and "slow or metered" in how["snapshotError"], how
    assert not [u for u in log.requests if "snapshot" in u], log.requests
