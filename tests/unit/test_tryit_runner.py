"""The in-page runner's Python (static/tryit-worker.js, RUNNER), run in CPython: each Run
starts afresh (issue 28, item 8). Code that one exercise's Run leaves behind (a patched
``exercises.check_...``, a changed builtin, a global) is gone when the next Run starts, so
another exercise's wrong answer still fails."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tabbook.stages.tryit import LIBRARY_FILES
from tinybook import REPO

WORKER = REPO / "static" / "tryit-worker.js"

CHEAT = ("from d2l import exercises\n"
         "exercises.check_exact_loss = lambda fn: True\n"
         "import builtins\nbuiltins.abs = lambda x: 0\n"
         "left_behind = 1\n")
WRONG_EXACT_LOSS = ("from d2l import exercises\n"
                    "def exact_loss(quick, last, n, batch_size):\n    return quick\n")


def runner_source(folder: Path) -> str:
    """The worker's RUNNER, as Python, its library folder ``/tabbook`` moved to ``folder``."""
    js = WORKER.read_text(encoding="utf-8")
    block = js[js.index("var RUNNER = ["):js.index("].join(")]
    lines = [json.loads(f'"{m}"') for m in re.findall(r'^  "((?:[^"\\]|\\.)*)",$', block, re.M)]
    return "\n".join(lines).replace("'/tabbook'", repr(str(folder)))


def run_in_order(tmp_path: Path, runs: list[tuple[str, list[str]]]) -> list:
    """Each (code, checks) through ``_tabbook_run`` in one process, as the worker runs
    them one after the other; the results (None: the code raised)."""
    for rel in LIBRARY_FILES:  # (the worker writes them to /tabbook/d2l/)
        (tmp_path / "d2l" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "d2l" / rel, tmp_path / "d2l" / rel)
    script = (runner_source(tmp_path) + "\nimport json as _json\n_out = []\n"
              + "".join(f"_out.append(_tabbook_run({code!r}, {checks!r}, 'en'))\n"
                        for code, checks in runs)
              + "print('RESULTS=' + _json.dumps(_out))\n")
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("RESULTS=")]
    assert res.returncode == 0 and line, res.stdout + res.stderr
    return json.loads(line[0][len("RESULTS="):])


def test_the_runner_is_the_worker_s():
    assert "def _tabbook_run(code, checks, language):" in runner_source(Path("/x"))


def test_a_patched_checker_does_not_pass_another_exercise(tmp_path):
    results = run_in_order(tmp_path, [
        (CHEAT, ["exercises.check_exact_loss(None)"]),          # exercise 3's cell, patched
        (WRONG_EXACT_LOSS, ["exercises.check_exact_loss(exact_loss)"]),  # exercise 1, wrong
        ("x = abs(-2)", ["x == 2"]),                            # the builtin is back
        ("print(left_behind)", []),                             # a new namespace
    ])
    assert results == [[True], [False], [True], None]


def test_a_module_the_reader_imported_is_imported_afresh(tmp_path):
    results = run_in_order(tmp_path, [
        ("import json\njson.patched = True", ["json.patched"]),
        ("import json", ["not hasattr(json, 'patched')"]),
    ])
    assert results == [[True], [True]]
