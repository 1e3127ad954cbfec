"""Translated editions: the language table, the catalogs, and translating by message.

The book is written in English; a translation is a set of gettext catalogs, one per
page, made by Sphinx's gettext builder and ``sphinx-intl`` (``python -m tabbook i18n``):
``locales/<language>/LC_MESSAGES/<docname>.po``. A message is what Sphinx translates
as one piece: a heading, a paragraph, a list item's paragraph, a caption (its msgid is
the MyST source of that piece). The book's own interface strings (Open in Colab, the
notes of empty tabs, ...) have their own catalog, ``tabbook/locales/<language>/
LC_MESSAGES/tabbook.po``, compiled to ``.mo`` at build time (never committed).

This module does not import Sphinx: the Colab notebooks (:mod:`tabbook.colab`) are
translated here, message by message, with the same catalogs the HTML build uses.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import BookError
from .files import write_atomic

LOCALES = "locales"
"""The book's catalogs: ``<book>/locales/<language>/LC_MESSAGES/<docname>.po``."""
UI_DOMAIN = "tabbook"
UI_LOCALES = Path(__file__).resolve().parent / "locales"
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


SOURCE = Edition("en", "", "English", "en", "en")
TRANSLATIONS = (
    Edition("zh_CN", "zh", "中文", "zh-CN", "zh"),
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


def _polib():
    try:
        import polib
    except ImportError:  # pragma: no cover - requirements.txt pins it
        raise BookError("the translated editions need `polib` (pip install -r requirements.txt)")
    return polib


def _read_po(path: Path):
    try:
        return _polib().pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise BookError(f"cannot read the catalog: {exc}", path=str(path)) from None


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
    return {e.msgid: e.msgstr for e in po
            if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}


def page_catalog(root: Path, language: str, docname: str) -> dict[str, str]:
    """msgid -> msgstr of a page's translated messages (fuzzy ones are not translations)."""
    path = catalog_path(root, language, docname)
    if not path.is_file():
        return {}
    return _translations_of(*_content_key(path))


@dataclass(frozen=True)
class Problem:
    """A message of a page that the edition does not translate (yet)."""

    docname: str
    kind: str  # "untranslated", "fuzzy", "not in the catalog", "obsolete", "no catalog"
    msgid: str

    def __str__(self) -> str:
        text = _flat(self.msgid)
        short = text if len(text) <= 90 else text[:87] + "..."
        return f"{self.docname}: {self.kind} message: {short!r}"


def catalog_problems(root: Path, language: str, docnames) -> list[Problem]:
    """Untranslated and fuzzy messages of the pages' committed catalogs."""
    problems = []
    for docname in docnames:
        path = catalog_path(root, language, docname)
        if not path.is_file():
            problems.append(Problem(docname, "no catalog", ""))
            continue
        for entry in _read_po(path):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(Problem(docname, "fuzzy", entry.msgid))
            elif not entry.msgstr:
                problems.append(Problem(docname, "untranslated", entry.msgid))
    return problems


def template_msgids(pot_dir: Path, docname: str) -> list[str]:
    """The msgids the gettext builder extracted for a page (``<pot_dir>/<docname>.pot``)."""
    path = Path(pot_dir) / f"{docname}.pot"
    if not path.is_file():
        return []
    return [e.msgid for e in _read_po(path) if not e.obsolete and e.msgid]


def stale_problems(root: Path, language: str, pot_dir: Path, docnames) -> list[Problem]:
    """Messages of the current English that a catalog lacks, and catalog entries it no
    longer has (the catalogs were not updated since the English changed)."""
    problems = []
    for docname in docnames:
        want = template_msgids(pot_dir, docname)
        path = catalog_path(root, language, docname)
        have = {e.msgid for e in _read_po(path) if not e.obsolete} if path.is_file() else set()
        problems += [Problem(docname, "not in the catalog", m) for m in want if m not in have]
        problems += [Problem(docname, "obsolete", m) for m in sorted(have - set(want))]
    return problems


def book_catalogs(root: Path, language: str) -> dict[str, Path]:
    """docname -> the ``.po`` of the page, for every catalog of ``language`` in the book."""
    folder = Path(root) / LOCALES / language / "LC_MESSAGES"
    if not folder.is_dir():
        return {}
    return {po.relative_to(folder).with_suffix("").as_posix(): po
            for po in sorted(folder.rglob("*.po")) if po.is_file()}


def compile_book_catalogs(root: Path, language: str, dest: Path) -> Path:
    """Compile the book's catalogs of ``language`` into ``dest/<language>/LC_MESSAGES/``.

    The ``.mo`` files are made from this build's ``.po`` files (Babel, as Sphinx compiles
    them; fuzzy entries are no translations), by content: a ``.mo`` is rewritten only
    when its bytes change, and one whose ``.po`` is gone is deleted, so nothing but the
    current catalogs translates. The source tree gets no ``.mo``. Returns ``dest`` (a
    folder for Sphinx's ``locale_dirs``).
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out = Path(dest) / language / "LC_MESSAGES"
    keep = set()
    for docname, po in book_catalogs(root, language).items():
        try:
            with open(po, "rb") as fh:
                catalog = read_po(fh, locale=language)
        except Exception as exc:  # Babel raises assorted types on a malformed catalog
            raise BookError(f"cannot read the catalog: {exc}", path=str(po)) from None
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        mo = out / f"{docname}.mo"
        write_atomic(mo, buf.getvalue())
        keep.add(mo)
    if out.is_dir():
        for mo in out.rglob("*.mo"):
            if mo not in keep:
                mo.unlink()
    return Path(dest)


def compile_tool_catalogs(language: str, dest: Path) -> Path | None:
    """Compile the tool's catalogs of ``language`` into ``dest/<language>/LC_MESSAGES/``.

    ``tabbook.po`` (the tool's strings) and ``sphinx.po`` (what Sphinx's and the themes'
    own catalogs lack). Returns ``dest`` (a locale folder for gettext and Sphinx's
    ``locale_dirs``), or ``None`` if the tool has no catalog for the language. A ``.mo``
    is rewritten only when it changes.
    """
    folder = UI_LOCALES / language / "LC_MESSAGES"
    sources = sorted(folder.glob("*.po")) if folder.is_dir() else []
    if not sources:
        return None
    for po in sources:
        mo = Path(dest) / language / "LC_MESSAGES" / f"{po.stem}.mo"
        tmp = mo.with_name(f".{mo.name}.build")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        _read_po(po).save_as_mofile(str(tmp))
        write_atomic(mo, tmp.read_bytes())
        tmp.unlink()
    return Path(dest)


def ui_gettext(language: str):
    """``gettext`` of the tool's own strings in ``language`` (identity for English)."""
    po = UI_LOCALES / language / "LC_MESSAGES" / f"{UI_DOMAIN}.po"
    if not po.is_file():
        return lambda message: message
    table = _translations_of(*_content_key(po))
    return lambda message: table.get(message, message)


def ui_strings(language: str, prefix: str = "") -> dict[str, str]:
    """The tool's translated strings whose msgid starts with ``prefix`` (for scripts)."""
    po = UI_LOCALES / language / "LC_MESSAGES" / f"{UI_DOMAIN}.po"
    if not po.is_file():
        return {}
    table = _translations_of(*_content_key(po))
    return {k: v for k, v in table.items() if k.startswith(prefix)}


# ---------------------------------------------------------------------------
# Translating MyST by message (for the Colab notebooks)


@lru_cache(maxsize=1)
def _md_parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(
        MdParserConfig(enable_extensions={"dollarmath", "amsmath", "colon_fence"}), RendererHTML)


DIRECTIVE_INFO_RE = re.compile(r"^\{([\w:-]+)\}\s*(.*)$")
NOT_PROSE = {"code-cell", "code", "code-block", "sourcecode", "math", "raw", "eval-rst"}
OPTION_LINE_RE = re.compile(r"^\s*:[\w-]+:")


def _replace_block(lines: list[str], start: int, end: int, content: str, new: str) -> None:
    """Replace the source of one message (``content``, lines start..end) by ``new``."""
    first = lines[start]
    head = content.split("\n", 1)[0]
    at = first.find(head) if head else -1
    prefix = first[:at] if at >= 0 else re.match(r"^\s*", first).group(0)
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
    tokens = _md_parser().parse(text)
    for i, tok in enumerate(tokens):
        if tok.type in ("paragraph_open", "heading_open") and tok.map:
            inline = tokens[i + 1]
            msg = _flat(inline.content)
            new = catalog.get(msg) or catalog.get(inline.content)
            if new:
                edits.append((tok.map[0], tok.map[1], inline.content, new))
        elif tok.type in ("fence", "colon_fence") and tok.map:
            m = DIRECTIVE_INFO_RE.match(tok.info.strip())
            if not m or m.group(1).split(":")[-1] in NOT_PROSE:
                continue
            body_start, body_end = tok.map[0] + 1, tok.map[1] - 1
            body = lines[body_start:body_end]
            skip = 0
            if body and body[0].strip() == "---":
                skip = next((k + 1 for k in range(1, len(body)) if body[k].strip() == "---"), 0)
            else:
                while skip < len(body) and OPTION_LINE_RE.match(body[skip]):
                    skip += 1
            inner = "\n".join(body[skip:])
            translated = translate_myst(inner, catalog)
            if translated != inner:
                edits.append((body_start + skip, body_end, None, translated))
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
