"""The checks of interface strings: the tool's catalogs and the exercise checkers'.

A page's message is MyST prose that Sphinx renders (and escapes); an interface string is
not. The tool's catalogs (``tabbook/locales/<language>/LC_MESSAGES/*.po``: its own
strings, and those of Sphinx, the themes and sphinx-togglebutton it supplements) and the
checkers' (``d2l/locales/<language>/LC_MESSAGES/d2l.po``) are put by code, not by a
Markdown renderer, into HTML attributes and text, JavaScript strings, notebook markdown,
comments inside notebook code, and ``str.format``/``%`` templates. So besides what every
catalog is checked for (:func:`tabbook.sources.catalogs.message_problems`), a
translation of an interface string

* adds no quote or angle bracket (``"``, ``'``, ``<``, ``>``) its English lacks: one can
  close the attribute it lands in (``title="..."``) or a JavaScript string;
* keeps its English's placeholders (``{name}``, ``{}``, ``%s``, ``%(name)s``): the code
  fills in exactly those, and a new one fails the format call where the reader sees it;
* adds no line break its English lacks: a comment put into a notebook's code is one
  line, and a line break would start a line of code.

This module does not import Sphinx.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

STRUCTURE_CHARS = ('"', "'", "<", ">")
"""Characters that end an attribute, a JavaScript string, or start a tag."""

_BRACE_RE = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_PERCENT_RE = re.compile(r"%%|%(?:\([A-Za-z_]\w*\))?[-#0+]*\d*(?:\.\d+)?[sdiouxXeEfFgGcr]")


def placeholders(text: str) -> Counter:
    """The ``str.format`` fields and ``%`` conversions of ``text`` (``{{``, ``}}`` and
    ``%%`` are literal characters, not placeholders)."""
    found = Counter(m.group(0) for m in _BRACE_RE.finditer(text)
                    if m.group(0) not in ("{{", "}}"))
    found.update(m.group(0) for m in _PERCENT_RE.finditer(text) if m.group(0) != "%%")
    return found


def line_breaks(text: str) -> int:
    """How many line breaks of any kind ``text`` holds (``\\n``, ``\\r``, U+2028, ...)."""
    return len(("x" + text + "x").splitlines()) - 1


def string_problems(msgid: str, msgstr: str) -> list[str]:
    """What a translation of an interface string changes that it may not (empty: fine)."""
    problems = []
    added = [ch for ch in STRUCTURE_CHARS if ch in msgstr and ch not in msgid]
    if added:
        problems.append("the translation adds " + ", ".join(repr(ch) for ch in added)
                        + ", which its English message lacks: in an HTML attribute or a "
                        "JavaScript string it would end the string (write “ ” 「 」 《 》 "
                        "or ＜ ＞ instead)")
    want, have = placeholders(msgid), placeholders(msgstr)
    if want != have:
        lost, extra = want - have, have - want
        parts = ([f"lacks {', '.join(sorted(lost))}"] if lost else []) + \
                ([f"adds {', '.join(sorted(extra))}"] if extra else [])
        problems.append(f"the translation changes the message's placeholders: it "
                        f"{' and '.join(parts)} (the code fills in exactly the English "
                        f"message's: keep each one as it is)")
    if line_breaks(msgstr) > line_breaks(msgid):
        problems.append("the translation has a line break its English message lacks (an "
                        "interface string stays on its lines: in a comment of notebook code "
                        "a new line would be code): remove it")
    return problems


def is_interface_catalog(shown: str) -> bool:
    """Whether a catalog (by its path from the book's root) holds interface strings: the
    tool's (``tabbook/locales/``) or the library's (``d2l/locales/``)."""
    return Path(shown).as_posix().startswith(("tabbook/locales/", "d2l/locales/"))
