"""A translated notebook runs the English notebook's code: checked, cell by cell.

A translated edition's Colab notebook (``<colab_dir>/<edition folder>/<framework>/...``)
translates prose only: its code equals the English notebook's apart from comments and
docstrings (translated: :mod:`tabbook.sources.code_prose`, and the install cell's comments)
and the language setting of the install cell
(:func:`language_setting`, so that the exercises' checkers print in the edition's
language). Anything else, such as a line a translation slipped in after a line break,
is a difference :func:`translated_code_problems` reports. ``make publish``
(:mod:`tabbook.stages.publish`) refuses to publish one; a test checks every notebook of
the build.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import nbformat

from ..sources.code_prose import translate_code
from ..sources.i18n import TRANSLATIONS

INSTALL_CELL = "colab-install"
"""Id of a notebook's install cell (:func:`tabbook.stages.colab.colab_notebook`)."""


def language_setting(language: str) -> str:
    """The lines a translated notebook's install cell adds: the checkers' language."""
    return f'import os\nos.environ["D2L_LANGUAGE"] = {language!r}'


def without_comments(source: str) -> str:
    """``source`` with its comments removed (a line that held only a comment goes), and
    without blank lines at either end. IPython's ``%`` and ``!`` lines are kept as they
    are; code the tokenizer cannot read is returned as it is (compared whole)."""
    lines = source.split("\n")
    masked = [ln[:len(ln) - len(ln.lstrip())] + "0" if ln.lstrip().startswith(("%", "!"))
              else ln for ln in lines]
    readline = io.StringIO("\n".join(masked)).readline
    try:
        comments = [tok.start for tok in tokenize.generate_tokens(readline)
                    if tok.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return source.strip("\n")
    dropped = set()
    for row, col in comments:
        rest = lines[row - 1][:col].rstrip()
        if not rest:
            dropped.add(row - 1)
        lines[row - 1] = rest
    return "\n".join(ln for i, ln in enumerate(lines) if i not in dropped).strip("\n")


def without_prose(source: str) -> str:
    """``source`` without its comments, and each docstring the same string whatever it
    said (:func:`tabbook.sources.code_prose.translate_code`): the code a reader runs."""
    return without_comments(translate_code(source, lambda text: "-"))


def code_differences(english: nbformat.NotebookNode, translated: nbformat.NotebookNode,
                     language: str) -> list[str]:
    """How ``translated``'s code differs from ``english``'s, comments and the install
    cell's :func:`language_setting` aside (empty: the same code)."""
    ours = [c for c in english.cells if c.cell_type == "code"]
    theirs = [c for c in translated.cells if c.cell_type == "code"]
    if len(ours) != len(theirs):
        return [f"it has {len(theirs)} code cells, the English notebook {len(ours)}"]
    problems = []
    setting = language_setting(language)
    for number, (a, b) in enumerate(zip(ours, theirs), start=1):
        source = b.source
        if b.get("id") == INSTALL_CELL:
            if setting not in source:
                problems.append(f"code cell {number} ({INSTALL_CELL}) does not set the "
                                f"checkers' language ({setting.splitlines()[-1]})")
            source = source.replace(setting, "", 1)
        # (blank lines are no code either)
        want = [ln for ln in without_prose(a.source).split("\n") if ln.strip()]
        have = [ln for ln in without_prose(source).split("\n") if ln.strip()]
        if want != have:
            extra = [ln for ln in have if ln not in want]
            problems.append(f"code cell {number} ({b.get('id') or '?'}) differs from the "
                            f"English notebook's" + (f": {extra[0]!r}" if extra else ""))
    return problems


def translated_code_problems(tree: Path, shown: str = "") -> list[str]:
    """Every translated notebook under ``tree`` (``<edition folder>/<framework>/...``)
    whose code differs from its English notebook's (``<framework>/...``); each problem
    names the notebook (its path under ``tree``, after ``shown``)."""
    tree = Path(tree)
    problems = []
    for edition in TRANSLATIONS:
        folder = tree / edition.folder
        for path in sorted(folder.rglob("*.ipynb")) if folder.is_dir() else []:
            rel = path.relative_to(tree).as_posix()
            english = tree / path.relative_to(folder)
            if not english.is_file():
                problems.append(f"{shown}{rel}: no English notebook "
                                f"{path.relative_to(folder).as_posix()} to compare its code with")
                continue
            found = code_differences(nbformat.read(english, as_version=4),
                                     nbformat.read(path, as_version=4), edition.language)
            problems += [f"{shown}{rel}: {p}" for p in found]
    return problems
