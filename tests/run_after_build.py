"""The tests that need the built book, as two pytest runs side by side (what `make test`
runs after `make html` and `make envs`).

- ``builds``: every test outside ``tests/unit`` and ``tests/browser`` (copies of the book
  built and executed, the library in each framework's environment, the assembly, the
  Colab-like notebooks). Mostly kernels and Sphinx in child processes.
- ``browser``: ``tests/browser`` (headless Chromium against ``_build/html``, the PDFs),
  and the few build tests of :data:`BALANCE`, which even out the two runs' times.

The two share nothing they write: the browser tests read ``_build/html`` and write only
into their own temporary folders; the build tests build copies of the book, and the one
that assembles the checkout (``make publish``) writes ``_build/publish`` only. Each run
is a process of its own, so Playwright's event loop (session-wide in the browser run)
never meets the notebooks' asyncio. Two at once keep both cores of a small machine busy:
one is mostly waiting on child processes when the other computes.

Each line a run prints comes out as it is printed, after the run's name. The exit status
is non-zero when either run failed (a run that selects no test, e.g. ``-m "not
browser"``, has not failed). Arguments are passed to both runs (``-m "not colab_like"``,
``-x``, ``-k ...``); ``--one-at-a-time`` runs the groups one after the other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bookutil import REPO

BALANCE = ["tests/test_cache.py",
           "tests/test_local_workflow.py::test_the_render_jobs_system_packages_bring_node"]
"""Build tests (files or node ids) run in the browser group's process, to even out the two
runs' times: on this 2-core machine the build tests otherwise ended well after the browser
tests, leaving a core idle (at 95ad99c on an emptied machine, 513 s and 377 s; the checks
of 55c212d: 251 s and 232 s). They write only their own temporary books (the workflow
test: its own scratch repository; the Debian image both groups' workflow tests use is made
under a lock, once), and start no asyncio loop in the process (where Playwright's sync API
keeps one)."""
GROUPS = {
    "builds": ["tests", "--ignore=tests/unit", "--ignore=tests/browser",
               *(f"--deselect={test}" for test in BALANCE)],
    "browser": ["tests/browser", *BALANCE],
}
NO_TESTS_COLLECTED = 5  # pytest's exit status when the selection left nothing to run


def start(name: str, args: list[str], basetemp: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "pytest", "-ra", f"--basetemp={basetemp / name}",
           *GROUPS[name], *args]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1, errors="replace")


def relay(name: str, proc: subprocess.Popen, lock: threading.Lock, began: float,
          ended: dict[str, tuple[int, float]]) -> None:
    """Print the run's lines as they come; note its exit status and when it ended."""
    width = max(map(len, GROUPS))
    for line in proc.stdout:
        with lock:
            sys.stdout.write(f"[{name:<{width}}] {line}")
            sys.stdout.flush()
    ended[name] = (proc.wait(), time.monotonic() - began)


def run(names: list[str], args: list[str], basetemp: Path) -> dict[str, tuple[int, float]]:
    lock = threading.Lock()
    began = time.monotonic()
    procs = {name: start(name, args, basetemp) for name in names}
    ended: dict[str, tuple[int, float]] = {}  # each run's own end (the relay notes it)
    threads = [threading.Thread(target=relay, args=(name, proc, lock, began, ended), daemon=True)
               for name, proc in procs.items()]
    for t in threads:
        t.start()
    try:
        for proc in procs.values():
            proc.wait()
    except KeyboardInterrupt:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait()
        raise
    for t in threads:
        t.join()
    return {name: ended[name] for name in names}


def main(argv: list[str]) -> int:
    one_at_a_time = "--one-at-a-time" in argv
    args = [a for a in argv if a != "--one-at-a-time"]
    basetemp = Path(tempfile.mkdtemp(prefix="tabbook-tests-"))
    began = time.monotonic()
    results: dict[str, tuple[int, float]] = {}
    if one_at_a_time:
        for name in GROUPS:
            results.update(run([name], args, basetemp))
    else:
        results = run(list(GROUPS), args, basetemp)
    failed = [name for name, (rc, _) in results.items() if rc not in (0, NO_TESTS_COLLECTED)]
    for name, (rc, seconds) in results.items():
        state = "no test selected" if rc == NO_TESTS_COLLECTED else "failed" if rc else "passed"
        print(f"[tests] {name}: {state} ({seconds:.0f} s)")
    print(f"[tests] the tests after the build took {time.monotonic() - began:.0f} s"
          + (" (one group after the other)" if one_at_a_time else " (two groups at once)"))
    if failed:
        print(f"[tests] the temporary files of the failed run(s) are in {basetemp}")
        return 1
    shutil.rmtree(basetemp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
