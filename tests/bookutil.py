"""Helpers shared by the tests and benchmarks: the repository, running the tool, building and
copying the book.

The one owner of the tests' facts: :data:`REPO` (the checkout), every path under its build
folder from :class:`tabbook.core.layout.Layout` (:data:`LAYOUT`), the tool's command line
(:func:`tool_command`, :func:`run_tool`), and the files of a copy of the book
(:func:`book_files`: the pages' folders from ``_toc.yml``). Importing this module makes
``tabbook`` importable (scripts run from ``tests/`` or ``benchmarks/`` need nothing else).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The checkout: the book, the tool (``tabbook/``) and these tests."""
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tabbook.core.layout import Layout  # noqa: E402  (the repository first on the path)

LAYOUT = Layout(REPO)
"""Every path under the checkout's build folder (what `make html` writes)."""
HTML = LAYOUT.html_root
BUILD_FILES = ("_config.yml", "_toc.yml", "requirements.txt", "pyproject.toml", "envs", "d2l",
               "static")
"""What a build of the book reads besides its pages: the settings, the toc, the build's and
the frameworks' requirements, the library and the static files (:func:`book_files` adds
the pages' folders)."""


def book_files(root: Path = REPO) -> list[str]:
    """The files and folders (relative to ``root``) that a copy of the book at ``root``
    holds: :data:`BUILD_FILES`, then the top-level file or folder of every page that
    ``_toc.yml`` lists (a chapter's folder whole, with its figures and data)."""
    from tabbook.sources.toc import read_toc

    pages = dict.fromkeys(Path(rel).parts[0] for rel in read_toc(root))
    return [*BUILD_FILES, *(name for name in pages if name not in BUILD_FILES)]


def exec_cache(root: Path) -> Path:
    """The execution cache of the book at ``root`` (one executed notebook per run), where
    its settings put it (:attr:`tabbook.core.layout.Layout.exec_cache`)."""
    from tabbook.sources.config import load_config

    return Layout(root, load_config(root).cache_dir).exec_cache


def colab_dir(root: Path) -> Path:
    """The Colab notebooks of the book at ``root`` (``tabbook.colab_dir`` of its settings)."""
    from tabbook.sources.config import load_config

    return Path(root) / load_config(root).colab_dir


def tool_command(root: Path | None, *args: str) -> list[str]:
    """``python -m tabbook [--root ROOT] ARGS``: the tool as `make` runs it (``root``
    None: the tool's default, the current folder)."""
    where = ["--root", str(root)] if root is not None else []
    return [sys.executable, "-m", "tabbook", *where, *args]


def tool_env(env: dict | None = None, tool: Path = REPO, **extra: str) -> dict[str, str]:
    """The environment of a run of the tool: ``env`` (default: this process's) with the
    tool of the checkout at ``tool`` on ``PYTHONPATH``, and ``extra`` set."""
    return {**(os.environ if env is None else env), "PYTHONPATH": str(tool), **extra}


def run_tool(root: Path | None, *args: str, env: dict | None = None, tool: Path = REPO,
             timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    """Run the tool on the book at ``root`` (:func:`tool_command`, :func:`tool_env`) to the
    end, its output captured as text; the finished process."""
    return subprocess.run(tool_command(root, *args), capture_output=True, text=True,
                          env=tool_env(env, tool), timeout=timeout, **kwargs)


def build(root: Path, *extra: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    """Build the book at ``root`` the way `make html` does; return the finished process."""
    return run_tool(root, "html", *extra, timeout=timeout)


def runs_of(output: str) -> list[tuple[str, str, str]]:
    """(executed|cached, page, framework) for each line the build printed."""
    return re.findall(r"\[tabbook\] (executed|cached)\s+(\S+) \[(\w+)\]", output)


TINYBOOK = REPO / "tests" / "fixtures" / "tinybook"
TINY_PAGE = "chapter_demo/page.md"
TINY_FILES = ("_config.yml", "requirements.txt", "pyproject.toml", "envs", "d2l", "static")


def copy_vendor(dst: Path) -> None:
    """The checkout's vendor folder (KaTeX from npm, staged; the exercise runner's
    bundle) into the book at ``dst``: its build then installs and stages none of it again
    (about 1.6 CPU-seconds of a tiny book's first build)."""
    vendor = LAYOUT.vendor
    if vendor.is_dir():
        shutil.copytree(vendor, Layout(dst).vendor, symlinks=True)


def tiny_book(dst: Path, seed_cache: bool = True) -> Path:
    """The tiny book (``tests/fixtures/tinybook``: one page in every framework, cells that
    print) with the repository's configuration, library and environments: a book whose
    build takes seconds. ``seed_cache``: its execution cache holds the fixture's runs
    (``executed/<framework>.ipynb``) under the keys the build computes, so its first
    build executes nothing."""
    import nbformat

    from tabbook.sources.config import load_config
    from tabbook.sources.source import read_page
    from tabbook.stages.cache import plan, store

    dst.mkdir(parents=True, exist_ok=True)
    for name in TINY_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dst / name)
    shutil.copytree(TINYBOOK / "chapter_demo", dst / "chapter_demo")
    shutil.copy2(TINYBOOK / "_toc.yml", dst / "_toc.yml")
    (dst / "index.md").write_text("# Tiny Book\n\nOne page in every framework.\n", encoding="utf-8")
    copy_vendor(dst)
    if seed_cache:
        cfg = load_config(dst)
        page = read_page(dst / TINY_PAGE, dst)
        for run in plan([page], dst):
            run.notebook = nbformat.read(TINYBOOK / "executed" / f"{run.framework.name}.ipynb",
                                         as_version=4)
            store(run, dst, cfg)  # stamped, as a build stores what it executed
    return dst


def one_cell_book(root: Path, pages: dict[str, str], front: str = "") -> Path:
    """A book of one-cell PyTorch pages (folder -> code; ``front``: each page's front
    matter), with the repository's configuration and library: runs that take seconds."""
    root.mkdir(parents=True)
    for name in ("_config.yml", "pyproject.toml", "envs", "d2l", "static"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, root / name)
    for folder, code in pages.items():
        (root / folder).mkdir()
        (root / folder / "page.md").write_text(
            f"{front}# {folder}\n\n```{{code-cell}} ipython3\n%%tab pytorch\n{code}\n```\n")
    (root / "index.md").write_text("# Book\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n"
                                   + "".join(f"- file: {f}/page\n" for f in pages))
    return root


def execute_pytorch(root: Path, log=lambda *a: None) -> dict:
    """Execute (or take from the cache) every page of ``root`` in PyTorch, in this process,
    as the build does; its runs by (docname, framework)."""
    from tabbook.core.frameworks import BY_NAME
    from tabbook.sources.book import read_book
    from tabbook.sources.config import load_config
    from tabbook.sources.envs import env_python, register_kernel
    from tabbook.stages.execute import execute_all

    pytorch = BY_NAME["pytorch"]
    return execute_all(read_book(root), root, load_config(root), log=log,
                       frameworks=[pytorch],
                       before_execute=lambda fws: register_kernel(
                           pytorch, env_python(pytorch.name, root)))


def copy_book(dst: Path, with_cache: bool = True) -> Path:
    """A copy of the repository's book (sources, library, and its execution cache)."""
    for name in book_files(REPO):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dst / name)
    if with_cache and LAYOUT.state.is_dir():
        shutil.copytree(LAYOUT.state, Layout(dst).state, symlinks=True)
        Layout(dst).stamp.unlink(missing_ok=True)
    # (KaTeX staged from npm comes with it, in .tabbook/vendor: no need to fetch it again)
    return dst


def warm_servers_left(tmp: str, within: float = 0) -> list[str]:
    """The warm kernel servers still running that made their socket in ``tmp`` (the
    ``$TMPDIR`` a test gave the tool), after waiting up to ``within`` seconds for them to
    exit (a server notices that its build has gone within half a second)."""
    import time

    deadline = time.monotonic() + within
    while True:
        left = _warm_servers(tmp)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def _warm_servers(tmp: str) -> list[str]:
    left = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "warm_kernel.py" in text and "serve" in text and f"{tmp}/tbw-" in text:
            left.append(text)
    return left


def without_stamp(data: bytes) -> dict:
    """A cache entry without its stamp (entries written before the stamp existed differ
    in it only)."""
    import json

    nb = json.loads(data)
    nb["metadata"].pop("tabbook_entry", None)
    return nb


def parsed_html(path: Path):
    """The built page at ``path`` as BeautifulSoup's tree (``html.parser``), parsed once per
    test run while the file is unchanged: the tests that read the same pages share it, so
    a test must only read the tree, never change it."""
    stat = Path(path).stat()
    return _parsed(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=None)
def _parsed(path: str, mtime_ns: int, size: int):
    from bs4 import BeautifulSoup

    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def daemons_code(token: str) -> str:
    """A cell that starts three ``sleep <token>`` processes: in the kernel's group, in a
    session of its own, and in the background of a shell; then prints ``started``."""
    return (f"import os, subprocess\n"
            f"a = subprocess.Popen(['sleep', '{token}'])\n"
            f"b = subprocess.Popen(['sleep', '{token}'], start_new_session=True)\n"
            f"os.system('sleep {token} &')\n"
            f"print('started')")


def alive_with(token: str) -> list[int]:
    """PIDs of living (not zombie) processes whose command line holds ``token``, this test
    process left out."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if token in cmdline and state != "Z" and int(entry.name) != os.getpid():
            found.append(int(entry.name))
    return found


def gives_to_a_call(path: Path, value: str) -> bool:
    """Whether a Python file's code (docstrings left out) gives the string ``value`` to a
    call, alone or in a list: a command to a process or to ``shutil.which`` (the tests
    that keep each installer the only one that runs its tool)."""
    import ast

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            args = [*node.args, *(e for a in node.args if isinstance(a, ast.List) for e in a.elts)]
            if any(isinstance(a, ast.Constant) and a.value == value for a in args):
                return True
    return False
