"""Translated text escaped for the place it lands: HTML, a script, a line of code.

A catalog's msgstr is a translator's text, never markup or code. The catalog check
(:mod:`tabbook.sources.ui_catalogs`) refuses one that would change structure before a
build uses it; these helpers make each landing place safe on its own as well, so that a
string the check let through (or that reached the build another way) stays text.

This module does not import Sphinx.
"""

from __future__ import annotations

import html
import json

_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                  "\u2028": "\\u2028", "\u2029": "\\u2029"}


def html_text(text: str) -> str:
    """``text`` for HTML text or a quoted attribute value (``& < > " '`` as references)."""
    return html.escape(str(text), quote=True)


def json_for_script(value) -> str:
    """``value`` as JSON that can sit inside a ``<script>`` element (inline JavaScript or
    ``type="application/json"``): no ``</script>``, ``<!--`` or line separator in it can end
    the element or the statement, since ``<``, ``>``, ``&``, U+2028 and U+2029 are written as
    ``\\uXXXX`` escapes (the same string once parsed)."""
    text = json.dumps(value, ensure_ascii=False)
    return "".join(_SCRIPT_UNSAFE.get(ch, ch) for ch in text)


def js_string_of_html(text: str) -> str:
    """The body of a single- or double-quoted JavaScript string, inside an inline
    ``<script>``, whose value a script puts into HTML (``innerHTML``, an attribute):
    HTML-escaped first, then a backslash or a line break cannot end the JavaScript string."""
    escaped = html_text(" ".join(str(text).split()))
    return escaped.replace("\\", "\\\\")


def one_line(text: str) -> str:
    """``text`` on one line: every run of whitespace, line breaks of any kind included
    (``\\n``, ``\\r``, form feed, U+2028, ...), is one space."""
    return " ".join(str(text).split())


def code_comment(text: str) -> str:
    """A Python comment of ``text`` that is one line whatever ``text`` holds: a translated
    comment can never start a line of code."""
    return "# " + one_line(text)


_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}


def escape_added(english: str, translated: str) -> str:
    """``translated`` for a place that reads HTML (an upstream template that inserts a
    string unescaped, notebook markdown), with each of ``& < > " '`` that ``english``
    lacks written as a character reference: what the English put there raw is safe
    there, anything else a translation adds is text. (A translation that keeps to its
    English, as the catalog check demands, is unchanged.)"""
    return "".join(_ENTITIES[ch] if ch in _ENTITIES and ch not in english else ch
                   for ch in str(translated))
