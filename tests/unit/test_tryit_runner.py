"""The in-page runner's Python (``d2l/inpage.py``, which static/tryit-worker.js imports),
run in CPython: each Run starts afresh (issue 28, item 8), and says what the page cannot
do (issue 31). Code that one exercise's Run leaves behind (a patched
``exercises.check_...``, a changed builtin, a patched standard module, a global) is gone
when the next Run starts, so another exercise's wrong answer still fails."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bookutil import REPO
from tabbook.stages.tryit import LIBRARY_FILES, compile_catalogs

WORKER = REPO / "static" / "tryit-worker.js"

CHEAT = ("from d2l import exercises\n"
         "exercises.check_exact_loss = lambda fn: True\n"
         "import builtins\nbuiltins.abs = lambda x: 0\n"
         "left_behind = 1\n")
WRONG_EXACT_LOSS = ("from d2l import exercises\n"
                    "def exact_loss(quick, last, n, batch_size):\n    return quick\n")


def worker_python(name: str) -> str:
    """The Python the worker holds as ``var <name> = [...lines...].join("\\n")``."""
    js = WORKER.read_text(encoding="utf-8")
    start = js.index(f"var {name} = [")
    block = js[start:js.index("].join(", start)]
    lines = [json.loads(f'"{m}"') for m in re.findall(r'^  "((?:[^"\\]|\\.)*)",$', block, re.M)]
    assert lines, f"no Python in the worker's {name}"
    return "\n".join(lines)


def runner_source(folder: Path) -> str:
    """The worker's RUNNER, as Python, its library folder ``/tabbook`` moved to ``folder``."""
    return worker_python("RUNNER").replace("'/tabbook'", repr(str(folder)))


def run_in_order(tmp_path: Path, runs: list[tuple[str, list[str]]], language: str = "en",
                 output: bool = False):
    """Each (code, checks) through ``d2l.inpage.run`` in one process, as the worker runs
    them one after the other; the results (None: the code raised), and with ``output``
    what the process printed too."""
    for rel in LIBRARY_FILES:  # (the worker writes them to /tabbook/d2l/)
        (tmp_path / "d2l" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "d2l" / rel, tmp_path / "d2l" / rel)
    shutil.copytree(REPO / "d2l" / "locales", tmp_path / "d2l" / "locales", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.mo"))
    # the catalogs compiled here, as `make lib` compiles them (a fresh clone has no .mo)
    compile_catalogs(tmp_path / "d2l")
    script = (runner_source(tmp_path) + "\nimport json as _json\n_out = []\n"
              + "".join(f"_out.append(_tabbook_inpage.run({code!r}, {checks!r}, {language!r}))\n"
                        for code, checks in runs)
              + "print('RESULTS=' + _json.dumps(_out))\n")
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("RESULTS=")]
    assert res.returncode == 0 and line, res.stdout + res.stderr
    results = json.loads(line[0][len("RESULTS="):])
    return (results, res.stdout + res.stderr) if output else results


def test_the_runner_is_the_worker_s():
    assert "from d2l import inpage as _tabbook_inpage" in runner_source(Path("/x"))
    assert "inpage.py" in LIBRARY_FILES


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


def test_a_patched_standard_module_is_restored(tmp_path):
    results = run_in_order(tmp_path, [
        ("import json, random\njson.dumps = None\nrandom.random = None", []),
        ("import json, random", ["json.dumps is not None", "random.random is not None"]),
    ])
    assert results == [[], [True, True]]


SOLUTION_2 = """def expected_quick_estimate(losses, batch_size):
    return sum(losses) / len(losses)

assert exercises.check_expected_quick_estimate(expected_quick_estimate)
"""


def test_exercises_is_bound_whatever_the_reader_deleted(tmp_path):
    """A solution pasted without its import runs; deleting or rebinding ``exercises``
    does not break the self-check lines."""
    results = run_in_order(tmp_path, [
        (SOLUTION_2, ["exercises.check_expected_quick_estimate(expected_quick_estimate)"]),
        ("del exercises\ndef f(losses, b):\n    return sum(losses) / len(losses)",
         ["exercises.check_expected_quick_estimate(f)"]),
        ("exercises = None\ndef f(losses, b):\n    return 0",
         ["exercises.check_expected_quick_estimate(f)"]),
    ])
    assert results == [[True], [True], [False]]


@pytest.mark.parametrize("language,words", [
    ("en", ["not available in this page", "Colab", "input() cannot read", "exit()"]),
    ("zh_CN", ["Colab", "input()", "exit()"]),
])
def test_what_the_page_cannot_do_says_what_to_do_instead(tmp_path, language, words):
    results, out = run_in_order(tmp_path, [
        ("import numpy as np", []),
        ("def f(losses, b):\n    return np.mean(losses)\nf([1], 1)", []),
        ("x = input('n? ')", []),
        ("import sys\nsys.exit(0)", []),
        ("from d2l import torch as d2l", []),
        ("import jsonn", []),
    ], language=language, output=True)
    assert results == [None] * 6
    tail = out.split("exit()")[-1]
    assert "d2l.torch" in tail, out  # (the library's module, not "d2l")
    assert tail.count("Colab") == 1, out  # (a typo's module gets no advice)
    for word in words:
        assert word in out, out
    assert out.count("numpy") >= 4, out  # (named in the advice of both errors)
    assert "Errno 29" not in out and "d2l/inpage.py" not in out, out
    if language == "zh_CN":
        assert "not available in this page" not in out and "cannot read" not in out, out


# ------------------------------------------------ the worker's Python around the snapshot

def test_after_a_restore_random_is_seeded_again_and_time_kept(tmp_path):
    """A snapshot holds random's state as it was when the book was built (the same
    sequence in every page): the worker's AFTER_RESTORE seeds it from the browser's
    entropy, and reads time's zone attributes again into the same ``time`` module."""
    script = ("import json, random, sys, time\n"
              "random.seed(0)  # (as snapshot.mjs leaves it)\n"
              "built = [random.random() for _ in range(3)]\n"
              "random.seed(0)\n"
              "module, zone = time, (time.timezone, time.altzone, time.daylight, time.tzname)\n"
              + worker_python("AFTER_RESTORE") + "\n"
              "print(json.dumps({'values': [random.random() for _ in range(3)], 'built': built,\n"
              "  'same_module': sys.modules['time'] is module,\n"
              "  'zone_kept': (time.timezone, time.altzone, time.daylight, time.tzname) == zone,\n"
              "  'left': [n for n in globals() if 'tabbook' in n]}))\n")

    def once():
        res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             timeout=60, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        return json.loads(res.stdout)

    first, second = once(), once()
    assert first["values"] != first["built"] and first["values"] != second["values"]
    assert first["same_module"] and first["zone_kept"] and first["left"] == []


def test_the_warm_up_runs_leave_nothing_and_print_nothing(tmp_path):
    """The worker's warm-up Runs (after a snapshot start) are Runs like a reader's: their
    names are gone at the next Run, and they print nothing."""
    warm = worker_python("WARM_CODE")
    results, out = run_in_order(tmp_path, [
        (warm, []), (warm, []),
        ("x = '_f' in globals() or '_n' in globals()", ["x is False"]),
        (WRONG_EXACT_LOSS, ["exercises.check_exact_loss(exact_loss)"]),
    ], output=True)
    assert results == [[], [], [True], [False]]
    assert out.count("FAIL") == 1 and out.index("FAIL") < out.index("RESULTS="), out
    assert out.split("FAIL")[0].strip() == "", out  # (nothing before the checker's own line)
