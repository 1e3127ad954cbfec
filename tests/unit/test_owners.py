"""One owner per fact (issue 29): a translated edition's folder and the build folder are
spelled where they are kept, and asked for everywhere else.

* a translated edition's folder or language (``zh``, ``zh_CN``) only in the translations
  table (the module of :class:`tabbook.sources.i18n.Edition`: ``TRANSLATIONS``);
* the build folder (``_build``) only in :mod:`tabbook.core.layout` (``Layout``);

in the code of ``tabbook/``, ``tools/``, ``benchmarks/`` and ``d2l/`` (whose checkers take
their languages from their catalogs' folders): every string in a module's code
in which such a name is a path part (the whole string, or beside a ``/``: ``"zh"``,
``"zh/index.html"``, ``"_build/html"``). Docstrings and comments are prose, and left out.

And shell gets the build's paths from the tool: ``python -m tabbook path NAME`` prints
``Layout``'s, the execution cache following ``tabbook.cache_dir``.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path

import pytest

from bookutil import REPO
from tabbook import cli
from tabbook.core.layout import BUILD_DIR, NAMED, Layout
from tabbook.sources.i18n import TRANSLATIONS, Edition

SCANNED = ("tabbook", "tools", "benchmarks", "d2l")


def _owner(cls) -> Path:
    return Path(inspect.getsourcefile(sys.modules[cls.__module__])).resolve()


OWNERS: dict[str, Path] = {
    **{name: _owner(Edition) for e in TRANSLATIONS for name in (e.folder, e.language)},
    BUILD_DIR: _owner(Layout),
}
"""Each spelled name -> the one file that may spell it."""


def _prose(tree: ast.AST) -> set[int]:
    """The string statements of a module (docstrings, attribute docstrings): prose."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def path_parts(text: str, name: str) -> bool:
    """Whether ``name`` is a path part of ``text``: all of it, or a word beside a ``/``."""
    if text == name:
        return True
    for m in re.finditer(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text):
        if "/" in (text[m.start() - 1:m.start()], text[m.end():m.end() + 1]):
            return True
    return False


def spelled(path: Path) -> list[tuple[int, str, str]]:
    """(line, name, string) of each string in ``path``'s code that spells a name of
    :data:`OWNERS` as a path part."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    prose = _prose(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in prose:
            found += [(node.lineno, name, node.value) for name in OWNERS
                      if path_parts(node.value, name)]
    return found


def test_the_rule_reads_paths_not_prose():
    assert path_parts("zh", "zh") and path_parts("zh/index.html", "zh")
    assert path_parts("locales/zh_CN/LC_MESSAGES", "zh_CN")
    assert path_parts(f"the built book (default: {BUILD_DIR}/html)", BUILD_DIR)
    assert not path_parts("zh-CN", "zh") and not path_parts("zh_CN", "zh")
    assert not path_parts("a zh_CN build does not find it", "zh_CN")
    assert not path_parts(f"tests/bookutil.{BUILD_DIR}_copy", BUILD_DIR)
    tree = ast.parse(f'"""zh/ and {BUILD_DIR}/"""\nX = 1\n"""{BUILD_DIR}/ again"""\n'
                     'Y = f"{X}/zh"\n')
    assert [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and id(n) not in _prose(tree) and isinstance(n.value, str)] == ["/zh"]


def test_a_language_folder_or_the_build_folder_is_spelled_only_by_its_owner():
    offenders = []
    for top in SCANNED:
        for path in sorted((REPO / top).rglob("*.py")):
            for line, name, text in spelled(path):
                if path.resolve() != OWNERS[name]:
                    offenders.append(f"{path.relative_to(REPO)}:{line}: {text!r} spells "
                                     f"{name!r}: ask {OWNERS[name].relative_to(REPO)}")
    assert not offenders, "\n".join(offenders)
    # (and the owners do spell them: the test looks at the right files)
    for name, owner in OWNERS.items():
        assert any(n == name for _, n, _ in spelled(owner)), (name, owner)


@pytest.mark.parametrize("cache_dir", [None, "cache/here", "/abs/cache"])
def test_shell_asks_the_tool_for_every_build_path(tmp_path, capsys, cache_dir):
    """`python -m tabbook path NAME` (what the workflow file and the Makefile ask): Layout's
    path, relative to the book when inside it; the execution cache where tabbook.cache_dir
    puts it."""
    root = tmp_path / "book"
    root.mkdir()
    if cache_dir:
        (root / "_config.yml").write_text(f"tabbook:\n  cache_dir: {cache_dir}\n")
    layout = Layout(root.resolve(), cache_dir or Layout(root).cache_dir)
    for name in NAMED:
        assert cli.main(["--root", str(root), "path", name]) == 0
        printed = capsys.readouterr().out.strip()
        want = layout.named(name)
        assert printed == (want.relative_to(layout.root).as_posix()
                           if want.is_relative_to(layout.root) else str(want)), name
    assert cli.main(["--root", str(root), "path", "exec-cache"]) == 0
    assert capsys.readouterr().out.strip() == {
        None: f"{BUILD_DIR}/.tabbook/exec", "cache/here": "cache/here/exec",
        "/abs/cache": "/abs/cache/exec"}[cache_dir]
