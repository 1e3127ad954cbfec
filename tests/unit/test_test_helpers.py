"""The tests and benchmarks ask the tool's owners (issue 29): every path under the build
folder comes from :class:`tabbook.core.layout.Layout` (through ``tests/bookutil.py``; in
``tools/`` too), the tool runs through one helper, the checkout is one ``REPO``, and a copy
of the book holds the folders its ``_toc.yml`` lists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bookutil import BUILD_FILES, REPO, book_files
from tabbook.core.layout import BUILD_DIR
from tabbook.sources.toc import chapter_sources

OWNER = REPO / "tests" / "bookutil.py"
"""The one module of the tests that may name the tool's command line and define ``REPO``
(it spells no build path either: it asks Layout)."""
SCANNED = ("tests", "benchmarks")
"""Where the checks look (the build-folder check also in ``tools/``, the workflow's)."""
SPELLED = re.compile(rf"(?<![\w.-]){re.escape(BUILD_DIR)}(?![\w-])")
TOOL = re.compile(r"""["']-m["']\s*,\s*["']tabbook["']""")


def _sources(folders: tuple[str, ...] = SCANNED) -> list[Path]:
    """The Python files of the tests and benchmarks (not the books and goldens they read)."""
    return [path for folder in folders for path in sorted((REPO / folder).rglob("*.py"))
            if "fixtures" not in path.relative_to(REPO).parts]


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                found.add(id(first.value))
    return found


def _where(path: Path, node: ast.AST, text: str) -> str:
    line = text.splitlines()[node.lineno - 1].strip()
    return f"{path.relative_to(REPO)}:{node.lineno}: {line}"


def test_no_test_spells_the_build_folder():
    """A string of code (not a docstring: prose may say where things are) naming the build
    folder: ask ``bookutil.LAYOUT`` / ``Layout(root)`` (or ``exec_cache``, ``colab_dir``)."""
    offenders = []
    for path in _sources((*SCANNED, "tools")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        docs = _docstrings(tree)
        offenders += [_where(path, node, text) for node in sorted(
                          (n for n in ast.walk(tree) if isinstance(n, ast.Constant)),
                          key=lambda n: n.lineno)
                      if isinstance(node.value, str) and id(node) not in docs
                      and SPELLED.search(node.value)]
    assert not offenders, "ask Layout (tests/bookutil.py) instead:\n" + "\n".join(offenders)


def test_one_helper_runs_the_tool():
    offenders = [f"{path.relative_to(REPO)}:{n}: {line.strip()}"
                 for path in _sources() if path != OWNER
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if TOOL.search(line)]
    assert not offenders, ("run the tool with bookutil.run_tool (or tool_command and "
                           "tool_env):\n" + "\n".join(offenders))


def test_one_repo():
    offenders = []
    for path in _sources():
        if path == OWNER:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [_where(path, node, text) for node in ast.parse(text).body
                      if isinstance(node, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id == "REPO" for t in node.targets)]
    assert not offenders, "import REPO from bookutil:\n" + "\n".join(offenders)


def test_a_copy_of_the_book_holds_every_folder_its_toc_lists(tmp_path):
    """A chapter folder added to the toc is copied with the book (no list to keep in step)."""
    for rel in ("index.md", "chapter_a/index.md", "chapter_a/page.md", "chapter_new/page.md",
                "appendix.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# Title\n", encoding="utf-8")
    (tmp_path / "chapter_new" / "figure.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n- file: chapter_a/index\n  sections:\n"
        "  - file: chapter_a/page\n- file: chapter_new/page\n- file: appendix\n",
        encoding="utf-8")
    assert book_files(tmp_path) == [*BUILD_FILES, "index.md", "chapter_a", "chapter_new",
                                    "appendix.md"]


def test_the_books_copy_holds_every_chapter():
    copied = set(book_files(REPO))
    assert {Path(rel).parts[0] for rel in chapter_sources(REPO)} <= copied
    assert all((REPO / name).exists() for name in copied)
