"""Translated editions: the language table, the catalogs, and translating by message.

The book is written in English; a translation is a set of gettext catalogs, one per
page, made by Sphinx's gettext builder and ``sphinx-intl`` (``python -m tabbook i18n``):
``locales/<language>/LC_MESSAGES/<docname>.po``. A message is what Sphinx translates
as one piece: a heading, a paragraph, a list item's paragraph, a caption (its msgid is
the MyST source of that piece). The book's own interface strings (Open in Colab, the
notes of empty tabs, ...) have their own catalog, ``tabbook/locales/<language>/
LC_MESSAGES/tabbook.po``, compiled to ``.mo`` at build time (never committed).

Here: the editions' table, reading a catalog (and compiling one, as Sphinx does), a page's
translations, the tool's strings, and translating MyST by message. The catalogs compiled
for a build are :mod:`tabbook.sources.catalog_build`'s; what is left to translate and the
catalogs' tidying after ``make translations``, :mod:`tabbook.sources.catalog_upkeep`'s.

This module does not import Sphinx: the Colab notebooks (:mod:`tabbook.stages.colab`) are
translated here, message by message, with the same catalogs the HTML build uses.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from ..core.errors import BookError
from ..core.escape import escape_added
from ..core.myst_markdown import directive_of
from ..core.myst_markdown import tokens as myst_tokens

LOCALES = "locales"
"""The book's catalogs: ``<book>/locales/<language>/LC_MESSAGES/<docname>.po``."""
BOOK_CATALOG = "_book"
"""The catalog of the book's settings that readers see (``author``), beside the pages'
catalogs: ``locales/<language>/LC_MESSAGES/_book.po`` (`make translations` extracts it)."""
UI_DOMAIN = "tabbook"
UI_LOCALES = Path(__file__).resolve().parent.parent / "locales"
"""The tool's own strings: ``tabbook/locales/<language>/LC_MESSAGES/tabbook.po``."""


@dataclass(frozen=True)
class Edition:
    """One language of the book."""

    language: str
    """Sphinx's ``language`` (and the catalogs' folder name)."""
    folder: str
    """Where its HTML goes below the English edition's (``''``: the English edition)."""
    name: str
    """Its name in its own language, shown by the language switch."""
    html_lang: str
    """BCP 47 tag for ``<html lang>`` and ``hreflang``."""
    search_language: str
    """Sphinx's ``html_search_language`` (``zh`` segments words with jieba)."""
    team: str = ""
    """Who translates it: the catalogs' ``Language-Team`` (and ``Last-Translator`` until a
    translator puts their own name there)."""
    sites: tuple[tuple[str, str], ...] = ()
    """(English site, its edition in this language): a translation may link the same page
    of the site's own edition (``https://d2l.ai/x.html`` -> ``https://zh.d2l.ai/x.html``);
    any other change of a link target is refused by :mod:`tabbook.sources.catalogs`."""

    @property
    def prefix(self) -> str:
        """Its path below the English edition's, as its pages and Colab notebooks are found
        there: ``"zh/"``, or ``""`` for the English edition (every module asks the table)."""
        return f"{self.folder}/" if self.folder else ""


SOURCE = Edition("en", "", "English", "en", "en")
TRANSLATIONS = (
    Edition("zh_CN", "zh", "中文", "zh-CN", "zh",
            team="d2l-classification-book Chinese translators (中文翻译组)",
            sites=(("https://d2l.ai/", "https://zh.d2l.ai/"),)),
)
EDITIONS = (SOURCE, *TRANSLATIONS)
BY_LANGUAGE = {e.language: e for e in EDITIONS}


def edition_of(language: str | None) -> Edition:
    """The edition Sphinx's ``language`` builds (English for ``None`` or an unknown one)."""
    return BY_LANGUAGE.get(language or "en", SOURCE)


def translations(root: Path) -> list[Edition]:
    """The translated editions the book has catalogs for."""
    return [e for e in TRANSLATIONS if (Path(root) / LOCALES / e.language / "LC_MESSAGES").is_dir()]


def catalog_path(root: Path, language: str, docname: str) -> Path:
    return Path(root) / LOCALES / language / "LC_MESSAGES" / f"{docname}.po"


def link_to(edition: Edition, other: Edition, docname: str) -> str:
    """Relative URL, from ``docname`` in ``edition``, of the same page in ``other``."""
    up = "../" * docname.count("/") + ("../" if edition.folder else "")
    return up + (f"{other.folder}/" if other.folder else "") + f"{docname}.html"


# ---------------------------------------------------------------------------
# Catalogs


@dataclass(frozen=True)
class Entry:
    """One message of a catalog, as read by :func:`_read_po`."""

    msgid: str
    msgstr: str
    flags: frozenset[str] = frozenset()
    obsolete: bool = False
    context: str | None = None
    """``msgctxt``."""
    line: int = 0
    """The line of its ``msgid`` in the file (what errors name)."""


def _read_po(path: Path) -> list[Entry]:
    """A ``.po``/``.pot`` file's messages (the header left out), obsolete ones last.

    Read with Babel's parser, the one Sphinx compiles the book's catalogs with
    (``sphinx.util.i18n.CatalogInfo.write_mo``): the notebooks and the HTML read the
    same messages from the same files.
    """
    from babel.messages.pofile import PoFileError, read_po

    try:
        with open(path, "rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
    except (OSError, ValueError, PoFileError) as exc:
        raise BookError(f"cannot read the catalog: {exc}", path=str(path)) from None

    def entry(message, obsolete: bool) -> Entry:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        msgstr = message.string[0] if isinstance(message.string, tuple) else message.string
        return Entry(msgid, msgstr or "", frozenset(message.flags), obsolete,
                     message.context, message.lineno or 0)

    return ([entry(m, False) for m in catalog if m.id]
            + [entry(m, True) for m in catalog.obsolete.values() if m.id])


def _write_mo(po: Path, mo: Path, escape: bool = False) -> None:
    """Compile ``po`` into ``mo`` as Sphinx does (Babel; fuzzy messages left out); with
    ``escape``, each translation as :func:`tabbook.core.escape.escape_added` writes it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        raw = fh.read()
    catalog = read_po(io.BytesIO(raw))
    if b"POT-Creation-Date:" not in raw:
        # Babel fills a missing creation date in with the time of compiling: the .mo would
        # change every minute (and with it the library's digest and the editions' inputs)
        catalog.creation_date = datetime(1970, 1, 1, tzinfo=timezone.utc)
    for message in catalog if escape else ():
        if message.id and isinstance(message.string, str):
            message.string = escape_added(message.id, message.string)
    with open(mo, "wb") as out:
        write_mo(out, catalog, use_fuzzy=False)


def _flat(msgid: str) -> str:
    """How Sphinx keys a message: newlines as spaces, stripped."""
    return msgid.replace("\n", " ").strip()


def _content_key(path: Path) -> tuple[str, str]:
    """A catalog's path and the hash of its bytes (never its mtime: a copied file keeps an
    old one)."""
    return str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=64)
def _translations_of(path: str, digest: str) -> dict[str, str]:
    po = _read_po(Path(path))
    return {e.msgid: e.msgstr for e in po  # (a code cell's prose: code_prose.code_catalog)
            if e.msgstr and not e.obsolete and "fuzzy" not in e.flags and e.context is None}


def page_catalog(root: Path, language: str, docname: str) -> dict[str, str]:
    """msgid -> msgstr of a page's translated messages (fuzzy ones are not translations)."""
    path = catalog_path(root, language, docname)
    if not path.is_file():
        return {}
    return _translations_of(*_content_key(path))


def ui_gettext(language: str):
    """``gettext`` of the tool's own strings in ``language`` (identity for English)."""
    po = UI_LOCALES / language / "LC_MESSAGES" / f"{UI_DOMAIN}.po"
    if not po.is_file():
        return lambda message: message
    table = _translations_of(*_content_key(po))
    return lambda message: table.get(message, message)


# ---------------------------------------------------------------------------
# Translating MyST by message (for the Colab notebooks)


NOT_PROSE = {"code-cell", "code", "code-block", "sourcecode", "math", "raw", "eval-rst"}


def _replace_block(lines: list[str], start: int, end: int, content: str, new: str) -> None:
    """Replace the source of one message (``content``, lines start..end) by ``new``."""
    first = lines[start]
    head = content.split("\n", 1)[0]
    at = first.find(head) if head else -1
    prefix = first[:at] if at >= 0 else first[:len(first) - len(first.lstrip())]
    indent = " " * len(prefix) if prefix.strip() else prefix
    tail = ""
    if end - start == 1 and at >= 0:
        tail = first[at + len(head):]  # e.g. a heading's closing #s
    new_lines = new.split("\n")
    out = [prefix + new_lines[0] + tail] + [indent + ln if ln else ln for ln in new_lines[1:]]
    lines[start:end] = out


def translate_myst(text: str, catalog: dict[str, str]) -> str:
    """``text`` (MyST Markdown) with each message that ``catalog`` translates replaced.

    Headings and paragraphs (in lists, quotes and directives too) are looked up by their
    source, as Sphinx looks them up; code, math and untranslated messages stay as they are.
    """
    if not catalog or not text.strip():
        return text
    lines = text.split("\n")
    edits = []  # (start, end, content, translation), applied bottom-up
    tokens = myst_tokens(text)
    for i, tok in enumerate(tokens):
        if tok.type in ("paragraph_open", "heading_open") and tok.map:
            inline = tokens[i + 1]
            msg = _flat(inline.content)
            new = catalog.get(msg) or catalog.get(inline.content)
            if new:
                edits.append((tok.map[0], tok.map[1], inline.content, new))
        elif tok.type in ("fence", "colon_fence") and tok.map:
            d = directive_of(tok)
            if d is None or d.name in NOT_PROSE:
                continue
            body_end = tok.map[1] - 1
            inner = "\n".join(lines[d.body_start:body_end])
            translated = translate_myst(inner, catalog)
            if translated != inner:
                edits.append((d.body_start, body_end, None, translated))
    for start, end, content, new in sorted(edits, key=lambda e: e[0], reverse=True):
        if content is None:
            lines[start:end] = new.split("\n")
        else:
            _replace_block(lines, start, end, content, new)
    return "\n".join(lines)


class Translator:
    """What a translated Colab notebook needs: its pages' messages and the tool's strings."""

    def __init__(self, root: Path, edition: Edition):
        self.root = Path(root)
        self.edition = edition
        self.ui = ui_gettext(edition.language)
        self._done: dict[tuple[str, str], str] = {}

    def markdown(self, docname: str, text: str) -> str:
        """A page's MyST text (a markdown cell) translated message by message."""
        key = (docname, text)
        if key not in self._done:  # (each framework's notebook has the shared cells)
            self._done[key] = translate_myst(
                text, page_catalog(self.root, self.edition.language, docname))
        return self._done[key]

    def message(self, docname: str, text: str) -> str:
        """One message of a page (a title), or itself."""
        return page_catalog(self.root, self.edition.language, docname).get(_flat(text), text)

    def book_title(self, title: str) -> str:
        """The book's title (the root page's title, translated in that page's catalog)."""
        folder = self.root / LOCALES / self.edition.language / "LC_MESSAGES"
        for po in sorted(folder.rglob("*.po")):
            docname = po.relative_to(folder).with_suffix("").as_posix()
            found = page_catalog(self.root, self.edition.language, docname).get(_flat(title))
            if found:
                return found
        return title
