"""The prose inside code: the comments and docstrings of code cells, translated by message.

A page's code is the same in every edition; what a reader reads in it, its comments and
docstrings, is not. Each one is a message of the page's catalog
(``locales/<language>/LC_MESSAGES/<page>.po``) with the context :data:`CONTEXT`, so that a
translator sees it is code prose (and it never collides with a paragraph of the same
words): ``make translations`` adds them to the page's template (:func:`add_to_template`),
a translated page shows them in its code cells, and the translated notebooks in theirs
(:func:`translate_code`). The code itself never changes: a comment stays one line, a
docstring a triple-quoted string, and the library made of ``#@save`` code (``d2l/``) is
made from the English source.

* A comment is its text without ``#`` (``#@save`` markers are no prose: never messages).
* A docstring (of the cell, a class or a function) is its text, each paragraph's lines
  joined by spaces, paragraphs apart by a blank line; a translation is wrapped again to
  the code's width, breaking between Chinese characters or at spaces, never inside a
  Latin word or an identifier (:func:`wrap`), and never before a closing mark or after
  an opening one.

This module does not import Sphinx.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..core.escape import code_comment

CONTEXT = "code comment or docstring"
"""The ``msgctxt`` of a code cell's comment or docstring in a page's catalog."""
NOTES = {"comment": "A comment in a code cell: the code stays as it is (keep names, "
                    "numbers and formulas).",
         "docstring": "A docstring in a code cell: the code stays as it is (keep names, "
                      "numbers and formulas); a blank line parts paragraphs."}
"""The note (``#.``) each message gets in the template, by kind."""
MARKERS = ("@save",)
"""Comments that are markers for the tool (``#@save``, ``#@save redefine``), not prose."""
WIDTH = 76
"""Columns a translated docstring's lines may fill (a CJK character takes two)."""
QUOTES = '"' * 3


@dataclass(frozen=True)
class CodeText:
    """A comment or a docstring of some code, where it is and what it says."""

    line: int
    """First line (from 1)."""
    col: int
    """Column where it starts (from 0): the ``#`` or the opening quotes."""
    end_line: int
    end_col: int
    kind: str
    """``"comment"`` or ``"docstring"``."""
    text: str
    """The message (:func:`docstring_message`; a comment without its ``#``)."""
    closing_alone: bool = False
    """A docstring whose closing quotes stand on a line of their own."""
    lines: int = 1
    """A comment's lines: comments alone on consecutive lines (at one column) are one."""
    after_code: bool = False
    """A comment after code on its line (its translation stays on that line)."""


def docstring_message(doc: str) -> str:
    """A docstring's message: each paragraph on one line, paragraphs apart by a blank line."""
    paragraphs, lines = [], []
    for line in doc.strip().splitlines() + [""]:
        if line.strip():
            lines.append(line.strip())
        elif lines:
            paragraphs.append(" ".join(lines))
            lines = []
    return "\n\n".join(paragraphs)


def code_texts(source: str) -> list[CodeText]:
    """The prose of some Python code (a code cell's), in order; none when it does not parse
    (IPython's ``%`` and ``!`` lines are read as code, not prose)."""
    lines = source.split("\n")
    masked = "\n".join(ln[:len(ln) - len(ln.lstrip())] + "pass"
                       if ln.lstrip().startswith(("%", "!")) else ln for ln in lines)
    try:
        tree = ast.parse(masked)
        tokens = list(tokenize.generate_tokens(io.StringIO(masked).readline))
    except (SyntaxError, tokenize.TokenError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            doc = ast.get_docstring(node, clean=True)
            first = node.body[0] if node.body else None
            if doc and doc.strip() and isinstance(first, ast.Expr):
                last = lines[first.end_lineno - 1][:first.end_col_offset]
                closing_alone = last.strip() in ('"""', "'''")
                found.append(CodeText(first.lineno, first.col_offset, first.end_lineno,
                                      first.end_col_offset, "docstring",
                                      docstring_message(doc), closing_alone))
    block: list = []  # comments alone on consecutive lines, at one column: one message
    for tok in tokens + [None]:
        text = tok.string.lstrip("#").strip() if tok is not None else ""
        if tok is not None and (tok.type != tokenize.COMMENT or not text
                                or text.startswith(MARKERS)):
            continue
        alone = tok is not None and not lines[tok.start[0] - 1][:tok.start[1]].strip()
        if block and not (alone and tok.start[1] == block[0].start[1]
                          and tok.start[0] == block[-1].start[0] + 1):
            first, last = block[0], block[-1]
            found.append(CodeText(first.start[0], first.start[1], last.end[0], last.end[1],
                                  "comment", " ".join(t.string.lstrip("#").strip()
                                                      for t in block), lines=len(block)))
            block = []
        if tok is None:
            break
        if alone:
            block.append(tok)
        else:  # after code on its line: a message of its own, translated on that line
            found.append(CodeText(tok.start[0], tok.start[1], tok.end[0], tok.end[1],
                                  "comment", text, after_code=True))
    return sorted(found, key=lambda t: (t.line, t.col))


def code_messages(source: str) -> list[str]:
    """The messages of some code (its comments and docstrings), in order."""
    return [t.text for t in code_texts(source)]


# ---------------------------------------------------------------------------
# Wrapping a translation


OPENING = "（《「『“‘〈【〔([{"
"""Marks a line may not end with."""
CLOSING = "）》」』”’〉】〕，。、；：！？…—)]},.;:!?%"
"""Marks a line may not start with."""


def columns(text: str) -> int:
    """How many columns ``text`` takes in a monospaced font (a CJK character two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _chunks(text: str) -> list[str]:
    """``text`` cut where a line may break: at spaces (kept as chunks of their own), and
    between two characters of which one is wide (a CJK character or mark), unless that
    would start a line with a closing mark or end one with an opening mark. A Latin word,
    an identifier or a number is never cut."""
    chunks: list[str] = []
    for ch in text:
        if not chunks:
            chunks.append(ch)
            continue
        prev = chunks[-1][-1]
        if ch.isspace() or prev.isspace():
            breakable = not (ch.isspace() and prev.isspace())
        else:
            breakable = (_wide(ch) or _wide(prev)) and ch not in CLOSING and prev not in OPENING
        if breakable:
            chunks.append(ch)
        else:
            chunks[-1] += ch
    return chunks


def wrap(text: str, width: int, first: int | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` columns (``first``: of the first line), cut
    only where :func:`_chunks` allows; a chunk wider than a line gets a line of its own."""
    lines: list[str] = []
    line, space = "", ""
    for chunk in _chunks(" ".join(text.split())):
        if chunk.isspace():
            space = " "
            continue
        room = first if first is not None and not lines else width
        if line and columns(line + space + chunk) > room:
            lines.append(line)
            line = chunk
        else:
            line += space + chunk
        space = ""
    if line or not lines:
        lines.append(line)
    return lines


# ---------------------------------------------------------------------------
# Translating code


def _docstring_literal(text: str, col: int, closing_alone: bool) -> str:
    """A translated docstring as a triple-quoted string whose lines start at ``col``."""
    text = text.replace("\\", "\\\\").replace(QUOTES, "'" * 3)
    indent = " " * col
    width = max(30, WIDTH - col)
    out: list[str] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()] or [text]
    for k, paragraph in enumerate(paragraphs):
        if k:
            out.append("")
        out += wrap(paragraph, width, first=width - 3 if not out else None)
    if not closing_alone and columns(out[-1]) + 3 > width and len(out) > 1:
        closing_alone = True  # (the quotes would run past the width)
    if out[-1].endswith('"') and not closing_alone:
        out[-1] = out[-1][:-1] + '\\"'  # (it would run into the closing quotes)
    body = ("\n" + indent).join(out).replace("\n" + indent + "\n", "\n\n")
    if closing_alone and len(out) > 1:
        return QUOTES + body + "\n" + indent + QUOTES
    return QUOTES + body + QUOTES


def translate_code(source: str, translate) -> str:
    """``source`` with each comment and docstring that ``translate(text)`` translates
    replaced; the code itself is unchanged (a comment stays one line, a docstring a
    triple-quoted string whose translation is wrapped by :func:`wrap`)."""
    lines = source.split("\n")
    for t in reversed(code_texts(source)):
        new = translate(t.text)
        if not new or new == t.text:
            continue
        if t.kind == "comment" and t.after_code:
            replacement = code_comment(new)
        elif t.kind == "comment":  # as many lines as the code's width needs
            replacement = ("\n" + " " * t.col).join(
                code_comment(line) for line in wrap(new, max(30, WIDTH - t.col - 2)))
        else:
            replacement = _docstring_literal(new, t.col, t.closing_alone)
        head, tail = lines[t.line - 1][:t.col], lines[t.end_line - 1][t.end_col:]
        lines[t.line - 1:t.end_line] = (head + replacement + tail).split("\n")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Catalogs


def code_catalog(root: Path, language: str, docname: str) -> dict[str, str]:
    """msgid -> msgstr of a page's translated code prose (context :data:`CONTEXT`; fuzzy
    messages are no translations)."""
    from .i18n import _content_key, catalog_path

    path = catalog_path(root, language, docname)
    if not path.is_file():
        return {}
    return dict(_code_catalog(*_content_key(path)))


@lru_cache(maxsize=64)
def _code_catalog(path: str, digest: str) -> tuple:
    from .i18n import _read_po

    return tuple((e.msgid, e.msgstr) for e in _read_po(Path(path))
                 if e.context == CONTEXT and e.msgstr and not e.obsolete
                 and "fuzzy" not in e.flags)


def page_messages(page) -> list[tuple[str, str, int]]:
    """``(kind, message, line in the page's file)`` of every code cell of ``page``
    (a :class:`tabbook.sources.source.Page`), in order."""
    out = []
    for cell in page.cells:
        if cell.kind != "code":
            continue
        # (the cell's text starts at cell.line; a %%tab line, removed, was above it)
        for t in code_texts(cell.source):
            out.append((t.kind, t.text, cell.line + t.line - 1))
    return out


def add_to_template(pot: Path, page, location: str) -> int:
    """Add the code prose of ``page`` to its template ``pot`` (Sphinx's gettext builder
    wrote it; a page without other messages gets one), each with the context
    :data:`CONTEXT`, a note saying what it is, and ``location`` (the page's path as the
    template names it) with its line. Returns how many messages it added."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    from ..core.files import write_atomic

    messages = page_messages(page)
    if not messages:
        return 0
    if Path(pot).is_file():
        with open(pot, "rb") as fh:
            template = read_po(fh)
    else:
        template = Catalog(charset="utf-8")
    for kind, text, line in messages:
        known = template.get(text, context=CONTEXT)
        if known is None:
            template.add(text, context=CONTEXT, locations=[(location, line)],
                         auto_comments=[NOTES[kind]])
        elif (location, line) not in known.locations:
            known.locations.append((location, line))
    out = io.BytesIO()
    write_po(out, template, width=76, omit_header=False)
    write_atomic(Path(pot), out.getvalue())
    return len(messages)


# ---------------------------------------------------------------------------
# Checks


def code_words(text: str) -> list[str]:
    """What in a message is code, to be kept by its translation: names with an underscore,
    a dot or a digit (``batch_size``, ``L_v``, ``d2l.Module``), and names called or indexed
    (``ceil(``, ``loss_matrix[``)."""
    found = [m.group(1) for m in re.finditer(r"`([^`]+)`", text)]
    for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*", text):
        word, after = m.group(0), text[m.end():m.end() + 1]
        if word.lower() in ("e.g", "i.e"):
            continue
        if re.search(r"[_.0-9]", word) or (after and after in "([" and len(word) > 1):
            found.append(word)
    return sorted(found)


def message_problems(msgid: str, msgstr: str) -> list[str]:
    """What a translation of a code comment or docstring changes that it may not (empty:
    fine): the code in it (:func:`code_words`), its paragraphs, and it adds no
    triple quotes (they would end the docstring)."""
    problems = []
    want, have = code_words(msgid), code_words(msgstr)
    lost = sorted(set(want) - set(have))
    if lost:
        problems.append("the translation of a code comment or docstring drops the code in "
                        f"it ({', '.join(lost)}): keep names as they are")
    if QUOTES in msgstr or "'''" in msgstr:
        problems.append("the translation of a docstring holds triple quotes, which would end "
                        "it: write 「」 or “” instead")
    breaks_id = msgid.count("\n\n")
    if msgstr.count("\n\n") != breaks_id or ("\n" in msgstr.replace("\n\n", "") and
                                            "\n" not in msgid.replace("\n\n", "")):
        problems.append(f"the translation has other paragraphs than its English "
                        f"({breaks_id + 1}): part them with one blank line as it does")
    return problems


def add_book_messages(root: Path, pot_dir: Path) -> int:
    """:func:`add_to_template` for every page of the book, into ``pot_dir/<docname>.pot``
    (after Sphinx's gettext builder wrote them: ``make translations``)."""
    import os

    from .book import read_book

    count = 0
    for page in read_book(Path(root)):
        location = Path(os.path.relpath(page.path, pot_dir)).as_posix()
        count += add_to_template(Path(pot_dir) / f"{page.docname}.pot", page, location)
    return count
