"""Faults and bad input: a build that fails stays failed, a cache that heals, signals
that stop everything, outputs that cannot hang the build, errors that name the file.

Each test that builds works on the tiny book (:func:`tiny_with_page`: one page in every
framework, its runs seeded in the cache) and, where the test needs one, a page of its
own, so that only that page executes. Tests of the library's faults, which need section
3.2's ``#@save`` code, work on a small copy of the book (:func:`small_book`): the
landing page, section 3.2 and a page of the test's own.

Issue 16, items 7-16: the faults that need no kernel are tested where they are fast:

* 7, 8 (catalogs checked like code): ``tests/unit/test_catalogs.py``
* 9 (catalogs written whole or not at all): ``tests/unit/test_catalog_writes.py``
* 10, 11 (publish what this build made): ``tests/unit/test_publish_guards.py`` and
  ``tests/test_publish.py::test_assembly_holds_what_the_build_made_and_no_machine_path``,
  ``::test_publish_without_catalogs_leaves_the_old_edition_out``
* 12 (publish after a failed build), 13 (a Colab pattern without ``{lang_dir}``):
  ``tests/unit/test_publish_guards.py``, ``tests/unit/test_config.py``
* 14 (a page outside the book): ``tests/unit/test_book.py``
* 15 (``make pdf`` faults): ``tests/browser/test_pdf_faults.py``
* 16 (settings): ``tests/unit/test_config.py``; (daemons, writes into ``d2l/``): here,
  at the end.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from bookutil import (
    TINY_PAGE,
    alive_with,
    build,
    copy_book,
    daemons_code,
    run_tool,
    runs_of,
    tiny_book,
    tool_command,
    tool_env,
)
from tabbook.core.errors import BookError
from tabbook.core.files import write_atomic_set
from tabbook.core.layout import Layout
from tabbook.core.lock import LOCK_FILE
from tabbook.sources.config import load_config
from tabbook.sources.source import read_page
from tabbook.stages.cache import cache_path, load_cached, plan

OO_DESIGN = "chapter_linear-regression/oo-design.md"
PAGE = "chapter_x/page.md"
FRONT = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

"""


def small_book(tmp_path: Path, page: str | None = None) -> Path:
    """A copy of the book holding the landing page, section 3.2 and ``page`` (chapter_x/page.md)."""
    (tmp_path / "book").mkdir()
    root = copy_book(tmp_path / "book")
    shutil.rmtree(root / "chapter_linear-classification")
    toc = ("format: jb-book\nroot: index\nchapters:\n"
           "  - file: chapter_linear-regression/index\n"
           "    sections:\n      - file: chapter_linear-regression/oo-design\n")
    if page is not None:
        toc += "  - file: chapter_x/page\n"
        (root / "chapter_x").mkdir()
        (root / PAGE).write_text(FRONT + page, encoding="utf-8")
    (root / "_toc.yml").write_text(toc)
    return root


def tiny_with_page(tmp_path: Path, page: str | None = None) -> Path:
    """The tiny book (``bookutil.tiny_book``: its page's runs seeded in the cache, so its
    first build executes nothing) and ``page`` (chapter_x/page.md) after it."""
    root = tiny_book(tmp_path / "book")
    if page is not None:
        toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
        toc["parts"][-1]["chapters"].append({"file": "chapter_x/page"})
        (root / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
        (root / "chapter_x").mkdir()
        (root / PAGE).write_text(FRONT + page, encoding="utf-8")
    return root


def jax_cell(code: str) -> str:
    return "```{code-cell} ipython3\n%%tab jax\n" + code.strip("\n") + "\n```\n"


def output(res) -> str:
    return res.stdout + res.stderr


def entry_of(root: Path, relpath: str, framework: str) -> Path:
    """The cache entry of page ``relpath`` run in ``framework``."""
    page = read_page(root / relpath, root)
    run = next(r for r in plan([page], root) if r.framework.name == framework)
    return cache_path(root, load_config(root), run.key)


def assert_clear_error(res, *needles: str, raw: str = "Traceback (most recent call last)") -> None:
    """A non-zero exit with a message naming what is wrong, and not the ``raw`` error.

    (Jupyter Book prints a traceback with any Sphinx extension's error, so for errors
    raised while Sphinx runs ``raw`` is the Python exception the user should not see.)
    """
    out = output(res)
    assert res.returncode != 0, out[-3000:]
    assert raw not in out, out[-3000:]
    for needle in needles:
        assert needle in out, (needle, out[-3000:])


# -- 1. a failed build stays failed; the no-op check sees what is gone ---------------------

@pytest.mark.book_build
def test_failed_build_fails_again_until_fixed(tmp_path):
    root = tiny_with_page(tmp_path,
                          "# A Page With A Typo\n\n```{notadirective}\nSome content.\n```\n")
    for attempt in (1, 2):  # the second build, with nothing changed, must fail too
        res = build(root)
        assert res.returncode != 0, (attempt, output(res)[-3000:])
        assert "notadirective" in output(res), attempt
        assert not Layout(root).stamp.exists()
    (root / PAGE).write_text(FRONT + "# A Page With A Typo\n\nFixed.\n")
    res = build(root)
    assert res.returncode == 0, output(res)[-3000:]
    assert "Fixed." in (Layout(root).html() / "chapter_x" / "page.html").read_text()


@pytest.mark.book_build
def test_noop_build_checks_pages_and_cache_entries_exist(tmp_path):
    root = tiny_with_page(tmp_path, "# A Small Page\n\n" + jax_cell("print('small page ran')"))
    assert build(root).returncode == 0
    res = build(root)
    assert "nothing changed since the last build" in res.stdout
    page_html = Layout(root).html() / "chapter_demo" / "page.html"
    page_html.unlink()
    res = build(root)
    assert res.returncode == 0 and "nothing changed" not in res.stdout, output(res)[-3000:]
    assert page_html.is_file()
    entry = entry_of(root, PAGE, "jax")
    entry.unlink()
    res = build(root)
    assert res.returncode == 0 and "nothing changed" not in res.stdout, output(res)[-3000:]
    assert ("executed", PAGE, "jax") in runs_of(output(res))
    assert entry.is_file()
    # and `make colab` finds every run it needs instead of asking for `make html`
    res = run_tool(root, "colab")
    assert res.returncode == 0, output(res)


# -- 2. SIGTERM and SIGINT stop the build, its Sphinx child and its kernels -----------------

def _processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, command line) of every process (Linux /proc)."""
    procs = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        procs[int(entry.name)] = (int(fields[1]), fields[0], cmdline)
    return procs


def _build_processes(top: int, marker: str) -> set[int]:
    """``top``, its descendants, and processes whose command line names ``marker``."""
    procs = _processes()
    found = {top} | {pid for pid, (_, _, cmd) in procs.items() if marker in cmd}
    grew = True
    while grew:
        more = {pid for pid, (ppid, _, _) in procs.items() if ppid in found} - found
        grew = bool(more)
        found |= more
    return found


def _running(pids: set[int]) -> set[int]:
    procs = _processes()
    return {pid for pid in pids if pid in procs and procs[pid][1] != "Z"}


@pytest.mark.book_build
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_during_execution_stops_every_process(tmp_path, signum, request):
    root = tiny_with_page(tmp_path, "# A Slow Page\n\n" + jax_cell("import time\ntime.sleep(300)"))
    # a short $TMPDIR of the test's own, so that the kernels' sockets are made in it
    # (tmp_path is too long for a socket path under pytest-xdist)
    tmp = Path(tempfile.mkdtemp(prefix="tb-sig-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    env = tool_env(TMPDIR=str(tmp))
    # a background job: SIGINT is not sent by a terminal here, and may start ignored
    proc = subprocess.Popen(tool_command(root, "html"),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while not any("ipykernel" in cmd and str(tmp) in cmd
                      for _, _, cmd in _processes().values()):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no kernel started"
            time.sleep(0.5)
        time.sleep(1)  # the slow cell is running
        pids = _build_processes(proc.pid, str(tmp))
        assert len(pids) >= 3  # tabbook, jupyter-book, the kernel
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signum, out[-2000:] + err[-2000:]
    assert f"interrupted by {signal.Signals(signum).name}" in err
    deadline = time.monotonic() + 5
    while _running(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(pids), [_processes().get(p) for p in _running(pids)]
    # no kernel folder, socket or connection file (they hold the kernel's key) is left
    assert list(tmp.iterdir()) == []
    assert "AssertionError" not in err and "the kernel died" not in err


# -- 3 and 7. outputs: huge ones are capped, secrets are masked ----------------------------

SECRET = "tabbook-test-secret-4f9c1e"


@pytest.fixture(scope="module")
def guarded_book(tmp_path_factory):
    """A page that prints a 5 MB line, 3 MB of lines and a token from the environment."""
    page = ("# Loud Outputs\n\n"
            + jax_cell("print('x' * 5_000_000)") + "\n"
            + jax_cell("for i in range(30_000):\n    print(f'line {i:06d} ' + 'y' * 90)") + "\n"
            + jax_cell("import os\nprint('the token is', os.environ['TABBOOK_TEST_TOKEN'])"))
    root = tiny_with_page(tmp_path_factory.mktemp("guarded"), page)
    old = os.environ.get("TABBOOK_TEST_TOKEN")
    os.environ["TABBOOK_TEST_TOKEN"] = SECRET
    try:
        res = build(root, timeout=300)
    finally:
        if old is None:
            del os.environ["TABBOOK_TEST_TOKEN"]
        else:
            os.environ["TABBOOK_TEST_TOKEN"] = old
    assert res.returncode == 0, output(res)[-3000:]
    return root, output(res)


@pytest.mark.book_build
def test_huge_outputs_are_capped_with_a_note_and_a_warning(guarded_book):
    root, out = guarded_book
    html = (Layout(root).html() / "chapter_x" / "page.html").read_text()
    assert len(html) < 1_000_000
    assert html.count("output truncated") >= 2
    assert "line 000000 " in html and "line 029999 " in html  # head and tail are kept
    assert "x" * 1000 in html
    entry = entry_of(root, PAGE, "jax")
    assert entry.stat().st_size < 1_000_000
    for cell in ("cell 2", "cell 3"):
        assert any("warning" in ln and "truncated" in ln and PAGE in ln and cell in ln
                   and "framework jax" in ln for ln in out.splitlines()), out[-3000:]


@pytest.mark.book_build
def test_secret_environment_values_are_masked(guarded_book):
    root, out = guarded_book
    html = (Layout(root).html() / "chapter_x" / "page.html").read_text()
    assert SECRET not in html and "the token is ********" in html
    for path in Layout(root).build.rglob("*.ipynb"):
        assert SECRET not in path.read_text(), path
    assert any("warning" in ln and "$TABBOOK_TEST_TOKEN" in ln and "cell 4" in ln
               and PAGE in ln for ln in out.splitlines()), out[-3000:]


# -- 4. a corrupt cache entry is a miss ----------------------------------------------------

@pytest.mark.book_build
def test_truncated_cache_entry_is_deleted_and_executed_again(tmp_path):
    root = tiny_with_page(tmp_path)
    entry = entry_of(root, TINY_PAGE, "jax")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2])
    res = build(root)
    out = output(res)
    assert res.returncode == 0, out[-3000:]
    assert "corrupt" in out and str(entry) in out
    assert ("executed", TINY_PAGE, "jax") in runs_of(out)
    assert [kind for kind, page, fw in runs_of(out) if kind == "executed"] == ["executed"]
    nbformat.read(entry, as_version=4)  # a whole notebook again


def test_cache_entry_holding_other_cells_is_a_miss(tmp_path):
    root = small_book(tmp_path)
    page = read_page(root / OO_DESIGN, root)
    runs = {r.framework.name: r for r in plan([page], root)}
    cfg = load_config(root)
    jax_entry = cache_path(root, cfg, runs["jax"].key)
    # a valid notebook, but of another run (PyTorch's cells), placed as JAX's entry
    shutil.copy(cache_path(root, cfg, runs["pytorch"].key), jax_entry)
    logged = []
    assert not load_cached(runs["jax"], root, cfg, logged.append)
    assert runs["jax"].notebook is None
    assert not jax_entry.exists()
    assert "cells are not the page's cells" in logged[0] and OO_DESIGN in logged[0]
    # the right entry still loads
    assert load_cached(runs["pytorch"], root, cfg) and runs["pytorch"].notebook is not None


# -- 5. errors that name the file instead of tracebacks ------------------------------------

@pytest.mark.book_build
def test_undecodable_byte_names_the_page_and_line(tmp_path):
    root = tiny_with_page(tmp_path, "# Bytes\n\nA sentence.\n")
    path = root / PAGE
    path.write_bytes(path.read_bytes().replace(b"A sentence.", b"A sent\xe9nce."))
    res = build(root)
    line = FRONT.count("\n") + 3
    assert_clear_error(res, f"{PAGE}:{line}", "not valid UTF-8", "0xe9", raw="UnicodeDecodeError")


@pytest.mark.book_build
def test_missing_requirements_file_is_named(tmp_path):
    root = tiny_with_page(tmp_path)
    (root / "envs" / "jax.txt").unlink()
    assert_clear_error(build(root), "envs/jax.txt", "requirements file is missing",
                       raw="FileNotFoundError")


@pytest.mark.book_build
def test_unwritable_build_folder_is_named(tmp_path):
    # tests run as root, for whom permissions do not stop a write: a file where the
    # _build folder should be stops it for everyone
    root = tiny_with_page(tmp_path)
    shutil.rmtree(Layout(root).build)
    Layout(root).build.write_text("not a folder")
    assert_clear_error(build(root), str(Layout(root).build), "writable")


@pytest.mark.parametrize("value, needles", [
    ("four.nine", ["`section_number` must be a dotted number", "'four.nine'"]),
    ("4.10", ["must be a quoted string", "4.1", "YAML"]),
])
def test_bad_section_number_is_refused(tmp_path, value, needles):
    root = small_book(tmp_path)
    path = root / OO_DESIGN
    text = path.read_text()
    assert 'section_number: "3.2"' in text
    path.write_text(text.replace('section_number: "3.2"', f"section_number: {value}"))
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1)
                if ln.startswith("section_number"))
    assert_clear_error(run_tool(root, "lib"), f"{OO_DESIGN}:{line}", *needles)


@pytest.mark.book_build
def test_exception_without_message_shows_the_end_of_its_traceback(tmp_path):
    root = tiny_with_page(tmp_path, "# Asserts\n\n" + jax_cell(
        "def check(flag):\n    assert flag\n\ncheck(0)"))
    res = build(root)
    assert_clear_error(res, "AssertionError", "assert flag", "check(0)", f"{PAGE}:",
                       raw="AssertionError: \n")


# -- 6. two pages saving one name ----------------------------------------------------------

def test_saving_a_name_twice_is_refused_naming_both_places(tmp_path):
    root = small_book(tmp_path, "# Again\n\n" + "```{code-cell} ipython3\n"
                      "def use_svg_display():  #@save\n    pass\n```\n")
    first = next(i for i, ln in enumerate((root / OO_DESIGN).read_text().splitlines(), 1)
                 if ln.startswith("def use_svg_display"))
    res = run_tool(root, "lib")
    assert_clear_error(res, "`use_svg_display` is saved twice", f"{OO_DESIGN} line {first}",
                       f"{PAGE}:", "#@save redefine")
    # an intended replacement says so
    (root / PAGE).write_text((root / PAGE).read_text().replace("#@save", "#@save redefine"))
    res = run_tool(root, "lib")
    assert res.returncode == 0, output(res)
    library = (root / "d2l" / "torch.py").read_text()
    assert f"{PAGE} cell 2\ndef use_svg_display():\n    pass" in library


# -- 8. one build at a time; `make lib` cleans up after an interrupted run ----------------

def test_second_command_waits_for_the_lock(tmp_path):
    root = small_book(tmp_path)
    lock = root / LOCK_FILE
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = subprocess.Popen(tool_command(root, "lib"), env=tool_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = proc.stderr.readline()  # blocks until the waiting message
            assert "waiting" in line and str(root) in line, line
            assert proc.poll() is None  # still waiting while the lock is held
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, out + err
    assert "wrote d2l/torch.py" in out


def test_lib_removes_stray_temporary_files(tmp_path):
    root = small_book(tmp_path)
    stray = root / "d2l" / ".torch.py.k2j4h1.tmp"  # what an interrupted write_atomic leaves
    stray.write_text("half a module")
    res = run_tool(root, "lib")
    assert res.returncode == 0, output(res)
    assert not stray.exists()
    assert not list((root / "d2l").glob(".*.tmp"))


def test_a_set_of_files_is_written_whole_or_not_at_all(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("old a\n")
    b.write_text("old b\n")
    (tmp_path / "blocker").write_text("a file where a folder should be")
    with pytest.raises(OSError):
        write_atomic_set({a: "new a\n", b: "new b\n", tmp_path / "blocker" / "c.py": "c\n"})
    assert (a.read_text(), b.read_text()) == ("old a\n", "old b\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py", "blocker"]
    assert write_atomic_set({a: "new a\n", b: "new b\n"}) == [a, b]
    assert (a.read_text(), b.read_text()) == ("new a\n", "new b\n")


# -- issue 16 item 16: what a cell leaves behind: daemons, a changed library --------------

def _execute_jax_page(tmp_path: Path, code: str):
    """Execute a one-cell JAX page of a small book, in this process, as the build does."""
    from tabbook.core.frameworks import BY_NAME
    from tabbook.sources.envs import ensure_kernels
    from tabbook.stages.execute import execute_all

    root = tiny_with_page(tmp_path, "# A Page\n\n" + jax_cell(code))
    page = read_page(root / PAGE, root)
    cfg = load_config(root)
    run = plan([page], root, [BY_NAME["jax"]])[0]
    entry = cache_path(root, cfg, run.key)
    call = lambda: execute_all([page], root, cfg, log=lambda *a: None,  # noqa: E731
                               frameworks=[BY_NAME["jax"]],
                               before_execute=lambda frameworks: ensure_kernels(root))
    return root, entry, call


def test_daemons_a_cell_starts_do_not_outlive_the_build(tmp_path):
    """A process started by a cell (in the kernel's group, in the background of a shell, in a
    session of its own) is killed with the kernel's whole tree when the run ends."""
    token = f"{600 + os.getpid() % 1000}.4711"  # a sleep no other process runs
    code = daemons_code(token)
    root, entry, call = _execute_jax_page(tmp_path, code)
    try:
        runs = call()
        assert "started" in str(runs[("chapter_x/page", "jax")].notebook.cells[0].outputs)
        deadline = time.monotonic() + 5
        while alive_with(f"sleep {token}") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive_with(f"sleep {token}") == []
    finally:
        for pid in alive_with(f"sleep {token}"):  # (what a failing run leaves)
            os.kill(pid, signal.SIGKILL)


def test_a_cell_writing_into_the_library_fails_naming_the_page(tmp_path):
    """A cell that changes d2l/ (which later pages and the Chinese edition import) fails the
    build naming the page, the framework and the file; its run is not cached."""
    code = "open('../d2l/jax.py', 'a').write('\\n# written by a cell\\n')\nprint('done')"
    root, entry, call = _execute_jax_page(tmp_path, code)
    with pytest.raises(BookError) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{PAGE}, framework jax: d2l/jax.py changed while this page ran")
    assert "git checkout d2l/" in message
    assert not entry.exists()
